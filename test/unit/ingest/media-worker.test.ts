import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { NewEvent } from '../../../src/events/envelope.ts';
import { eventId } from '../../../src/events/ids.ts';
import { peer, streams } from '../../../src/events/peers.ts';
import type { AppendResult } from '../../../src/eventstore/port.ts';
import { mediaFilePath } from '../../../src/ingest/media/naming.ts';
import { MIB } from '../../../src/ingest/media/policy.ts';
import { type MediaJob, MediaWorker } from '../../../src/ingest/media/worker.ts';
import { Pacer } from '../../../src/pacing/pacer.ts';
import { MemoryDownloadSource, rpcError } from '../../support/memory-download-source.ts';
import { waitFor } from '../../support/wait.ts';

const chat = peer('channel', 3000);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

class RecordingStore {
  readonly appended: { stream: string; event: NewEvent }[] = [];
  async append(stream: string, events: readonly NewEvent[]): Promise<AppendResult> {
    for (const event of events) this.appended.push({ stream, event });
    return { stream, events: [], currentVersion: 0 };
  }
}

let root: string;
let store: RecordingStore;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'worker-'));
  store = new RecordingStore();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const worker = (extra: Partial<ConstructorParameters<typeof MediaWorker>[0]> = {}) =>
  new MediaWorker({
    account: '1000',
    store,
    root,
    pacer: new Pacer({ requestsPerSecond: 100, burst: 100, maxFloodWaitSeconds: 60 }),
    settings: { types: ['photo', 'document'], maxBytes: 10 * MIB, excludeChats: [] },
    now: () => new Date('2024-05-01T00:00:00.000Z'),
    ...extra,
  });

const job = (
  messageId: number,
  source: MemoryDownloadSource,
  media: Partial<MediaJob['media']> = {},
): MediaJob => ({
  chat,
  messageId,
  media: { kind: 'photo', fileId: `p${messageId}`, size: 20_000, ...media },
  open: () => source,
  source: 'backfill',
  runId: 'run-1',
});

describe('MediaWorker', () => {
  it('downloads in the background and records MediaDownloaded with a deterministic id', async () => {
    const data = randomBytes(20_000);
    const source = new MemoryDownloadSource(data);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    source.beforeRead = () => gate;
    const w = worker();
    // enqueue returns at once although the download cannot finish yet
    expect(w.enqueue(job(7, source, { fileName: 'cat.jpg', width: 10, height: 20 }))).toBe('queued');
    expect(w.enqueue(job(7, source))).toBe('already-queued');
    await waitFor(() => source.reads.length === 1, 'the download to start');
    expect(store.appended).toHaveLength(0);
    release();
    await w.onIdle();

    const stream = streams.message('1000', chat, 7);
    expect(store.appended).toEqual([
      {
        stream,
        event: {
          id: eventId(stream, 'MediaDownloaded', sha256(data)),
          type: 'MediaDownloaded',
          data: {
            chat,
            messageId: 7,
            sha256: sha256(data),
            size: 20_000,
            mimeType: 'image/jpeg',
            extension: 'jpg',
            fileName: 'cat.jpg',
            width: 10,
            height: 20,
            durationSeconds: undefined,
          },
          metadata: { source: 'backfill', observedAt: '2024-05-01T00:00:00.000Z', runId: 'run-1' },
        },
      },
    ]);
    expect(readFileSync(mediaFilePath(join(root), sha256(data), 'jpg')).equals(data)).toBe(true);
    expect(w.stats()).toMatchObject({ downloaded: 1, bytes: 20_000, queued: 0, active: 0 });
  });

  it('records skips with their reason and ignores media that is not a file', async () => {
    const w = worker({ settings: { types: ['photo'], maxBytes: 1000, excludeChats: [] } });
    const source = new MemoryDownloadSource(randomBytes(10));
    w.enqueue(job(1, source, { size: 5000 }));
    w.enqueue(job(2, source, { kind: 'video' }));
    expect(w.enqueue(job(3, source, { kind: 'poll' }))).toBe('not-a-file');
    const gone = new MemoryDownloadSource(randomBytes(10));
    gone.beforeRead = () => {
      throw rpcError('FILE_ID_INVALID');
    };
    w.enqueue(job(4, gone, { size: 10 }));
    await w.onIdle();
    const skips = store.appended.map(({ event }) => [
      (event.data as { messageId: number }).messageId,
      (event.data as { reason: string }).reason,
    ]);
    expect(skips.sort()).toEqual([
      [1, 'too-large'],
      [2, 'type-disabled'],
      [4, 'unavailable'],
    ]);
    expect(store.appended[0]!.event.id).toBe(
      eventId(
        streams.message('1000', chat, (store.appended[0]!.event.data as { messageId: number }).messageId),
        'MediaSkipped',
        'too-large',
      ),
    );
    expect(source.reads).toHaveLength(0);
    expect(w.stats().skipped).toMatchObject({ 'too-large': 1, 'type-disabled': 1, unavailable: 1 });
  });

  it('runs downloads concurrently up to its limit', async () => {
    const w = worker({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    for (let i = 1; i <= 5; i++) {
      const source = new MemoryDownloadSource(randomBytes(100));
      source.beforeRead = async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
      };
      w.enqueue(job(i, source, { size: 100 }));
    }
    for (let done = 0; done < 5; done++) {
      await waitFor(() => releases.length > 0, 'a running download');
      releases.shift()!();
    }
    await w.onIdle();
    expect(peak).toBe(2);
    expect(w.stats().downloaded).toBe(5);
  });

  it('leaves unfinished work unrecorded when stopped or flooded for too long', async () => {
    const w = worker({ pacer: new Pacer({ requestsPerSecond: 100, burst: 100, maxFloodWaitSeconds: 1 }) });
    const flooded = new MemoryDownloadSource(randomBytes(100));
    flooded.beforeRead = () => {
      throw rpcError('FLOOD_WAIT_100', 420);
    };
    w.enqueue(job(1, flooded, { size: 100 }));
    await w.onIdle();
    expect(w.stats()).toMatchObject({ deferred: 1, downloaded: 0 });

    const hanging = new MemoryDownloadSource(randomBytes(100));
    hanging.beforeRead = () => new Promise(() => undefined);
    const w2 = worker();
    w2.enqueue(job(2, hanging, { size: 100 }));
    w2.enqueue(job(3, hanging, { size: 100 }));
    w2.enqueue(job(4, hanging, { size: 100 }));
    w2.enqueue(job(5, hanging, { size: 100 }));
    await waitFor(() => hanging.reads.length === 3, 'three downloads in flight');
    await w2.stop();
    expect(w2.enqueue(job(6, hanging))).toBe('stopped');
    expect(w2.stats()).toMatchObject({ deferred: 5, downloaded: 0 });
    expect(store.appended).toHaveLength(0);
  });
});
