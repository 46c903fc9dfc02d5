// Every place the relay keeps its checkpoint behaves the same: nothing before the first save, the
// last save afterwards, one row or file per name, and a clear error instead of a guess when what
// is stored cannot be read.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { generateArchive } from '../../bench/generator.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { FileCheckpointStore } from '../../src/relay/checkpoint/file.ts';
import {
  CheckpointCorruptError,
  type CheckpointStore,
  openRelayCheckpoint,
  relayCheckpointName,
} from '../../src/relay/checkpoint/index.ts';
import { PostgresCheckpointStore } from '../../src/relay/checkpoint/postgres.ts';
import { SqliteCheckpointStore } from '../../src/relay/checkpoint/sqlite.ts';
import { createTestDatabase, describePostgres } from '../support/postgres.ts';

function checkpointContract(open: (name: string) => Promise<CheckpointStore>): void {
  const opened: CheckpointStore[] = [];
  const make = async (name: string) => {
    const store = await open(name);
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  it('holds nothing before the first save and the last saved position afterwards', async () => {
    const store = await make('relay:a');
    expect(await store.load()).toBeUndefined();
    await store.save('41');
    await store.save('1:99');
    expect(await store.load()).toBe('1:99');
    const again = await make('relay:a');
    expect(await again.load()).toBe('1:99');
  });

  it('keeps one position per name (one per topic)', async () => {
    const first = await make('relay:topic-1');
    const second = await make('relay:topic-2');
    await first.save('10');
    await second.save('20');
    expect([await first.load(), await second.load()]).toEqual(['10', '20']);
  });
}

describe('relay checkpoint in a file (EventStoreDB)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ta-ckpt-file-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  checkpointContract(async (name) => new FileCheckpointStore(join(dir, 'relay'), name));

  it('refuses a file it cannot read, with the fix, instead of starting over silently', async () => {
    const store = new FileCheckpointStore(join(dir, 'broken'), 'relay:x');
    await store.save('5');
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toMatchObject({
      version: 1,
      name: 'relay:x',
      position: '5',
    });
    for (const [text, reason] of [
      ['{oops', /it is not JSON/],
      ['{"version":1}', /no version 1 position/],
      ['{"version":1,"name":"relay:y","position":"3"}', /belongs to 'relay:y'/],
    ] as const) {
      writeFileSync(store.path, text);
      const attempt = store.load();
      await expect(attempt).rejects.toBeInstanceOf(CheckpointCorruptError);
      await expect(store.load()).rejects.toThrow(reason);
      await expect(store.load()).rejects.toThrow(/Delete .* to publish the whole log again/);
    }
  });

  it('is chosen for EventStoreDB, under DATA_DIR/relay', () => {
    const store = openRelayCheckpoint(
      { eventStore: 'eventstoredb', eventStoreLocation: 'esdb://x:2113', dataDir: dir },
      relayCheckpointName('t.events'),
    );
    expect(store.description).toBe(`file ${join(dir, 'relay', 'relay_t.events.json')}`);
  });
});

describe('relay checkpoint in the SQLite event log', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ta-ckpt-sqlite-'));
    await openSqliteEventStore({ path: join(dir, 'events.sqlite') }).close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  checkpointContract(async (name) => new SqliteCheckpointStore(join(dir, 'events.sqlite'), name));

  it('never creates an event log of its own', async () => {
    const store = new SqliteCheckpointStore(join(dir, 'missing.sqlite'), 'relay:x');
    await expect(store.load()).rejects.toThrow(/unable to open database file/);
  });

  it('is chosen for SQLite and lives beside the events while the store keeps working', async () => {
    const path = join(dir, 'events.sqlite');
    const store = openRelayCheckpoint(
      { eventStore: 'sqlite', eventStoreLocation: path, dataDir: dir },
      'relay:t',
    );
    const events = openSqliteEventStore({ path });
    try {
      await store.save('7');
      for (const { stream, event } of generateArchive({ seed: 'checkpoint', totalEvents: 5 }))
        await events.append(stream, [event]);
      await store.save('8');
      expect(await events.readAll()).toHaveLength(5);
      expect(await store.load()).toBe('8');
      expect(store.description).toBe(`sqlite ${path} (table relay_checkpoints)`);
    } finally {
      await store.close();
      await events.close();
    }
  });
});

describePostgres('relay checkpoint in the PostgreSQL event store', () => {
  let database: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    database = await createTestDatabase('ckpt');
  });
  afterAll(() => database.drop());
  checkpointContract(async (name) => new PostgresCheckpointStore(database.url, name));

  it('redacts the password in its description and is chosen for PostgreSQL', async () => {
    const url = new URL(database.url);
    url.password = 'hunter2-secret';
    const store = openRelayCheckpoint(
      { eventStore: 'postgres', eventStoreLocation: url.toString(), dataDir: '/x' },
      'relay:t',
    );
    expect(store.description).not.toContain('hunter2');
    expect(store.description).toMatch(/^postgres .* \(table relay_checkpoints\)$/);
    await store.close();
  });

  it('reports an unreachable server as a plain failure the relay retries', async () => {
    const store = new PostgresCheckpointStore('postgresql://postgres@127.0.0.1:1/none', 'relay:t');
    await expect(store.load()).rejects.toThrow(/ECONNREFUSED/);
    await store.close();
  });
});
