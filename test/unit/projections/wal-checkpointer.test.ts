// The read model's WAL is copied into the database file by a worker thread, not by the projector's
// commits; it still restarts instead of growing, and the writer checkpoints for itself again when
// the worker cannot run.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { initCheckpoints } from '../../../projections/apply.ts';
import { openCopy } from '../../../projections/db/open.ts';
import { WalCheckpointer } from '../../../projections/db/wal-checkpointer.ts';
import { openConnection, pragmaValue, prepareTuples, transaction } from '../../../src/sqlite/connection.ts';
import { waitFor } from '../../support/wait.ts';

const directories: string[] = [];
afterEach(() => {
  for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'));
  directories.push(dir);
  return dir;
}

/** WAL frame: a 24-byte header and one page. */
const frames = (path: string, pageSize: number) => statSync(`${path}-wal`).size / (pageSize + 24);

describe('WalCheckpointer', () => {
  it('moves a copy’s commits into its database file while the copy stays open', async () => {
    const directory = tempDir();
    const copy = await openCopy({ kind: 'sqlite', directory }, 'read_model_1', { create: true });
    try {
      const file = copy.where;
      const before = statSync(file).size;
      await initCheckpoints(copy);
      // The writer's own auto-checkpoint would wait for tens of thousands of frames.
      await waitFor(() => statSync(file).size > before, 'the database file to receive the WAL');
    } finally {
      await copy.close();
    }
  });

  it('keeps the WAL from growing: it starts over once the worker has copied it', async () => {
    const path = join(tempDir(), 'wal.sqlite');
    const db = openConnection(path, { busyTimeoutMs: 5_000 });
    try {
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('create table t (id integer primary key, body text)');
      const pageSize = pragmaValue(db, 'page_size') as number;
      // Unsynced checkpoints: the test is about restarts, and a slow disk would only add noise.
      const checkpointer = new WalCheckpointer(db, { path, synchronous: 'OFF' }, { waitAtFrames: 64 });
      // Without its backstop, the writer never checkpoints: only the worker's restarts bound the WAL.
      db.exec('PRAGMA wal_autocheckpoint = 0');
      const insert = db.prepare('insert into t (body) values (?)');
      const write = transaction(db, 'IMMEDIATE', () => {
        for (let i = 0; i < 10; i++) insert.run('x'.repeat(pageSize - 200));
      });
      write();
      checkpointer.committed();
      await checkpointer.idle(); // the worker is up
      for (let n = 1; n < 1000; n++) {
        await checkpointer.beforeWrite();
        write();
        checkpointer.committed();
      }
      await checkpointer.close();
      // Some 10,000 pages were committed; a WAL that never restarted would hold them all.
      expect(frames(path, pageSize)).toBeLessThan(5000);
      expect(prepareTuples(db, 'select count(*) from t').get()).toEqual([10_000]);
    } finally {
      db.close();
    }
  });

  it('gives checkpointing back to the writer when released', async () => {
    const path = join(tempDir(), 'wal.sqlite');
    const db = openConnection(path, { busyTimeoutMs: 5_000 });
    try {
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('create table t (x)');
      const checkpointer = new WalCheckpointer(db, { path, synchronous: 'OFF' });
      checkpointer.committed();
      await checkpointer.idle();
      await checkpointer.release();
      expect(pragmaValue(db, 'wal_autocheckpoint')).toBe(1000);
      await checkpointer.beforeWrite();
      checkpointer.committed(); // nothing left to start
      await checkpointer.idle();
    } finally {
      db.close();
    }
  });

  it('gives checkpointing back to the writer when the worker cannot open the file', async () => {
    const path = join(tempDir(), 'wal.sqlite');
    const db = openConnection(path, { busyTimeoutMs: 5_000 });
    try {
      db.exec('PRAGMA journal_mode = WAL');
      const checkpointer = new WalCheckpointer(db, { path: `${path}.missing`, synchronous: 'NORMAL' });
      expect(pragmaValue(db, 'wal_autocheckpoint')).toBeGreaterThan(1000);
      checkpointer.committed();
      await waitFor(
        () => pragmaValue(db, 'wal_autocheckpoint') === 1000,
        'the writer to checkpoint for itself',
      );
      await checkpointer.beforeWrite();
      await checkpointer.close();
    } finally {
      db.close();
    }
  });
});
