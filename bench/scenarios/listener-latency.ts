// Listener latency: the fake Telegram pushes new messages at a steady 200 updates/s over 20 private
// chats; each is timed from the push to the moment its MessageCreated is appended (committed) to
// SQLite, through the real gramjs client, the update tracker, the serial queues and the deciders.
// Fake server and listener share this process (and its CPU), as a worst case.
import { join } from 'node:path';
import type { NewEvent } from '../../src/events/envelope.ts';
import type { AppendRequest, EventStore } from '../../src/eventstore/port.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { runListener } from '../../src/ingest/index.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { createTelegramGateway } from '../../src/telegram/index.ts';
import { startFakeTelegram } from '../../test/support/fake-telegram/index.ts';
import type { Measurement, ScenarioContext } from '../scenario.ts';

export const name = 'listener-latency';
export const description =
  'Update pushed by the fake Telegram -> MessageCreated appended on SQLite, 200 updates/s';

const RATE = 200;
const UPDATES = 3000;
const WARMUP = 200;
const CHATS = 20;

const sleepUntil = (at: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Notes when each MessageCreated is committed, keyed by its text. */
function timingStore(store: EventStore, appendedAt: Map<string, number>): EventStore {
  const note = (events: readonly NewEvent[]) => {
    const now = performance.now();
    for (const event of events)
      if (event.type === 'MessageCreated') appendedAt.set((event.data as { text: string }).text, now);
  };
  return {
    get description() {
      return store.description;
    },
    append: async (stream, events, options) => {
      const result = await store.append(stream, events, options);
      note(events);
      return result;
    },
    appendBatch: async (requests: readonly AppendRequest[]) => {
      const results = await store.appendBatch(requests);
      for (const request of requests) note(request.events);
      return results;
    },
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    headPosition: () => store.headPosition(),
    waitForEvents: (after, options) => store.waitForEvents(after, options),
    close: () => store.close(),
  };
}

export async function run(context: ScenarioContext): Promise<Measurement> {
  const fake = await startFakeTelegram();
  const sqlite = openSqliteEventStore({ path: join(context.tmpDir, 'events.sqlite') });
  const appendedAt = new Map<string, number>();
  const store = timingStore(sqlite, appendedAt);
  const controller = new AbortController();
  const chats = Array.from({ length: CHATS }, (_, i) => fake.world.addUser({ firstName: `Contact ${i}` }));
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const gateway = createTelegramGateway({
    session: fake.sessionString,
    logger: silentLogger,
    keepRaw: true,
    config: {
      telegramApiId: 12345,
      telegramApiHash: '0123456789abcdef0123456789abcdef',
      telegramProxy: undefined,
      telegramTestServer: fake.address,
      sessionDir: join(context.tmpDir, 'session'),
      requestsPerSecond: 20,
      maxFloodWaitSeconds: 60,
    },
  });
  const listening = runListener({
    gateway,
    store,
    dataDir: context.tmpDir,
    logger: silentLogger,
    signal: controller.signal,
    onReady: () => ready(),
  });
  const pushedAt = new Map<string, number>();
  try {
    await Promise.race([isReady, listening]);
    while (fake.server.updateConnectionCount === 0) await sleepUntil(performance.now() + 5);
    context.log(`pushing ${UPDATES} updates at ${RATE}/s over ${CHATS} chats`);
    const start = performance.now();
    for (let i = 0; i < UPDATES; i++) {
      await sleepUntil(start + (i * 1000) / RATE);
      const text = `update ${i}`;
      pushedAt.set(text, performance.now());
      fake.world.sendMessage(chats[i % CHATS]!, { text });
      if (i > 0 && i % 1000 === 0) context.log(`${i} pushed`);
    }
    const deadline = performance.now() + 30_000;
    while (appendedAt.size < UPDATES && performance.now() < deadline)
      await sleepUntil(performance.now() + 20);
  } finally {
    controller.abort();
    await listening.catch(() => undefined);
    await sqlite.close();
    await fake.close();
  }
  const latencies: number[] = [];
  let missing = 0;
  for (let i = WARMUP; i < UPDATES; i++) {
    const text = `update ${i}`;
    const done = appendedAt.get(text);
    if (done === undefined) missing += 1;
    else latencies.push(done - pushedAt.get(text)!);
  }
  if (missing > 0) throw new Error(`${missing} pushed updates were never appended`);
  latencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    value: round(percentile(latencies, 99)),
    unit: 'ms p99',
    target: 50,
    better: 'lower',
    details: {
      rate: RATE,
      measured: latencies.length,
      warmup: WARMUP,
      chats: CHATS,
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.at(-1)!),
    },
  };
}
