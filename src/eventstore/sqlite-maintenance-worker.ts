// The thread behind SqliteMaintenance: whenever the writer signals, it folds the new events into
// the stream index and, when asked, copies committed WAL frames back into the database file, so
// that both run beside the appends. Blocking waits are fine here: this thread has nothing else to do.

import { closeSync, fsyncSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { openConnection, sqliteCode } from '../sqlite/connection.ts';
import { FOLD, type MaintenanceData, SIGNAL, STATE } from './sqlite-maintenance.ts';
import { openIndexFile, StreamIndexFolder } from './sqlite-stream-index.ts';

const { path, indexPath, state } = workerData as MaintenanceData;
const flags = new Int32Array(state);
// Waits out another process's fold of the same index rather than failing it.
const db = openConnection(path, { busyTimeoutMs: 10_000, mustExist: true });
// The same durability as the writer: the WAL is synced before it is copied, the file after.
db.exec('PRAGMA synchronous = NORMAL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
// SQLite syncs the database file only after a checkpoint that copies the whole WAL, and racing the
// writer, this thread's rarely do: the writer's own copy at the end of a long WAL would then sync
// every page copied since, tens of milliseconds on the append path. Syncing after each copy here
// leaves it little to write.
const dbFile = openSync(path, 'r');
const index = indexPath === undefined ? undefined : openIndexFile(indexPath, 10_000);
const folder = index === undefined ? undefined : new StreamIndexFolder(index, db);

const report = (job: string, error: unknown) =>
  parentPort?.postMessage({ job, reason: error instanceof Error ? error.message : String(error) });

const stopping = () => Atomics.load(flags, STATE) === 2;

let seen = 0;
let folding = folder !== undefined;
for (;;) {
  Atomics.wait(flags, SIGNAL, seen);
  seen = Atomics.load(flags, SIGNAL);
  if (stopping()) break;
  if (folding && Atomics.load(flags, FOLD) === 1) {
    try {
      folder!.foldAll({ stop: stopping });
    } catch (error) {
      // The writer notices the index falling behind and folds itself.
      folding = false;
      report('index', error);
    }
    Atomics.store(flags, FOLD, 0);
  }
  if (Atomics.load(flags, STATE) !== 1) continue;
  try {
    checkpoint.run();
    fsyncSync(dbFile);
  } catch (error) {
    // Another connection's checkpoint holds the lock: that one does the work.
    if (sqliteCode(error) !== 'SQLITE_BUSY') report('checkpoint', error);
  }
  Atomics.compareExchange(flags, STATE, 1, 0);
}
index?.close();
db.close();
closeSync(dbFile);
