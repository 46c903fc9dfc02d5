// Where media lives: DATA_DIR/media/ab/<sha256>.<ext>, named by content so identical files are
// stored once. Unfinished downloads wait in DATA_DIR/media/partial/ under a name derived from the
// message, so an interrupted download is found and resumed. Original file names stay in events.
import { join } from 'node:path';
import type { MediaDescriptor } from '../../events/payloads.ts';
import { type PeerRef, peerKey } from '../../events/peers.ts';

export const mediaRoot = (dataDir: string): string => join(dataDir, 'media');

export const mediaFilePath = (root: string, sha256: string, extension: string): string =>
  join(root, sha256.slice(0, 2), `${sha256}.${extension}`);

export function partialPath(
  root: string,
  chat: PeerRef,
  messageId: number,
  fileId: string | undefined,
): string {
  const file = fileId === undefined ? '' : `-${fileId.replace(/[^0-9a-zA-Z_-]/g, '')}`;
  return join(root, 'partial', `${peerKey(chat)}-${messageId}${file}.part`);
}

const BY_MIME: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/x-wav': 'wav',
  'audio/flac': 'flac',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/x-tgsticker': 'tgs',
  'application/json': 'json',
  'text/plain': 'txt',
};

const BY_KIND: Readonly<Record<string, string>> = {
  photo: 'jpg',
  video: 'mp4',
  voice: 'ogg',
  round: 'mp4',
  animation: 'mp4',
  sticker: 'webp',
  audio: 'mp3',
};

/** A safe extension: from the original name, else the MIME type, else the kind; 'bin' as a last resort. */
export function extensionFor(media: Pick<MediaDescriptor, 'kind' | 'mimeType' | 'fileName'>): string {
  const fromName = /\.([A-Za-z0-9]{1,10})$/.exec(media.fileName ?? '')?.[1]?.toLowerCase();
  if (fromName) return fromName;
  const mime = media.mimeType?.toLowerCase().split(';')[0]?.trim();
  if (mime && BY_MIME[mime]) return BY_MIME[mime];
  return BY_KIND[media.kind] ?? 'bin';
}

/** The MIME type to record: the given one, or what the kind implies. */
export function mimeTypeFor(media: Pick<MediaDescriptor, 'kind' | 'mimeType'>): string {
  if (media.mimeType) return media.mimeType;
  return media.kind === 'photo' ? 'image/jpeg' : 'application/octet-stream';
}
