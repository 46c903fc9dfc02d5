// GET /media/<sha256>: the bytes of a downloaded file, with range requests for seeking and ETags
// for caching. Only hashes the read model knows are served; the path on disk is built from the
// validated hash and the recorded extension, never from the request, so no traversal is possible.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { decideRange, ifRangeHolds, notModified } from './range.ts';

/** What the read model records about one stored file. */
export interface StoredMedia {
  readonly sha256: string;
  readonly extension: string;
  readonly mimeType: string;
  readonly fileName?: string | null;
}

export type MediaLookup = (sha256: string) => Promise<StoredMedia | undefined>;

export const MEDIA_PREFIX = '/media/';
const HASH = /^[0-9a-f]{64}$/;
const EXTENSION = /^[a-z0-9]{1,16}$/;
/** Types a browser may render inline; everything else is offered as a download. */
const INLINE = /^(image\/(png|jpeg|gif|webp|avif|bmp)|video\/[\w.+-]+|audio\/[\w.+-]+|application\/pdf)$/;

/** The hash named by a media path, or undefined when the path is not exactly /media/<64 hex>. */
export function mediaHashFromPath(pathname: string): string | undefined {
  if (!pathname.startsWith(MEDIA_PREFIX)) return undefined;
  const rest = pathname.slice(MEDIA_PREFIX.length).toLowerCase();
  return HASH.test(rest) ? rest : undefined;
}

/** DATA_DIR/media/<first two hex>/<sha256>.<ext>, or undefined when the record is unusable. */
export function mediaFilePath(mediaDir: string, media: StoredMedia): string | undefined {
  if (!HASH.test(media.sha256) || !EXTENSION.test(media.extension)) return undefined;
  const root = resolve(mediaDir);
  const path = join(root, media.sha256.slice(0, 2), `${media.sha256}.${media.extension}`);
  return path.startsWith(root + sep) ? path : undefined;
}

const notFound = () =>
  new Response('Not found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });

export async function serveMedia(request: Request, mediaDir: string, lookup: MediaLookup): Promise<Response> {
  const url = new URL(request.url);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Method not allowed\n', { status: 405, headers: { allow: 'GET, HEAD' } });
  }
  const sha256 = mediaHashFromPath(url.pathname);
  if (sha256 === undefined) return notFound();
  const media = await lookup(sha256);
  const path = media && mediaFilePath(mediaDir, media);
  if (!media || !path) return notFound();
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return notFound();

  const etag = `"${sha256}"`;
  const headers = new Headers({
    etag,
    'accept-ranges': 'bytes',
    // Content addressing: these bytes never change. Private because they sit behind auth.
    'cache-control': 'private, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
    // Files come from strangers: never let one run script in the viewer's origin.
    'content-security-policy': "sandbox; default-src 'none'; img-src 'self'; media-src 'self'",
    'content-type': media.mimeType || 'application/octet-stream',
    'content-disposition': disposition(media),
  });
  if (notModified(request.headers.get('if-none-match'), etag)) {
    return new Response(null, { status: 304, headers });
  }
  const size = info.size;
  const range = ifRangeHolds(request.headers.get('if-range'), etag)
    ? decideRange(request.headers.get('range'), size)
    : ({ kind: 'full' } as const);
  if (range.kind === 'unsatisfiable') {
    headers.set('content-range', `bytes */${size}`);
    headers.set('content-type', 'text/plain; charset=utf-8');
    headers.delete('content-disposition');
    return new Response('Range not satisfiable\n', { status: 416, headers });
  }
  const [start, end, status] =
    range.kind === 'partial' ? [range.start, range.end, 206] : [0, Math.max(0, size - 1), 200];
  const length = size === 0 ? 0 : end - start + 1;
  headers.set('content-length', String(length));
  if (range.kind === 'partial') headers.set('content-range', `bytes ${start}-${end}/${size}`);
  if (request.method === 'HEAD' || length === 0) return new Response(null, { status, headers });
  const stream = createReadStream(path, { start, end });
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status, headers });
}

function disposition(media: StoredMedia): string {
  const kind = INLINE.test(media.mimeType) ? 'inline' : 'attachment';
  const name = media.fileName ?? `${media.sha256.slice(0, 12)}.${media.extension}`;
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
