// Backfill throughput end to end: a 100,000-message text channel from the fake Telegram through the
// real gateway (gramjs), the planner and walker, the shared recorder and deciders, into a new SQLite
// event store, wired by backfillComponents exactly as `telegram-archive backfill` wires it. The fake
// stands in for Telegram's servers, which do not share our CPU: it runs in a worker thread and holds
// the channel's messages already serialised, as a server stores them (encrypting and framing each
// page stay in the timed run). Timed from the start of the run to its summary; connecting and
// building the world are not.

import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { backfillComponents } from '../../src/ingest/backfill/components.ts';
import { runBackfill } from '../../src/ingest/backfill/index.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { Pacer } from '../../src/pacing/pacer.ts';
import { startFakeInWorker } from '../fake/client.ts';
import { cpuMeter } from '../fake/cpu.ts';
import type { Measurement, ScenarioContext } from '../scenario.ts';

export const name = 'backfill-channel';
export const description = 'Backfill of a 100,000-message text channel from the fake Telegram into SQLite';

/**
 * The highest budget a user can configure (REQUESTS_PER_SECOND=1000): at 100 messages a page, the
 * default of 5/s would measure the budget; this measures the pipeline.
 */
const REQUESTS_PER_SECOND = 1000;

export async function run(context: ScenarioContext): Promise<Measurement> {
  const fake = await startFakeInWorker('channel-100k');
  // One request budget for the process, shared by the gateway and the backfill, as the CLI has it.
  const pacer = new Pacer({ requestsPerSecond: REQUESTS_PER_SECOND, burst: 10, maxFloodWaitSeconds: 60 });
  const gateway = fake.gateway(REQUESTS_PER_SECOND, pacer);
  const store = openSqliteEventStore({ path: join(context.tmpDir, 'events.sqlite') });
  try {
    const account = (await gateway.connect()).userId;
    const { deps, media } = backfillComponents({
      config: {
        dataDir: context.tmpDir,
        requestsPerSecond: REQUESTS_PER_SECOND,
        maxFloodWaitSeconds: 60,
        chatsInclude: [],
        chatsExclude: [],
        chatTypes: ['private', 'groups', 'channels', 'bots'],
        mediaTypes: ['photo', 'video', 'document', 'voice', 'audio', 'sticker', 'animation', 'round'],
        maxMediaSizeMb: 100,
        mediaExcludeChats: [],
      },
      gateway,
      store,
      account,
      logger: silentLogger,
      pacer,
    });
    context.log('world ready; backfilling 100,000 messages');
    const cpuSplit = await cpuMeter(fake);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const loopBefore = performance.eventLoopUtilization();
    const summary = await runBackfill(
      { chats: ['@big_channel'], all: false, mode: 'catch-up' },
      { ...deps, waitForMedia: true },
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const loop = performance.eventLoopUtilization(loopBefore);
    const cpuSeconds = await cpuSplit();
    await media.stop();
    const [chat] = summary.chats;
    if (chat?.status !== 'completed' || chat.created !== 100_000)
      throw new Error(`backfill did not archive the channel: ${JSON.stringify(chat)}`);
    const requests = await fake.requestCounts();
    return {
      value: Math.round(chat.created / seconds),
      unit: 'messages/s',
      target: 10_000,
      details: {
        messages: chat.created,
        seconds: Math.round(seconds * 1000) / 1000,
        historyRequests: requests['messages.GetHistory'],
        requestsPerSecondSetting: REQUESTS_PER_SECOND,
        // CPU of the whole process, of each side's thread, and how busy the client's event loop was.
        processCpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
        cpuSeconds,
        clientLoopUtilization: Math.round(loop.utilization * 100) / 100,
        loadAverage: (await import('node:os')).loadavg()[0],
      },
    };
  } finally {
    await gateway.disconnect();
    await store.close();
    await fake.close();
  }
}
