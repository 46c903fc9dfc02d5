// The SQLite adapter: the shared contract, plus what only a file on disk can show: schema creation
// across restarts, foreign files, and real processes writing to one file at once.

import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import type { NewEvent } from '../../src/events/envelope.ts';
import { peer, streams } from '../../src/events/peers.ts';
import { EventIdConflictError, StoreUnavailableError } from '../../src/eventstore/errors.ts';
import { openSqliteEventStore, SQLITE_ID_SCOPE } from '../../src/eventstore/sqlite.ts';
import {
  EARLY_EVENTS,
  indexPathFor,
  LATE_EVENTS,
  LATE_VERSION,
  RANGE,
  RANGE_OF_TYPES,
} from '../../src/eventstore/sqlite-stream-index.ts';
import { prepareTuples } from '../../src/sqlite/connection.ts';
import { captureLog } from '../support/log-capture.ts';
import { sampleEvent } from '../support/sample-events.ts';
import { eventStoreContract } from './eventstore-contract.ts';

/** The first column of the first row: a count, a pragma's value. */
const value = (db: DatabaseSync, sql: string): unknown => prepareTuples<[unknown]>(db, sql).get()?.[0];

/** `value` of a query on the stream index beside the event file at `path`, read-only. */
function indexValue(path: string, sql: string): unknown {
  const index = new DatabaseSync(indexPathFor(path), { readOnly: true });
  try {
    return value(index, sql);
  } finally {
    index.close();
  }
}

function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ta-sqlite-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// Three times: as configured, where a test's few events stay in the unindexed tail; with the
// thread folding after every commit, so that lookups also meet events in the index and mid-fold;
// and so again, but with the tail keeping no indexed events, so that lookups rely on the index.
for (const [name, foldAfter, tailGeneration] of [
  ['sqlite', undefined, undefined],
  ['sqlite, indexed after every commit', 1, undefined],
  ['sqlite, indexed after every commit, tail keeping none', 1, 0],
] as const) {
  eventStoreContract(name, async (options) => {
    const { dir, remove } = tempDir();
    const path = join(dir, 'events.sqlite');
    const store = openSqliteEventStore({
      path,
      upcasters: options?.upcasters,
      pollIntervalMs: 20,
      foldAfter,
      tailGeneration,
    });
    return {
      store,
      cleanup: async () => {
        await store.close();
        remove();
      },
      corrupt: async (eventId) => {
        const db = new DatabaseSync(path);
        db.prepare(`UPDATE events SET data = '{"truncated":' WHERE event_id = ?`).run(eventId);
        db.close();
      },
      noGlobalIdIndex: SQLITE_ID_SCOPE,
    };
  });
}

const stream = streams.message('1', peer('user', '5'), 1);

describe('sqlite event store on disk', () => {
  test('reopening keeps the events and the schema version; creation is idempotent', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'events.sqlite');
      const first = openSqliteEventStore({ path });
      await first.append(stream, [sampleEvent('MessagePinned')]);
      await first.close();
      const again = openSqliteEventStore({ path });
      const appended = await again.append(stream, [sampleEvent('MessageUnpinned')], { expectedVersion: 0 });
      expect(appended.currentVersion).toBe(1);
      await again.close();
      const db = new DatabaseSync(path, { readOnly: true });
      expect(value(db, 'PRAGMA user_version')).toBe(3);
      expect(value(db, 'PRAGMA journal_mode')).toBe('wal');
      db.close();
    } finally {
      remove();
    }
  });

  test('refuses a file that is not an event store, naming the path', () => {
    const { dir, remove } = tempDir();
    try {
      const garbage = join(dir, 'garbage.sqlite');
      writeFileSync(
        garbage,
        'this is not a database, just some text that is long enough to look like a header',
      );
      expect(() => openSqliteEventStore({ path: garbage })).toThrow(StoreUnavailableError);
      expect(() => openSqliteEventStore({ path: garbage })).toThrow(garbage);

      const other = join(dir, 'read-model.sqlite');
      const db = new DatabaseSync(other);
      db.exec('CREATE TABLE messages (id INTEGER PRIMARY KEY)');
      db.close();
      expect(() => openSqliteEventStore({ path: other })).toThrow(/another SQLite database/);

      const missingDir = join(dir, 'no', 'such', 'dir', 'events.sqlite');
      expect(() => openSqliteEventStore({ path: missingDir })).toThrow(StoreUnavailableError);
    } finally {
      remove();
    }
  });

  test('refuses a file written by a newer schema version', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'events.sqlite');
      await openSqliteEventStore({ path }).close();
      const db = new DatabaseSync(path);
      db.exec('PRAGMA user_version = 99');
      db.close();
      expect(() => openSqliteEventStore({ path })).toThrow(
        /schema is version 99, newer than this build knows/,
      );
    } finally {
      remove();
    }
  });

  test('prefix reads and append lookups search the stream index, never scan it', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'events.sqlite');
      const store = openSqliteEventStore({ path });
      await store.append(stream, [sampleEvent('MessagePinned')]);
      await store.close();
      const db = new DatabaseSync(indexPathFor(path), { readOnly: true });
      const plan = (sql: string, ...params: (string | number)[]) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
          .map((row) => row.detail)
          .join('; ');
      const range = /SEARCH stream_index USING PRIMARY KEY \(stream>\? AND stream<\?\)/;
      expect(plan(RANGE, 'message-1.u5.', 'message-1.u5/', 0, 100)).toMatch(range);
      expect(plan(RANGE_OF_TYPES, 'message-1.u5.', 'message-1.u5/', 0, '[]', 100)).toMatch(range);
      expect(plan(EARLY_EVENTS, '[]')).toMatch(
        /SEARCH i USING PRIMARY KEY \(stream=\? AND stream_version<\?\)/,
      );
      expect(plan(LATE_EVENTS, stream, '[]')).toMatch(
        /SEARCH stream_index USING INDEX stream_index_late_ids \(stream=\? AND event_id=\?/,
      );
      expect(plan(RANGE, '', '', 0, 1)).not.toMatch(/SCAN stream_index/);
      expect(plan(EARLY_EVENTS, '[]')).not.toMatch(/SCAN i\b/);
      db.close();
    } finally {
      remove();
    }
  });

  test('an id stored in another stream is written again: ids are unique per stream', async () => {
    const { dir, remove } = tempDir();
    const store = openSqliteEventStore({ path: join(dir, 'events.sqlite') });
    try {
      const short = sampleEvent('ChatObserved');
      const original = await store.append('chat-1.u7', [short]);
      const copy = await store.append('chat-1.u8', [short]);
      expect(copy.events[0]).toMatchObject({ streamVersion: 0, duplicate: false });
      // Each copy is a retry in its own stream, also in a batch that names the other stream.
      const retry = await store.appendBatch([
        { stream: 'chat-1.u8', events: [sampleEvent('ChatObserved')] },
        { stream: 'chat-1.u7', events: [short] },
      ]);
      expect(retry[1]!.events[0]).toEqual({ ...original.events[0]!, duplicate: true });
      const back = await store.appendBatch([
        { stream: 'chat-1.u7', events: [sampleEvent('ChatObserved')] },
        { stream: 'chat-1.u8', events: [short] },
      ]);
      expect(back[1]!.events[0]).toEqual({ ...copy.events[0]!, duplicate: true });

      const long = Array.from({ length: LATE_VERSION + 1 }, () => sampleEvent('ChatObserved'));
      await store.append('chat-1.u10', long);
      const late = long[LATE_VERSION]!;
      expect((await store.append('chat-1.u11', [late])).events[0]!.duplicate).toBe(false);
      const sameStream = await store
        .append('chat-1.u10', [{ ...late, type: 'ChatMigrated' } as NewEvent])
        .catch((e: unknown) => e);
      expect(sameStream).toBeInstanceOf(EventIdConflictError);
      expect(await store.readStream('chat-1.u10')).toHaveLength(LATE_VERSION + 1);
    } finally {
      await store.close();
      remove();
    }
  });

  test('a file of schema version 1 is migrated: events, positions and retries kept', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'events.sqlite');
      const db = new DatabaseSync(path);
      db.exec('PRAGMA journal_mode = WAL');
      db.exec(`CREATE TABLE events (
         global_position INTEGER PRIMARY KEY,
         event_id TEXT NOT NULL UNIQUE,
         stream TEXT NOT NULL,
         stream_version INTEGER NOT NULL,
         type TEXT NOT NULL,
         data TEXT NOT NULL,
         metadata TEXT NOT NULL,
         recorded_at TEXT NOT NULL,
         UNIQUE (stream, stream_version)
       ) STRICT`);
      db.exec(`PRAGMA user_version = 1; PRAGMA application_id = ${0x54414556}`);
      const written = Array.from({ length: 20 }, () => sampleEvent('MessagePinned'));
      const insert = db.prepare(
        'INSERT INTO events (global_position, event_id, stream, stream_version, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      written.forEach((event, i) => {
        insert.run(
          10 + i * 3,
          event.id,
          stream,
          i,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify({ schemaVersion: 1, ...event.metadata }),
          '2024-03-01T08:00:00.000Z',
        );
      });
      db.close();

      const store = openSqliteEventStore({ path });
      try {
        const read = await store.readStream(stream);
        expect(read.map((e) => [e.id, e.streamVersion, e.globalPosition])).toEqual(
          written.map((e, i) => [e.id, i, String(10 + i * 3)]),
        );
        const retry = await store.append(stream, [written[1]!, written[18]!, sampleEvent('MessageUnpinned')]);
        expect(retry.events.map((e) => [e.streamVersion, e.globalPosition, e.duplicate])).toEqual([
          [1, '13', true],
          [18, '64', true],
          [20, '68', false],
        ]);
      } finally {
        await store.close();
      }
      const check = new DatabaseSync(path, { readOnly: true });
      expect(value(check, 'PRAGMA user_version')).toBe(3);
      // The event table keeps no index of its own: streams are looked up in the index file.
      const indexes = check
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events'")
        .all();
      expect(indexes).toEqual([]);
      check.close();
    } finally {
      remove();
    }
  });

  test('lookups join the index and the unindexed tail: reads, versions and retries across both', async () => {
    const { dir, remove } = tempDir();
    const path = join(dir, 'events.sqlite');
    try {
      const long = 'chat-1.u3';
      const early = Array.from({ length: LATE_VERSION + 4 }, () => sampleEvent('ChatObserved'));
      const first = openSqliteEventStore({ path });
      const stored = await first.append(long, early);
      await first.append(stream, [sampleEvent('MessagePinned')]);
      // Closing indexes everything; what the reopened store appends stays in its tail.
      await first.close();
      const store = openSqliteEventStore({ path });
      try {
        const later = Array.from({ length: 3 }, () => sampleEvent('ChatObserved'));
        const appended = await store.append(long, later, { expectedVersion: early.length - 1 });
        expect(appended.events.map((e) => e.streamVersion)).toEqual([20, 21, 22]);
        const wrong = await store
          .append(long, [sampleEvent('ChatObserved')], { expectedVersion: 19 })
          .catch((e) => e);
        expect(String(wrong)).toMatch(/stream is at 22/);

        const versions = async (options?: Parameters<typeof store.readStream>[1]) =>
          (await store.readStream(long, options)).map((e) => e.streamVersion);
        expect(await versions()).toEqual(Array.from({ length: 23 }, (_, i) => i));
        expect(await versions({ fromVersion: 18, limit: 4 })).toEqual([18, 19, 20, 21]);
        expect(await versions({ direction: 'backwards', limit: 5 })).toEqual([22, 21, 20, 19, 18]);
        expect(await versions({ direction: 'backwards', fromVersion: 20, limit: 2 })).toEqual([20, 19]);

        // Retries of an early indexed event, a late indexed one and a tail one.
        const retry = await store.append(long, [early[2]!, early[LATE_VERSION + 1]!, later[1]!]);
        expect(retry.events).toEqual([
          { ...stored.events[2]!, duplicate: true },
          { ...stored.events[LATE_VERSION + 1]!, duplicate: true },
          { ...appended.events[1]!, duplicate: true },
        ]);

        const prefix = await store.readAll({ streamPrefix: 'chat-1.u3' });
        expect(prefix.map((e) => e.streamVersion)).toEqual(Array.from({ length: 23 }, (_, i) => i));
        const page = await store.readAll({
          streamPrefix: 'chat-1.',
          after: prefix[18]!.globalPosition,
          limit: 3,
        });
        expect(page.map((e) => e.streamVersion)).toEqual([19, 20, 21]);
        const typed = await store.readAll({ streamPrefix: 'message-1.', types: ['MessagePinned'] });
        expect(typed.map((e) => e.stream)).toEqual([stream]);
      } finally {
        await store.close();
      }
    } finally {
      remove();
    }
  });

  test('a stream another connection created and indexed before this one saw it is not new here', async () => {
    const { dir, remove } = tempDir();
    const path = join(dir, 'events.sqlite');
    const mine = openSqliteEventStore({ path });
    try {
      // This store appends first, so it knows the streams stored so far.
      await mine.append(stream, [sampleEvent('MessagePinned')]);
      const other = openSqliteEventStore({ path });
      await other.append('chat-1.u9', [sampleEvent('ChatObserved')]);
      // Closing indexes it: this store's tail never holds it.
      await other.close();
      expect((await mine.readStream('chat-1.u9')).map((e) => e.streamVersion)).toEqual([0]);
      const next = await mine.append('chat-1.u9', [sampleEvent('ChatObserved')]);
      expect(next.events[0]!.streamVersion).toBe(1);
      expect((await mine.readStream('chat-1.u9')).map((e) => e.streamVersion)).toEqual([0, 1]);
    } finally {
      await mine.close();
      remove();
    }
  });

  test('events both indexed and kept in the tail are read, counted and retried once', async () => {
    const { dir, remove } = tempDir();
    const path = join(dir, 'events.sqlite');
    // The writer indexes after every commit, and the tail keeps what it indexed.
    const store = openSqliteEventStore({ path, foldAfter: 1_000_000, writerFoldsAfter: 0 });
    try {
      const first = Array.from({ length: 3 }, () => sampleEvent('MessagePinned'));
      const stored = await store.append(stream, first);
      await store.append('chat-1.u9', [sampleEvent('ChatObserved')]);
      expect(indexValue(path, 'SELECT count(*) FROM stream_index')).toBe(4);

      const versions = async (options?: Parameters<typeof store.readStream>[1]) =>
        (await store.readStream(stream, options)).map((e) => e.streamVersion);
      expect(await versions()).toEqual([0, 1, 2]);
      expect(await versions({ direction: 'backwards', limit: 2 })).toEqual([2, 1]);
      expect(await versions({ fromVersion: 1 })).toEqual([1, 2]);
      const retry = await store.append(stream, [first[1]!]);
      expect(retry.events).toEqual([{ ...stored.events[1]!, duplicate: true }]);
      const next = await store.append(stream, [sampleEvent('MessagePinned')], { expectedVersion: 2 });
      expect(next.events[0]!.streamVersion).toBe(3);
      expect(await versions({ direction: 'backwards' })).toEqual([3, 2, 1, 0]);
      const prefix = await store.readAll({ streamPrefix: 'message-' });
      expect(prefix.map((e) => e.streamVersion)).toEqual([0, 1, 2, 3]);
    } finally {
      await store.close();
      remove();
    }
  });

  test('a stream the tail keeps only the newest indexed events of is read from the index once', async () => {
    const { dir, remove } = tempDir();
    const path = join(dir, 'events.sqlite');
    // Generations of two events: the stream's first events leave the tail while its newest, already
    // indexed, stay.
    const store = openSqliteEventStore({
      path,
      foldAfter: 1_000_000,
      writerFoldsAfter: 0,
      tailGeneration: 2,
    });
    try {
      const versions = async (options?: Parameters<typeof store.readStream>[1]) =>
        (await store.readStream(stream, options)).map((e) => e.streamVersion);
      for (let version = 0; version < 10; version++) {
        await store.append(stream, [sampleEvent('MessagePinned')], { expectedVersion: version - 1 });
        await store.append(`chat-1.u${version + 10}`, [sampleEvent('ChatObserved')]);
        const last = Array.from({ length: Math.min(3, version + 1) }, (_, i) => version - i);
        expect(await versions({ direction: 'backwards', limit: 3 })).toEqual(last);
        expect(await versions({ fromVersion: Math.max(0, version - 1), limit: 5 })).toEqual(
          [...last].reverse().slice(-2),
        );
        expect(await store.readAll({ streamPrefix: 'message-', limit: 20 })).toHaveLength(version + 1);
      }
    } finally {
      await store.close();
      remove();
    }
  });

  test('when the thread does not keep the index up, the writer indexes for itself', async () => {
    const { dir, remove } = tempDir();
    const path = join(dir, 'events.sqlite');
    // The thread is never asked; the writer steps in past 50 unindexed events.
    const store = openSqliteEventStore({ path, foldAfter: 1_000_000, writerFoldsAfter: 50 });
    const indexed = () => indexValue(path, 'SELECT through FROM indexed');
    try {
      for (let batch = 0; batch < 5; batch++)
        await store.append(
          `chat-1.u${batch + 1}`,
          Array.from({ length: 10 }, () => sampleEvent('ChatObserved')),
        );
      expect(indexed()).toBe(0);
      await store.append(
        'chat-1.u6',
        Array.from({ length: 10 }, () => sampleEvent('ChatObserved')),
      );
      expect(indexed()).toBe(60);
      expect((await store.readStream('chat-1.u3')).map((e) => e.streamVersion)).toEqual(
        Array.from({ length: 10 }, (_, i) => i),
      );
    } finally {
      await store.close();
      remove();
    }
  });

  test('the stream index is derived: a deleted or stale one is rebuilt from the events file', async () => {
    const { dir, remove } = tempDir();
    const path = join(dir, 'events.sqlite');
    const backup = join(dir, 'backup.sqlite');
    try {
      const store = openSqliteEventStore({ path });
      const events = Array.from({ length: 5 }, () => sampleEvent('MessagePinned'));
      await store.append(stream, events.slice(0, 3));
      await store.close();
      copyFileSync(path, backup);
      const again = openSqliteEventStore({ path });
      await again.append(stream, events.slice(3));
      await again.close();

      // The backup comes back beside an index that has seen two events more.
      copyFileSync(backup, path);
      const log = captureLog('warn');
      const restored = openSqliteEventStore({ path, logger: log.logger });
      expect(log.problems()).toEqual(['stream index did not match the event file; rebuilding it']);
      expect((await restored.readStream(stream)).map((e) => e.id)).toEqual(
        events.slice(0, 3).map((e) => e.id),
      );
      const next = await restored.append(stream, [events[3]!], { expectedVersion: 2 });
      expect(next.events[0]).toMatchObject({ streamVersion: 3, duplicate: false });
      await restored.close();

      // A file of someone else's at the index's name is refused, not dropped.
      rmSync(indexPathFor(path));
      const foreign = new DatabaseSync(indexPathFor(path));
      foreign.exec('CREATE TABLE notes (body TEXT)');
      foreign.close();
      expect(() => openSqliteEventStore({ path })).toThrow(
        /events\.index\.sqlite is another SQLite database/,
      );

      // A damaged one is moved aside, not deleted, and built again.
      writeFileSync(indexPathFor(path), 'not a database, just bytes '.repeat(200));
      const damagedLog = captureLog('warn');
      const repaired = openSqliteEventStore({ path, logger: damagedLog.logger });
      expect(damagedLog.problems()).toEqual(['stream index damaged; rebuilding it']);
      expect(readdirSync(dir).filter((f) => f.includes('.damaged-'))).toHaveLength(1);
      expect((await repaired.readStream(stream)).map((e) => e.streamVersion)).toEqual([0, 1, 2, 3]);
      await repaired.close();

      rmSync(indexPathFor(path));
      const rebuilt = openSqliteEventStore({ path });
      expect(existsSync(indexPathFor(path))).toBe(true);
      expect((await rebuilt.readStream(stream)).map((e) => e.streamVersion)).toEqual([0, 1, 2, 3]);
      expect((await rebuilt.append(stream, [events[0]!])).events[0]).toMatchObject({
        streamVersion: 0,
        duplicate: true,
      });
      await rebuilt.close();
    } finally {
      remove();
    }
  });

  test('a reader in one connection wakes for an append made through another', async () => {
    const { dir, remove } = tempDir();
    const path = join(dir, 'events.sqlite');
    const reader = openSqliteEventStore({ path, pollIntervalMs: 20 });
    const writer = openSqliteEventStore({ path });
    try {
      const waiting = reader.waitForEvents(undefined, { timeoutMs: 20_000 });
      await writer.append(stream, [sampleEvent('MessagePinned')]);
      expect(await waiting).toBe(true);
      expect(await reader.readAll()).toHaveLength(1);
    } finally {
      await reader.close();
      await writer.close();
      remove();
    }
  });

  test.each([
    ['as configured', 'default'],
    ['each indexing after every commit', '1'],
  ])(
    'two processes appending to one file at once, %s: nothing lost, nothing doubled',
    async (_, foldAfter) => {
      const { dir, remove } = tempDir();
      const path = join(dir, 'events.sqlite');
      try {
        // Create the schema first so that both writers race on appends, not on creation.
        await openSqliteEventStore({ path }).close();
        const script = fileURLToPath(new URL('./fixtures/sqlite-writer.ts', import.meta.url));
        const rounds = 150;
        const start = (writer: string) => {
          const child = spawn(process.execPath, [script, path, writer, String(rounds), foldAfter], {
            stdio: ['pipe', 'pipe', 'pipe'],
          });
          let out = '';
          let err = '';
          const ready = new Promise<void>((resolve, reject) => {
            child.stdout.on('data', (d) => {
              out += d;
              if (out.startsWith('ready\n')) resolve();
            });
            child.on('error', reject);
            child.on('close', () => reject(new Error(`writer ${writer} ended before it was ready: ${err}`)));
          });
          child.stderr.on('data', (d) => (err += d));
          const done = new Promise<{ ids: string[]; startedAt: number; endedAt: number }>(
            (resolve, reject) => {
              child.on('close', (code) =>
                code === 0
                  ? resolve(JSON.parse(out.slice('ready\n'.length)))
                  : reject(new Error(`writer ${writer} exited ${code}: ${err}`)),
              );
            },
          );
          return { ready, done, go: () => child.stdin.end('go\n') };
        };
        const writers = [start('2'), start('3')];
        await Promise.all(writers.map((w) => w.ready));
        for (const w of writers) w.go();
        const [first, second] = await Promise.all(writers.map((w) => w.done));
        // Both wrote while the other was writing.
        expect(first!.startedAt).toBeLessThan(second!.endedAt);
        expect(second!.startedAt).toBeLessThan(first!.endedAt);
        const a = first!.ids;
        const b = second!.ids;
        expect(a).toHaveLength(rounds * 3);
        expect(b).toHaveLength(rounds * 3);

        const store = openSqliteEventStore({ path });
        const all = await store.readAll();
        expect(all.map((e) => e.id).sort()).toEqual([...a, ...b].sort());
        const sequences = all.map((e) => e.sequence!);
        expect(sequences).toEqual([...sequences].sort((x, y) => x - y));
        const shared = await store.readStream('chat-1.u1');
        expect(shared.map((e) => e.streamVersion)).toEqual(Array.from({ length: rounds * 4 }, (_, i) => i));
        await store.close();
      } finally {
        remove();
      }
    },
  );
});
