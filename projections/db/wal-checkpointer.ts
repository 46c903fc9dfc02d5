// Copies a SQLite copy's committed WAL frames into its database file on a worker thread. Done by the
// writer itself (SQLite's auto-checkpoint), that copy and its fsync stall the projector inside
// COMMIT for a large share of a catch-up; on a second connection they overlap the next batches.
// Durability is SQLite's own either way: a commit is in the WAL before the checkpoint reads it.
import { setImmediate } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { Connection } from '../../src/sqlite/connection.ts';
import type { CheckpointReport, CheckpointWorkerData } from './wal-checkpoint-worker.ts';

/**
 * Frames the WAL may reach before a write transaction waits for the running checkpoint to end; the
 * WAL then starts over at the next commit instead of growing (SQLite restarts it only when a
 * writer begins after a complete checkpoint).
 */
const WAIT_AT_FRAMES = 16_384;
/** SQLite's default, restored when the worker is gone. */
const DEFAULT_AUTOCHECKPOINT = 1000;

const workerUrl = new URL(
  import.meta.url.endsWith('.ts') ? './wal-checkpoint-worker.ts' : './wal-checkpoint-worker.js',
  import.meta.url,
);

export class WalCheckpointer {
  readonly #db: Connection;
  readonly #data: CheckpointWorkerData;
  #worker: Worker | undefined;
  #running: Promise<void> | undefined;
  /** Commits since the running (or last) checkpoint started. */
  #uncovered = false;
  /** WAL size in frames at the last report. */
  #frames = 0;
  #stopped = false;
  readonly #waitAtFrames: number;

  /**
   * `db` is the writer's connection to `data.path`. Its own auto-checkpoint stays as a backstop, far
   * above the WAL size the worker keeps, should the worker fall behind or fail.
   */
  constructor(db: Connection, data: CheckpointWorkerData, options: { waitAtFrames?: number } = {}) {
    this.#db = db;
    this.#data = data;
    this.#waitAtFrames = options.waitAtFrames ?? WAIT_AT_FRAMES;
    db.exec(`PRAGMA wal_autocheckpoint = ${4 * this.#waitAtFrames}`);
  }

  /** Before a write transaction: once the WAL is large, finish checkpointing it so that it restarts. */
  async beforeWrite(): Promise<void> {
    // A finished checkpoint's report is a message: let it arrive, whatever the caller's loop.
    if (this.#running) await setImmediate();
    if (this.#frames < this.#waitAtFrames) return;
    await this.#running;
    if (this.#uncovered) await this.#start();
  }

  /** After a commit: checkpoint it, unless a checkpoint is running (the next commit starts one). */
  committed(): void {
    this.#uncovered = true;
    if (!this.#running) void this.#start();
  }

  /** Resolves when no checkpoint is running. */
  async idle(): Promise<void> {
    await this.#running;
  }

  /** Hands checkpointing back to the writer, as SQLite does by default, and ends the worker. */
  async release(): Promise<void> {
    this.#giveBack();
    await this.close();
  }

  /** Lets a running checkpoint finish and closes the worker's connection. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#worker = undefined;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    worker.postMessage('close');
    await exited;
  }

  #start(): Promise<void> {
    const worker = this.#spawn();
    if (!worker) return Promise.resolve();
    this.#uncovered = false;
    const running = new Promise<void>((resolve) => {
      const done = (report: CheckpointReport | undefined) => {
        worker.off('message', done);
        worker.off('exit', gone);
        // Idle, it must not keep the process alive; once closing, close() holds it until it exits.
        if (this.#worker === worker) worker.unref();
        if (!report || report.error) this.#fail();
        else this.#frames = report.log;
        this.#running = undefined;
        resolve();
      };
      const gone = () => done(undefined);
      worker.on('message', done);
      worker.once('exit', gone);
    });
    this.#running = running;
    // Held while a checkpoint runs: the projector may be awaiting it with nothing else pending.
    worker.ref();
    worker.postMessage('checkpoint');
    return running;
  }

  #spawn(): Worker | undefined {
    if (this.#stopped) return undefined;
    if (!this.#worker) {
      const worker = new Worker(workerUrl, {
        workerData: this.#data,
        // It allocates next to nothing; a small heap keeps a rebuild within its memory budget.
        resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16 },
      });
      worker.on('error', () => this.#fail());
      this.#worker = worker;
    }
    return this.#worker;
  }

  /** Without the worker the writer checkpoints for itself again. */
  #fail(): void {
    if (this.#stopped) return;
    this.#giveBack();
    const worker = this.#worker;
    this.#worker = undefined;
    void worker?.terminate();
  }

  #giveBack(): void {
    this.#stopped = true;
    this.#frames = 0;
    if (this.#db.isOpen) this.#db.exec(`PRAGMA wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
  }
}
