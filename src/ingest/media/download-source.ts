// The small interface a download needs from Telegram, so the media archive is tested without it:
// read a chunk at an offset, and fetch the message again when its file reference expired.

export interface DownloadSource {
  /** Up to `limit` bytes at `offset`. Fewer bytes than asked for mean the end of the file. */
  read(offset: number, limit: number, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * Re-reads the message for a fresh file reference after FILE_REFERENCE_EXPIRED. Returns false
   * when the message or its media no longer exists.
   */
  refresh(signal?: AbortSignal): Promise<boolean>;
}

export type DownloadErrorKind = 'file-reference-expired' | 'unavailable' | 'transient';

const REFERENCE = /FILE_REFERENCE_(EXPIRED|INVALID|EMPTY)/;
const UNAVAILABLE =
  /MediaUnavailableError|FILE_ID_INVALID|MEDIA_EMPTY|LOCATION_INVALID|CHANNEL_PRIVATE|CHANNEL_INVALID|PEER_ID_INVALID|MSG_ID_INVALID|CDN Not supported|MEDIA_UNAVAILABLE/;

/** Classifies a failed chunk read by Telegram's error text (gramjs RPCError or a gateway error). */
export function classifyDownloadError(error: unknown): DownloadErrorKind {
  const e = error as
    | { name?: unknown; errorMessage?: unknown; message?: unknown; code?: unknown }
    | undefined;
  const text = [e?.name, e?.errorMessage, e?.code, e?.message].filter((x) => typeof x === 'string').join(' ');
  if (REFERENCE.test(text)) return 'file-reference-expired';
  if (UNAVAILABLE.test(text)) return 'unavailable';
  return 'transient';
}
