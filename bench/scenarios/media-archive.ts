// The media archive's own throughput, without the Telegram transport: 200 files of 1 MiB from an
// in-memory source through the worker (pacer, .part file, incremental SHA-256, rename into
// media/ab/<sha256>.<ext>, MediaDownloaded appended to SQLite). Set next to media-download to show
// where the time goes: the difference is gramjs's MTProto decryption and the fake server.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { peer } from '../../src/events/peers.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import type { DownloadSource } from '../../src/ingest/media/download-source.ts';
import { MIB } from '../../src/ingest/media/policy.ts';
import { MediaWorker } from '../../src/ingest/media/worker.ts';
import { Pacer } from '../../src/pacing/pacer.ts';
import type { Measurement, ScenarioContext } from '../scenario.ts';

export const name = 'media-archive';
export const description = 'Media worker without Telegram: 200 files of 1 MiB from memory into the archive';

const FILES = 200;

function memorySource(data: Buffer): DownloadSource {
  return {
    read: async (offset, limit) => data.subarray(offset, offset + limit),
    refresh: async () => true,
  };
}

export async function run(context: ScenarioContext): Promise<Measurement> {
  const files = Array.from({ length: FILES }, () => randomBytes(MIB));
  const store = openSqliteEventStore({ path: join(context.tmpDir, 'events.sqlite') });
  const chat = peer('channel', 42);
  try {
    const worker = new MediaWorker({
      account: '1',
      store,
      root: join(context.tmpDir, 'media'),
      pacer: new Pacer({ requestsPerSecond: 100, burst: 10, maxFloodWaitSeconds: 60 }),
      settings: { types: ['document'], maxBytes: 10 * MIB, excludeChats: [] },
      concurrency: 4,
    });
    const started = performance.now();
    files.forEach((data, i) => {
      worker.enqueue({
        chat,
        messageId: i + 1,
        media: { kind: 'document', fileId: String(i + 1), size: data.length, fileName: `f${i}.bin` },
        open: () => memorySource(data),
        source: 'backfill',
      });
    });
    await worker.onIdle();
    const seconds = (performance.now() - started) / 1000;
    const stats = worker.stats();
    if (stats.downloaded !== FILES) throw new Error(`stored ${stats.downloaded} of ${FILES} files`);
    return {
      value: Math.round((stats.bytes / MIB / seconds) * 10) / 10,
      unit: 'MB/s',
      target: 50,
      details: { files: FILES, bytes: stats.bytes, seconds: Math.round(seconds * 1000) / 1000 },
    };
  } finally {
    await store.close();
  }
}
