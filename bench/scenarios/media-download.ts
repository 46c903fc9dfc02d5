// Media archive throughput from the fake Telegram: 200 files of 1 MiB, fetched through the real
// gateway (gramjs, MTProto encryption both ways) by the media worker, hashed and stored under
// media/ab/<sha256>.<ext> with a MediaDownloaded event each. The fake stands in for Telegram's
// servers, which do not share our CPU, so it runs in a worker thread; the details split the CPU
// seconds between its thread and the archiver's. Timed from the first enqueue until the worker is
// idle; building the world and connecting are not timed.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { peer } from '../../src/events/peers.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { gatewayDownloadSource } from '../../src/ingest/media/gateway-source.ts';
import { MIB } from '../../src/ingest/media/policy.ts';
import { MediaWorker } from '../../src/ingest/media/worker.ts';
import { Pacer } from '../../src/pacing/pacer.ts';
import { startFakeInWorker } from '../fake/client.ts';
import { cpuMeter } from '../fake/cpu.ts';
import type { Measurement, ScenarioContext } from '../scenario.ts';

export const name = 'media-download';
export const description = 'Media worker: 200 files of 1 MiB from the fake Telegram into the archive';

const FILES = 200;
/** Telegram allows up to 100 requests per second in our configuration; each 1 MiB file is one request. */
const REQUESTS_PER_SECOND = 100;

export async function run(context: ScenarioContext): Promise<Measurement> {
  const fake = await startFakeInWorker('media-200');
  const gateway = fake.gateway(REQUESTS_PER_SECOND);
  const store = openSqliteEventStore({ path: join(context.tmpDir, 'events.sqlite') });
  try {
    const account = await gateway.connect();
    const resolved = await gateway.resolveUsername('files_owner');
    const chat = peer('user', resolved.peer.id);
    const messages = [];
    for (let offsetId = 0; ; ) {
      const page = await gateway.history(chat, { offsetId, limit: 100 });
      if (page.messages.length === 0) break;
      messages.push(...page.messages);
      offsetId = page.messages.at(-1)!.message.messageId;
    }
    const worker = new MediaWorker({
      account: account.userId,
      store,
      root: join(context.tmpDir, 'media'),
      pacer: new Pacer({ requestsPerSecond: REQUESTS_PER_SECOND, burst: 10, maxFloodWaitSeconds: 60 }),
      settings: { types: ['document'], maxBytes: 10 * MIB, excludeChats: [] },
      concurrency: 8,
    });
    context.log(`${messages.length} messages with files; downloading`);
    const cpu = await cpuMeter(fake);
    const started = performance.now();
    for (const m of messages)
      worker.enqueue({
        chat,
        messageId: m.message.messageId,
        media: m.message.media!,
        open: () => gatewayDownloadSource(gateway, chat, m.message.messageId, m.mediaLocation),
        source: 'backfill',
      });
    await worker.onIdle();
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = await cpu();
    const stats = worker.stats();
    if (stats.downloaded !== FILES) throw new Error(`downloaded ${stats.downloaded} of ${FILES} files`);
    return {
      value: Math.round((stats.bytes / MIB / seconds) * 10) / 10,
      unit: 'MB/s',
      target: 50,
      details: {
        files: stats.downloaded,
        bytes: stats.bytes,
        seconds: Math.round(seconds * 1000) / 1000,
        concurrency: 8,
        requestsPerSecond: REQUESTS_PER_SECOND,
        cpuSeconds,
        loadAverage: loadavg()[0],
      },
    };
  } finally {
    await gateway.disconnect();
    await store.close();
    await fake.close();
  }
}
