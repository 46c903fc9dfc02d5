// The SQLite adapter: the shared contract, plus what only a file on disk can show: schema creation
// across restarts, foreign files, and real processes writing to one file at once.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { peer, streams } from '../../src/events/peers.ts';
import { StoreUnavailableError } from '../../src/eventstore/errors.ts';
import { openSqliteEventStore, readAllQuery } from '../../src/eventstore/sqlite.ts';
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
      expect(db.pragma('user_version', { simple: true })).toBe(1);
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
