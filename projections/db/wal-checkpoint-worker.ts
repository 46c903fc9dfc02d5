// The thread behind WalCheckpointer: its own connection to a read-model file, which copies committed
// WAL frames into the database whenever the projector asks. PASSIVE never waits for the writer.
import { parentPort, workerData } from 'node:worker_threads';
import { openConnection } from '../../src/sqlite/connection.ts';

export interface CheckpointWorkerData {
  readonly path: string;
  /** The writer's synchronous level: a checkpoint syncs (or not) as the writer's commits would. */
  readonly synchronous: 'NORMAL' | 'OFF';
}

/** Posted back after each checkpoint: frames in the WAL, and how many of them are in the database. */
export interface CheckpointReport {
  readonly log: number;
  readonly checkpointed: number;
  readonly error?: string;
}

const { path, synchronous } = workerData as CheckpointWorkerData;
const port = parentPort!;
const db = openConnection(path, { busyTimeoutMs: 5_000, mustExist: true });
db.exec(`PRAGMA synchronous = ${synchronous}`);
const checkpoint = db.prepare('pragma wal_checkpoint(PASSIVE)');

port.on('message', (message: 'checkpoint' | 'close') => {
  if (message === 'close') {
    db.close();
    port.close();
    return;
  }
  let report: CheckpointReport;
  try {
    const row = checkpoint.get() as { log: number; checkpointed: number };
    report = { log: row.log, checkpointed: row.checkpointed };
  } catch (error) {
    report = { log: -1, checkpointed: -1, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(report);
});
