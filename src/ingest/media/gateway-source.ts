// A DownloadSource over the gateway's chunked download. The gateway streams a file from an offset
// in fixed-size chunks; consecutive reads continue the same stream, and a read at another offset
// or size starts a new one there, so a resumed or retried download never goes back to byte 0.
import type { MediaLocation } from '../../events/observations.ts';
import type { PeerRef } from '../../events/peers.ts';
import type { TelegramGateway } from '../../telegram/gateway.ts';
import type { DownloadSource } from './download-source.ts';

interface OpenStream {
  readonly iterator: AsyncIterator<Buffer>;
  readonly chunkSize: number;
  next: number;
}

export function gatewayDownloadSource(
  gateway: Pick<TelegramGateway, 'downloadMedia'>,
  chat: PeerRef,
  messageId: number,
  /** From the message just read; saves the gateway a lookup. Dropped after a refresh. */
  location?: MediaLocation,
): DownloadSource {
  let stream: OpenStream | undefined;
  let known = location;
  const close = () => {
    const old = stream;
    stream = undefined;
    void old?.iterator.return?.().catch(() => undefined);
  };
  return {
    async read(offset, limit, signal) {
      if (!stream || stream.next !== offset || stream.chunkSize !== limit) {
        close();
        const iterable = gateway.downloadMedia(chat, messageId, {
          offset,
          chunkSize: limit,
          signal,
          // The downloader takes each chunk's turn from the shared pacer and sits out flood waits.
          maxFloodWaitSeconds: 0,
          ...(known ? { location: known } : {}),
        });
        stream = { iterator: iterable[Symbol.asyncIterator](), chunkSize: limit, next: offset };
      }
      const current = stream;
      try {
        const result = await current.iterator.next();
        if (result.done) {
          close();
          return new Uint8Array(0);
        }
        current.next += result.value.length;
        // A short chunk ends the file; a new read would need a new stream anyway.
        if (result.value.length < limit) close();
        return result.value;
      } catch (error) {
        if (stream === current) stream = undefined;
        throw error;
      }
    },
    async refresh() {
      // Without a location the gateway re-reads the message for a fresh file reference.
      known = undefined;
      close();
      return true;
    },
  };
}
