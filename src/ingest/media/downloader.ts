// One media download into the content-addressed archive: bytes go to a .part file, resumed from
// its offset after an interruption or a flood wait (never from byte 0), hashed with SHA-256 as
// they arrive (including what the .part already held) and moved to media/ab/<sha256>.<ext>.
// An expired file reference refreshes the message and retries; other failures back off and retry
// up to a cap. Flood waits are the pacer's business; a wait too long ends the download unfinished.
import { createHash, type Hash } from 'node:crypto';
import { type FileHandle, link, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MediaDescriptor, MediaSkipReason } from '../../events/payloads.ts';
import type { PeerRef } from '../../events/peers.ts';
import { exponentialDelay } from '../../pacing/backoff.ts';
import { abortable, type Clock, systemClock, throwIfAborted } from '../../pacing/clock.ts';
import type { Pacer } from '../../pacing/pacer.ts';
import { CHUNK_ALIGNMENT, chunkRequest, MAX_CHUNK, resumeOffset } from './chunks.ts';
import { classifyDownloadError, type DownloadErrorKind, type DownloadSource } from './download-source.ts';
import { extensionFor, mediaFilePath, mimeTypeFor, partialPath } from './naming.ts';
import { tryLockPart } from './part-lock.ts';
import { tooLargeDetail } from './policy.ts';

export const FILE_METHOD = 'upload.getFile';

export interface DownloadTarget {
  readonly chat: PeerRef;
  readonly messageId: number;
  readonly media: MediaDescriptor;
}

export interface DownloadOptions {
  /** DATA_DIR/media */
  readonly root: string;
  readonly pacer: Pacer;
  readonly maxBytes: number;
  readonly clock?: Clock;
  /** Preferred request size (a power of two between 4 KiB and 1 MiB). */
  readonly chunkSize?: number;
  /** Consecutive failed reads before giving up (flood waits and reference refreshes not counted). */
  readonly maxAttempts?: number;
  /** First backoff; doubles per consecutive failure. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly maxReferenceRefreshes?: number;
  readonly classify?: (error: unknown) => DownloadErrorKind;
  readonly signal?: AbortSignal;
  /** Called with each chunk's byte count. */
  readonly onBytes?: (bytes: number) => void;
}

export type DownloadResult =
  | {
      readonly status: 'downloaded';
      readonly sha256: string;
      readonly size: number;
      readonly extension: string;
      readonly mimeType: string;
      /** The same content was already archived; nothing new was written. */
      readonly deduplicated: boolean;
      /** The offset the download continued from (0 for a fresh start). */
      readonly resumedFrom: number;
      /** upload.getFile requests made, retries included. */
      readonly requests: number;
      readonly referenceRefreshes: number;
    }
  | {
      readonly status: 'skipped';
      readonly reason: Extract<MediaSkipReason, 'too-large' | 'unavailable' | 'failed'>;
      readonly detail: string;
    }
  /** Another process is downloading this file right now. */
  | { readonly status: 'busy' };

class SkipDownload extends Error {
  readonly reason: 'too-large' | 'unavailable' | 'failed';
  constructor(reason: 'too-large' | 'unavailable' | 'failed', detail: string) {
    super(detail);
    this.reason = reason;
  }
}

export async function downloadMedia(
  target: DownloadTarget,
  source: DownloadSource,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const part = partialPath(options.root, target.chat, target.messageId, target.media.fileId);
  await mkdir(dirname(part), { recursive: true });
  const lock = tryLockPart(part);
  if (!lock) return { status: 'busy' };
  try {
    return await downloadLocked(target, source, options, part, lock.touch);
  } catch (error) {
    if (!(error instanceof SkipDownload)) throw error; // flood wait too long, abort: keep the .part
    if (error.reason !== 'failed') await unlink(part).catch(() => undefined);
    return { status: 'skipped', reason: error.reason, detail: error.message };
  } finally {
    lock.release();
  }
}

async function downloadLocked(
  target: DownloadTarget,
  source: DownloadSource,
  options: DownloadOptions,
  part: string,
  touch: () => void,
): Promise<DownloadResult> {
  const clock = options.clock ?? systemClock;
  const classify = options.classify ?? classifyDownloadError;
  const maxAttempts = options.maxAttempts ?? 5;
  const maxRefreshes = options.maxReferenceRefreshes ?? 3;
  const expected = target.media.size;
  const handle = await openPart(part);
  let closed = false;
  try {
    const hash = createHash('sha256');
    const existing = (await handle.stat()).size;
    let offset = resumeOffset(existing);
    if (offset !== existing) await handle.truncate(offset);
    await hashPrefix(handle, offset, hash);
    const resumedFrom = offset;
    let requests = 0;
    let refreshes = 0;
    let failures = 0;
    const backoff = async (failure: number, last: string) => {
      if (failure >= maxAttempts)
        throw new SkipDownload('failed', `${maxAttempts} attempts failed, last: ${last}`);
      const base = options.backoffMs ?? 1000;
      await clock.sleep(exponentialDelay(failure, base, options.maxBackoffMs ?? 60_000), options.signal);
    };

    for (;;) {
      if (expected !== undefined && offset >= expected) break;
      throwIfAborted(options.signal);
      // Requests start on a 4 KiB boundary; after a short read the overlap is dropped.
      const aligned = resumeOffset(offset);
      const request = chunkRequest(aligned, options.chunkSize ?? MAX_CHUNK);
      let received: Uint8Array;
      try {
        requests++;
        received = await options.pacer.call(
          FILE_METHOD,
          () => abortable(source.read(request.offset, request.limit, options.signal), options.signal),
          options.signal,
        );
      } catch (error) {
        if (options.signal?.aborted || isFlowControl(error)) throw error;
        const kind = classify(error);
        if (kind === 'unavailable') throw new SkipDownload('unavailable', describe(error));
        if (kind === 'file-reference-expired') {
          if (++refreshes > maxRefreshes)
            throw new SkipDownload('failed', `file reference still expired after ${maxRefreshes} refreshes`);
          if (!(await source.refresh(options.signal)))
            throw new SkipDownload('unavailable', 'the message or its media no longer exists');
          continue;
        }
        await backoff(++failures, describe(error));
        continue;
      }
      const bytes = received.subarray(Math.min(received.length, offset - aligned));
      if (offset + bytes.length > options.maxBytes)
        throw new SkipDownload('too-large', tooLargeDetail(offset + bytes.length, options.maxBytes));
      if (bytes.length > 0) {
        await writeAll(handle, bytes, offset);
        hash.update(bytes);
        offset += bytes.length;
        options.onBytes?.(bytes.length);
        touch();
      }
      if (received.length < request.limit) {
        if (expected === undefined || offset >= expected) break;
        // Ended before the announced size: a failed read like any other; retry from here.
        await backoff(++failures, `the file ended at ${offset} of ${expected} bytes`);
        continue;
      }
      failures = 0;
    }
    await handle.datasync();
    await handle.close();
    closed = true;
    const sha256 = hash.digest('hex');
    const placed = await placeInArchive(part, options.root, sha256, extensionFor(target.media));
    return {
      status: 'downloaded',
      sha256,
      size: offset,
      extension: placed.extension,
      mimeType: mimeTypeFor(target.media),
      deduplicated: placed.deduplicated,
      resumedFrom,
      requests,
      referenceRefreshes: refreshes,
    };
  } finally {
    if (!closed) await handle.close().catch(() => undefined);
  }
}

const isFlowControl = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'FloodWaitTooLongError' || error.name === 'AbortError');

async function openPart(path: string) {
  try {
    return await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return open(path, 'w+', 0o600);
  }
}

async function hashPrefix(handle: FileHandle, length: number, hash: Hash) {
  const buffer = Buffer.allocUnsafe(Math.min(length, MAX_CHUNK) || CHUNK_ALIGNMENT);
  for (let position = 0; position < length; ) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, length - position), position);
    if (bytesRead === 0) throw new Error(`.part file shrank while resuming at ${position} of ${length}`);
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number) {
  for (let written = 0; written < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, position + written);
    written += bytesWritten;
  }
}

/**
 * Moves the finished .part to media/ab/<sha256>.<ext>. When the same content is already archived
 * (under any extension), the .part is dropped and the existing file is reused.
 */
async function placeInArchive(
  part: string,
  root: string,
  sha256: string,
  extension: string,
): Promise<{ extension: string; deduplicated: boolean }> {
  const path = mediaFilePath(root, sha256, extension);
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const existing = await findExisting(dir, sha256, extension);
  if (existing !== undefined) {
    await unlink(part);
    return { extension: existing, deduplicated: true };
  }
  // link() fails when the file exists, atomically: two downloads of the same bytes finishing at
  // once store one file and count one duplicate, where check-then-rename let both "win".
  try {
    await link(part, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    await unlink(part);
    return { extension, deduplicated: true };
  }
  await unlink(part);
  return { extension, deduplicated: false };
}

async function findExisting(dir: string, sha256: string, preferred: string): Promise<string | undefined> {
  try {
    await stat(mediaFilePath(dirname(dir), sha256, preferred));
    return preferred;
  } catch {
    // not under the preferred extension; look for another one
  }
  const prefix = `${sha256}.`;
  const match = (await readdir(dir)).find((name) => name.startsWith(prefix) && !name.endsWith('.part'));
  return match?.slice(prefix.length);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
