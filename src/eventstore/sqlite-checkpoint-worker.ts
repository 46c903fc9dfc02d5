// The thread behind SqliteCheckpointer: copies committed WAL frames back into the database file
// whenever the writer signals, so that the copying and its two fsyncs run beside the appends.
// Blocking waits are fine here: this thread has nothing else to do.

import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { type CheckpointerData, SIGNAL, STATE } from './sqlite-checkpointer.ts';

const { path, state } = workerData as CheckpointerData;
const flags = new Int32Array(state);
const db = new Database(path, { fileMustExist: true, timeout: 0 });
// The same durability as the writer: the WAL is synced before it is copied, the file after.
db.pragma('synchronous = NORMAL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

let seen = 0;
for (;;) {
  Atomics.wait(flags, SIGNAL, seen);
  seen = Atomics.load(flags, SIGNAL);
  if (Atomics.load(flags, STATE) === 2) break;
  try {
    checkpoint.run();
  } catch (error) {
    // Another connection's checkpoint holds the lock: that one does the work.
    if ((error as { code?: unknown }).code !== 'SQLITE_BUSY')
      parentPort?.postMessage(error instanceof Error ? error.message : String(error));
  }
  Atomics.compareExchange(flags, STATE, 1, 0);
}
db.close();
