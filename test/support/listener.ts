// Runs the listener in-process against a fake Telegram and an SQLite event store, and reads back what
// it recorded.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventType } from '../../src/events/catalogue.ts';
import type { StoredEvent } from '../../src/events/envelope.ts';
import type { EventStore } from '../../src/eventstore/port.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { type ListenerOptions, type ListenerSummary, runListener } from '../../src/ingest/index.ts';
import { silentLogger } from '../../src/log/logger.ts';
import type { FakeTelegram } from './fake-telegram/index.ts';
import { gatewayFor } from './gateway.ts';

export interface RunningListener {
  readonly done: Promise<ListenerSummary>;
  /** Like SIGTERM: stop intake, drain, save, disconnect. */
  stop(): Promise<ListenerSummary>;
}

export function tempDir(prefix = 'ta-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function openTestStore(dataDir: string): EventStore {
  return openSqliteEventStore({
    path: join(dataDir, 'events.sqlite'),
    logger: silentLogger,
    pollIntervalMs: 20,
  });
}

export async function startListener(
  fake: FakeTelegram,
  store: EventStore,
  dataDir: string,
  overrides: Partial<ListenerOptions> = {},
): Promise<RunningListener> {
  const controller = new AbortController();
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const done = runListener({
    gateway: gatewayFor(fake, { callTimeoutMs: 5000 }),
    store,
    dataDir,
    logger: silentLogger,
    signal: controller.signal,
    gapWaitMs: 100,
    shutdownBudgetMs: 5000,
    onReady: () => ready(),
    ...overrides,
  });
  await Promise.race([isReady, done]);
  return {
    done,
    stop: async () => {
      controller.abort(new Error('test stop'));
      return done;
    },
  };
}

export async function eventsOf(
  store: EventStore,
  type?: EventType,
  streamPrefix?: string,
): Promise<StoredEvent[]> {
  const all = await store.readAll({ types: type ? [type] : undefined, streamPrefix });
  return all;
}

/** `type@stream-suffix` lines for compact assertions. */
export async function summary(store: EventStore, streamPrefix: string): Promise<string[]> {
  return (await store.readAll({ streamPrefix })).map(
    (e) => `${e.type}@${e.stream.slice(streamPrefix.length)}`,
  );
}
