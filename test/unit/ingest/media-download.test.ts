import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { peer } from '../../../src/events/peers.ts';
import {
  type DownloadOptions,
  type DownloadTarget,
  downloadMedia,
} from '../../../src/ingest/media/downloader.ts';
import { mediaFilePath, partialPath } from '../../../src/ingest/media/naming.ts';
import { tryLockPart } from '../../../src/ingest/media/part-lock.ts';
import { MIB } from '../../../src/ingest/media/policy.ts';
import { FloodWaitTooLongError } from '../../../src/pacing/flood-wait.ts';
import { Pacer } from '../../../src/pacing/pacer.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { MemoryDownloadSource, rpcError } from '../../support/memory-download-source.ts';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const chat = peer('channel', 3000);
const target = (
  data: Buffer,
  messageId = 1,
  extra: Partial<DownloadTarget['media']> = {},
): DownloadTarget => ({
  chat,
  messageId,
  media: { kind: 'document', fileId: `f${messageId}`, size: data.length, fileName: 'notes.txt', ...extra },
});

let root: string;
let clock: ManualClock;
let pacer: Pacer;
const options = (extra: Partial<DownloadOptions> = {}): DownloadOptions => ({
  root,
  pacer,
  clock,
  maxBytes: 100 * MIB,
  ...extra,
});
const run = <T>(promise: Promise<T>) => clock.runUntil(promise);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'media-'));
  clock = new ManualClock();
  pacer = new Pacer({ requestsPerSecond: 100, burst: 1000, maxFloodWaitSeconds: 60, clock });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('downloadMedia', () => {
  it('stores the file under media/ab/<sha256>.<ext> in 1 MiB requests', async () => {
    const data = randomBytes(2.5 * MIB);
    const source = new MemoryDownloadSource(data);
    const result = await run(downloadMedia(target(data), source, options()));
    expect(result).toMatchObject({
      status: 'downloaded',
      sha256: sha256(data),
      size: data.length,
      extension: 'txt',
    });
    expect(source.reads.map((r) => r.offset)).toEqual([0, MIB, 2 * MIB]);
    const path = mediaFilePath(root, sha256(data), 'txt');
    expect(path).toContain(`/media-`);
    expect(readFileSync(path).equals(data)).toBe(true);
    expect(readdirSync(join(root, 'partial'))).toEqual([]);
  });

  it('resumes a .part from its last whole block, hashing the bytes already there', async () => {
    const data = randomBytes(700 * 1024);
    const part = partialPath(root, chat, 1, 'f1');
    mkdirSync(join(root, 'partial'), { recursive: true });
    writeFileSync(part, data.subarray(0, 300 * 1024 + 100)); // 100 bytes of an unfinished block
    const source = new MemoryDownloadSource(data);
    const result = await run(downloadMedia(target(data), source, options()));
    expect(result).toMatchObject({ status: 'downloaded', sha256: sha256(data), resumedFrom: 300 * 1024 });
    expect(source.reads[0]!.offset).toBe(300 * 1024);
    expect(source.reads.some((r) => r.offset === 0)).toBe(false);
    expect(readFileSync(mediaFilePath(root, sha256(data), 'txt')).equals(data)).toBe(true);
  });

  it('continues after an interruption from where it stopped, never from byte 0', async () => {
    const data = randomBytes(3 * MIB + 5);
    const source = new MemoryDownloadSource(data);
    const controller = new AbortController();
    source.beforeRead = ({ offset }) => {
      if (offset !== 2 * MIB) return;
      controller.abort(Object.assign(new Error('stopping'), { name: 'AbortError' }));
      throw controller.signal.reason; // the request in flight is cancelled
    };
    await expect(
      run(downloadMedia(target(data), source, options({ signal: controller.signal }))),
    ).rejects.toThrow('stopping');
    expect(readFileSync(partialPath(root, chat, 1, 'f1')).length).toBe(2 * MIB);

    source.beforeRead = () => undefined;
    source.reads.length = 0;
    const result = await run(downloadMedia(target(data), source, options()));
    expect(result).toMatchObject({ status: 'downloaded', sha256: sha256(data), resumedFrom: 2 * MIB });
    expect(source.reads.map((r) => r.offset)).toEqual([2 * MIB, 3 * MIB]);
  });

  it('sits out a FLOOD_WAIT in the middle and asks again for the same offset', async () => {
    const data = randomBytes(3 * MIB);
    const source = new MemoryDownloadSource(data);
    source.beforeRead = ({ offset }, index) => {
      if (offset === MIB && index === 1) throw rpcError('FLOOD_WAIT_7', 420);
    };
    const start = clock.now();
    const result = await run(downloadMedia(target(data), source, options()));
    expect(result).toMatchObject({ status: 'downloaded', sha256: sha256(data) });
    expect(source.reads.map((r) => r.offset)).toEqual([0, MIB, MIB, 2 * MIB]);
    expect(clock.now() - start).toBeGreaterThanOrEqual(7000);
  });

  it('leaves the .part for the next run when the flood wait is too long, which resumes at its offset', async () => {
    const data = randomBytes(2 * MIB + 10);
    const source = new MemoryDownloadSource(data);
    source.beforeRead = ({ offset }) => {
      if (offset === MIB) throw rpcError('FLOOD_WAIT_3600', 420);
    };
    await expect(run(downloadMedia(target(data), source, options()))).rejects.toBeInstanceOf(
      FloodWaitTooLongError,
    );
    expect(readFileSync(partialPath(root, chat, 1, 'f1')).length).toBe(MIB);

    source.beforeRead = () => undefined;
    source.reads.length = 0;
    const fresh = new Pacer({ requestsPerSecond: 100, burst: 1000, maxFloodWaitSeconds: 60, clock });
    const result = await run(downloadMedia(target(data), source, options({ pacer: fresh })));
    expect(result).toMatchObject({ status: 'downloaded', sha256: sha256(data), resumedFrom: MIB });
    expect(source.reads.map((r) => r.offset)).toEqual([MIB, 2 * MIB]);
  });

  it('refreshes an expired file reference and retries the same offset', async () => {
    const data = randomBytes(2 * MIB);
    const source = new MemoryDownloadSource(data);
    let fresh = false;
    source.onRefresh = () => {
      fresh = true;
    };
    source.beforeRead = ({ offset }) => {
      if (offset === MIB && !fresh) throw rpcError('FILE_REFERENCE_EXPIRED');
    };
    const result = await run(downloadMedia(target(data), source, options()));
    expect(result).toMatchObject({ status: 'downloaded', referenceRefreshes: 1 });
    expect(source.refreshes).toBe(1);
    expect(source.reads.map((r) => r.offset)).toEqual([0, MIB, MIB]);
  });

  it('skips as unavailable when the refreshed message has lost its media, and caps refreshes', async () => {
    const data = randomBytes(10_000);
    const gone = new MemoryDownloadSource(data);
    gone.beforeRead = () => {
      throw rpcError('FILE_REFERENCE_EXPIRED');
    };
    gone.refreshResult = false;
    expect(await run(downloadMedia(target(data), gone, options()))).toMatchObject({
      status: 'skipped',
      reason: 'unavailable',
    });
    const stuck = new MemoryDownloadSource(data);
    stuck.beforeRead = () => {
      throw rpcError('FILE_REFERENCE_EXPIRED');
    };
    expect(
      await run(downloadMedia(target(data, 2), stuck, options({ maxReferenceRefreshes: 2 }))),
    ).toMatchObject({
      status: 'skipped',
      reason: 'failed',
      detail: 'file reference still expired after 2 refreshes',
    });
    expect(stuck.refreshes).toBe(2);
  });

  it('retries other failures with exponential backoff up to the attempt cap', async () => {
    const data = randomBytes(5000);
    const flaky = new MemoryDownloadSource(data);
    flaky.beforeRead = (_read, index) => {
      if (index < 2) throw new Error('connection reset');
    };
    const result = await run(downloadMedia(target(data), flaky, options({ backoffMs: 500 })));
    expect(result).toMatchObject({ status: 'downloaded', requests: 3 });
    expect(clock.sleeps.filter((ms) => ms >= 500)).toEqual([500, 1000]);

    const broken = new MemoryDownloadSource(data);
    broken.beforeRead = () => {
      throw new Error('connection reset');
    };
    expect(await run(downloadMedia(target(data, 2), broken, options({ maxAttempts: 3 })))).toMatchObject({
      status: 'skipped',
      reason: 'failed',
      detail: '3 attempts failed, last: connection reset',
    });
    expect(broken.reads).toHaveLength(3);
  });

  it('stops a file of unknown size at the limit and removes its .part', async () => {
    const data = randomBytes(3 * MIB);
    const source = new MemoryDownloadSource(data);
    const result = await run(
      downloadMedia(target(data, 1, { size: undefined }), source, options({ maxBytes: 2 * MIB - 1 })),
    );
    expect(result).toMatchObject({ status: 'skipped', reason: 'too-large' });
    expect(existsSync(partialPath(root, chat, 1, 'f1'))).toBe(false);
  });

  it('stores identical content once, whatever its name', async () => {
    const data = randomBytes(64 * 1024);
    const first = await run(downloadMedia(target(data, 1), new MemoryDownloadSource(data), options()));
    const second = await run(
      downloadMedia(target(data, 2, { fileName: 'copy.log' }), new MemoryDownloadSource(data), options()),
    );
    expect(first).toMatchObject({ status: 'downloaded', deduplicated: false, extension: 'txt' });
    expect(second).toMatchObject({ status: 'downloaded', deduplicated: true, extension: 'txt' });
    expect(readdirSync(join(root, sha256(data).slice(0, 2)))).toEqual([`${sha256(data)}.txt`]);
  });

  it('handles an empty file and a file ending before its announced size', async () => {
    const empty = Buffer.alloc(0);
    expect(
      await run(
        downloadMedia(target(empty, 1, { size: undefined }), new MemoryDownloadSource(empty), options()),
      ),
    ).toMatchObject({ status: 'downloaded', size: 0 });
    const data = randomBytes(5000);
    const short = new MemoryDownloadSource(data);
    expect(
      await run(downloadMedia(target(data, 2, { size: 9000 }), short, options({ maxAttempts: 2 }))),
    ).toMatchObject({
      status: 'skipped',
      reason: 'failed',
      detail: '2 attempts failed, last: the file ended at 5000 of 9000 bytes',
    });
  });

  it('leaves a file that another process is downloading alone', async () => {
    const data = randomBytes(5000);
    const part = partialPath(root, chat, 1, 'f1');
    mkdirSync(join(root, 'partial'), { recursive: true });
    const lock = tryLockPart(part)!;
    const source = new MemoryDownloadSource(data);
    expect(await run(downloadMedia(target(data), source, options()))).toEqual({ status: 'busy' });
    expect(source.reads).toHaveLength(0);
    lock.release();
    expect(await run(downloadMedia(target(data), source, options()))).toMatchObject({ status: 'downloaded' });
  });

  it('takes over the lock of a process that died', async () => {
    const data = randomBytes(5000);
    const part = partialPath(root, chat, 1, 'f1');
    mkdirSync(join(root, 'partial'), { recursive: true });
    const { hostname } = await import('node:os');
    writeFileSync(`${part}.lock`, JSON.stringify({ pid: 2 ** 22 + 17, host: hostname() }));
    expect(await run(downloadMedia(target(data), new MemoryDownloadSource(data), options()))).toMatchObject({
      status: 'downloaded',
    });
  });
});
