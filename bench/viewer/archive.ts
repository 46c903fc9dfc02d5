// The archive the viewer scenarios measure against: generated events (bench/generator.ts) up to a
// given number of messages, appended to a SQLite event log and projected by the real projector into
// a SQLite read model, then served by the real viewer on 127.0.0.1. Building a million messages
// takes minutes, so the result is kept in BENCH_CACHE_DIR (default <tmp>/telegram-archive-bench)
// and reused while seed, size and projection versions are unchanged; delete it to rebuild.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rebuildReadModel } from '../../projections/manage.ts';
import { ProjectionNotifier } from '../../projections/notifications.ts';
import { openReadModel } from '../../projections/read-model.ts';
import { PROJECTIONS } from '../../projections/versions.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { createViewerApp } from '../../src/viewer/app.ts';
import { listenViewer } from '../../src/viewer/listen.ts';
import { liveFeedFrom } from '../../src/viewer/live.ts';
import { chunks, type GeneratedEvent, generateArchive } from '../generator.ts';

export const DEFAULT_MESSAGES = 1_000_000;
const SEED = 'viewer-bench';

export interface ServedArchive {
  readonly url: string;
  readonly messages: number;
  readonly events: number;
  readonly dir: string;
  close(): Promise<void>;
}

function* untilMessages(limit: number): Generator<GeneratedEvent> {
  let messages = 0;
  // Generous event budget: about 59% of generated events create a message.
  for (const generated of generateArchive({ seed: SEED, totalEvents: Math.ceil(limit * 2), raw: false })) {
    if (generated.event.type === 'MessageCreated') {
      if (messages === limit) return;
      messages += 1;
    }
    yield generated;
  }
}

async function build(dir: string, messages: number, log: (m: string) => void): Promise<number> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const store = openSqliteEventStore({ path: join(dir, 'events.sqlite') });
  let events = 0;
  try {
    const started = performance.now();
    for (const chunk of chunks(untilMessages(messages), 2000)) {
      const requests = new Map<string, GeneratedEvent['event'][]>();
      for (const { stream, event } of chunk) requests.set(stream, [...(requests.get(stream) ?? []), event]);
      await store.appendBatch([...requests].map(([stream, list]) => ({ stream, events: list })));
      events += chunk.length;
      if (events % 200_000 < 2000) log(`appended ${events.toLocaleString('en-US')} events`);
    }
    log(
      `log written: ${events.toLocaleString('en-US')} events in ${Math.round((performance.now() - started) / 1000)} s; projecting`,
    );
    const result = await rebuildReadModel({
      location: { kind: 'sqlite', directory: join(dir, 'read-model') },
      store,
      batchSize: 5000,
      onProgress: (status) => {
        if (status.appliedSinceStart % 200_000 < 5000)
          log(`projected ${status.appliedSinceStart.toLocaleString('en-US')} events`);
      },
    });
    log(`read model built in ${Math.round(result.seconds)} s`);
  } finally {
    await store.close();
  }
  return events;
}

/** Builds (or reuses) the archive and serves it over HTTP on 127.0.0.1. */
export async function serveArchive(
  log: (m: string) => void,
  messages = DEFAULT_MESSAGES,
): Promise<ServedArchive> {
  const root = process.env.BENCH_CACHE_DIR ?? join(tmpdir(), 'telegram-archive-bench');
  const key = `${SEED}-${messages}-${Object.values(PROJECTIONS).join('.')}`;
  const dir = join(root, key);
  const marker = join(dir, 'complete.json');
  let events: number;
  if (existsSync(marker)) {
    events = (JSON.parse(readFileSync(marker, 'utf8')) as { events: number }).events;
    log(`reusing the archive in ${dir}`);
  } else {
    log(
      `building an archive of ${messages.toLocaleString('en-US')} messages in ${dir} (minutes; kept for later runs)`,
    );
    events = await build(dir, messages, log);
    writeFileSync(marker, JSON.stringify({ events, messages, builtAt: new Date().toISOString() }));
  }
  const copy = await openReadModel({ kind: 'sqlite', directory: join(dir, 'read-model') });
  const store = openSqliteEventStore({ path: join(dir, 'events.sqlite') });
  const app = createViewerApp(
    {
      readModel: () => copy,
      events: store,
      live: liveFeedFrom(new ProjectionNotifier()),
      mediaDir: join(dir, 'media'),
      logger: silentLogger,
    },
    { auth: {}, corsOrigins: [] },
  );
  const server = await listenViewer(app, '127.0.0.1', 0);
  return {
    url: server.url,
    messages,
    events,
    dir,
    async close() {
      await server.close(100);
      await copy.close();
      await store.close();
    },
  };
}

export async function postGraphQL<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (response.status !== 200 || body.errors) {
    throw new Error(
      `GraphQL request failed (${response.status}): ${JSON.stringify(body.errors ?? body).slice(0, 300)}`,
    );
  }
  return body.data as T;
}

/** The `busiestChats` answer both scenarios start from. */
export interface BusiestChats {
  readonly stats: { readonly busiestChats: readonly { readonly chat: { readonly id: string } }[] };
}

/** The p-th percentile (0-100) of the samples, nearest-rank. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The message count to build, from BENCH_VIEWER_MESSAGES (for quick trial runs) or the default. */
export function messagesToBuild(): number {
  const raw = process.env.BENCH_VIEWER_MESSAGES;
  if (raw === undefined) return DEFAULT_MESSAGES;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1000)
    throw new Error(`BENCH_VIEWER_MESSAGES must be a whole number >= 1000, got '${raw}'`);
  return n;
}
