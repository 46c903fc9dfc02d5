// The SQLite maintenance thread's checkpoints: it copies the WAL back while the writer keeps committing, the
// writer starts a long WAL afresh, and closing stops the thread. Small limits keep it quick.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { SqliteMaintenance } from '../../src/eventstore/sqlite-maintenance.ts';
import { silentLogger } from '../../src/log/logger.ts';
import {
  type Connection,
  openConnection,
  pragmaValue,
  prepareTuples,
  transaction,
} from '../../src/sqlite/connection.ts';

let dir: string;
let db: Connection;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ta-checkpoint-'));
  db = openConnection(join(dir, 'events.sqlite'), { busyTimeoutMs: 5_000 });
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('CREATE TABLE pages (n INTEGER PRIMARY KEY, filler TEXT NOT NULL)');
});
afterEach(() => {
  if (db.isOpen) db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One commit that dirties about `pages` pages of 4 KB. */
const commit = (pages: number) =>
  transaction(db, 'DEFERRED', () => {
    const insert = db.prepare('INSERT INTO pages (filler) VALUES (?)');
    for (let i = 0; i < pages; i++) insert.run('x'.repeat(3900));
  })();

/** [frames in the WAL, frames copied back] */
const wal = () => {
  const [, log, checkpointed] = prepareTuples<[number, number, number]>(
    db,
    'PRAGMA wal_checkpoint(NOOP)',
  ).get()!;
  return [log, checkpointed] as const;
};

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the checkpoint thread');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('the thread copies the WAL back once enough frames wait, not before', async () => {
  const maintenance = new SqliteMaintenance(db, join(dir, 'events.sqlite'), silentLogger, {
    limits: { wakeFrames: 50, restartFrames: 1_000, checkEvery: 1 },
  });
  try {
    commit(20);
    maintenance.committed();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(wal()[1]).toBe(0);
    commit(40);
    maintenance.committed();
    const [frames] = wal();
    await until(() => wal()[1] === frames);
    // The writer's own automatic checkpoint is far out, so this copy was the thread's.
    expect(pragmaValue(db, 'wal_autocheckpoint')).toBe(4_000);
  } finally {
    await maintenance.close();
  }
});

test('a long WAL is copied by the writer and starts afresh; rows survive', async () => {
  // The thread is never woken here, so only the writer can let the WAL start over.
  const maintenance = new SqliteMaintenance(db, join(dir, 'events.sqlite'), silentLogger, {
    limits: { wakeFrames: 100_000, restartFrames: 300, checkEvery: 1 },
  });
  try {
    let previous = 0;
    let restarts = 0;
    let longest = 0;
    for (let round = 0; round < 40; round++) {
      commit(30);
      const [frames] = wal();
      if (frames < previous) restarts++;
      previous = frames;
      longest = Math.max(longest, frames);
      maintenance.committed();
    }
    // 1,200 pages went through a WAL that started afresh after about 300; SQLite's own
    // automatic checkpoint (at 1,200) never came into play.
    expect(restarts).toBeGreaterThanOrEqual(3);
    expect(longest).toBeLessThan(300 + 40);
    expect(pragmaValue(db, 'page_count')).toBeGreaterThan(1_200);
    expect(prepareTuples(db, 'SELECT count(*) FROM pages').get()).toEqual([1_200]);
  } finally {
    await maintenance.close();
  }
  db.close();
  const again = openConnection(join(dir, 'events.sqlite'), { busyTimeoutMs: 5_000, mustExist: true });
  expect(prepareTuples(again, 'SELECT count(*) FROM pages').get()).toEqual([1_200]);
  again.close();
});

test('close waits for the thread; a closed one wakes nothing', async () => {
  const maintenance = new SqliteMaintenance(db, join(dir, 'events.sqlite'), silentLogger, {
    limits: { wakeFrames: 10, restartFrames: 1_000, checkEvery: 1 },
  });
  commit(20);
  maintenance.committed();
  await until(() => wal()[1] === wal()[0]);
  await maintenance.close();
  await maintenance.close();
  commit(20);
  maintenance.committed();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const [frames, copied] = wal();
  expect(copied).toBeLessThan(frames);
});
