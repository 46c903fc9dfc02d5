// The SQLite adapter: the shared contract, plus what only a file on disk can show: schema creation
// across restarts, foreign files, and real processes writing to one file at once.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import type { NewEvent } from '../../src/events/envelope.ts';
import { peer, streams } from '../../src/events/peers.ts';
import { EventIdConflictError, StoreUnavailableError } from '../../src/eventstore/errors.ts';
import {
  EARLY_EVENTS,
  LATE_EVENTS,
  LATE_VERSION,
  openSqliteEventStore,
  readAllQuery,
  SQLITE_ID_SCOPE,
} from '../../src/eventstore/sqlite.ts';
import { sampleEvent } from '../support/sample-events.ts';
import { eventStoreContract } from './eventstore-contract.ts';

function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ta-sqlite-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

eventStoreContract('sqlite', async (options) => {
  const { dir, remove } = tempDir();
  const path = join(dir, 'events.sqlite');
  const store = openSqliteEventStore({ path, upcasters: options?.upcasters, pollIntervalMs: 20 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      remove();
    },
    corrupt: async (eventId) => {
      const db = new Database(path);
      db.prepare(`UPDATE events SET data = '{"truncated":' WHERE event_id = ?`).run(eventId);
      db.close();
    },
    noGlobalIdIndex: SQLITE_ID_SCOPE,
  };
});

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
      const db = new Database(path, { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(2);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
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
      const db = new Database(other);
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
      const db = new Database(path);
      db.pragma('user_version = 99');
      db.close();
      expect(() => openSqliteEventStore({ path })).toThrow(
        /schema is version 99, newer than this build knows/,
      );
    } finally {
      remove();
    }
  });

  test('a stream prefix read searches a range of the stream index instead of scanning the table', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'events.sqlite');
      const store = openSqliteEventStore({ path });
      await store.append(stream, [sampleEvent('MessagePinned')]);
      await store.close();
      const db = new Database(path, { readonly: true });
      const plan = (prefix: string, types?: string[]) => {
        const { sql, params } = readAllQuery(0, 100, types, prefix);
        return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
          .map((row) => row.detail)
          .join('; ');
      };
      expect(plan('message-1.u5.')).toMatch(/SEARCH events USING INDEX \S+ \(stream>\? AND stream<\?\)/);
      expect(plan('message-1.u5.', ['MessageCreated'])).toMatch(
        /USING INDEX \S+ \(stream>\? AND stream<\?\)/,
      );
      expect(plan('message-1.u5.')).not.toMatch(/SCAN events/);
      db.close();
    } finally {
      remove();
    }
  });

  test('the lookups of an append search the stream index and the late id index', () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'events.sqlite');
      openSqliteEventStore({ path }).close();
      const db = new Database(path, { readonly: true });
      const plan = (sql: string, ...params: string[]) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
          .map((row) => row.detail)
          .join('; ');
      expect(plan(EARLY_EVENTS, '[]')).toMatch(
        /SEARCH e USING INDEX \S+ \(stream=\? AND stream_version<\?\)/,
      );
      expect(plan(LATE_EVENTS, stream, '[]')).toMatch(
        /SEARCH events USING INDEX events_late_ids \(stream=\? AND event_id=\?\)/,
      );
      expect(plan(EARLY_EVENTS, '[]')).not.toMatch(/SCAN e\b/);
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
      const db = new Database(path);
      db.pragma('journal_mode = WAL');
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
      db.pragma('user_version = 1');
      db.pragma(`application_id = ${0x54414556}`);
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
      const check = new Database(path, { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(2);
      const indexes = check
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events'")
        .pluck()
        .all();
      expect(indexes).toContain('events_late_ids');
      expect(indexes).toHaveLength(2);
      check.close();
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

  test('two processes appending to one file at once: nothing lost, nothing doubled', async () => {
    const { dir, remove } = tempDir();
    const path = join(dir, 'events.sqlite');
    try {
      // Create the schema first so that both writers race on appends, not on creation.
      await openSqliteEventStore({ path }).close();
      const script = fileURLToPath(new URL('./fixtures/sqlite-writer.ts', import.meta.url));
      const rounds = 150;
      const start = (writer: string) => {
        const child = spawn(process.execPath, [script, path, writer, String(rounds)], {
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
        const done = new Promise<{ ids: string[]; startedAt: number; endedAt: number }>((resolve, reject) => {
          child.on('close', (code) =>
            code === 0
              ? resolve(JSON.parse(out.slice('ready\n'.length)))
              : reject(new Error(`writer ${writer} exited ${code}: ${err}`)),
          );
        });
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
  });
});
