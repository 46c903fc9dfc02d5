// Upkeep of the SQLite event store off the append path, on one worker thread with its own
// connections: it folds new events into the stream index (sqlite-stream-index.ts) and copies the
// WAL back into the database file.
// Checkpoints: SQLite's own automatic checkpoint runs inside the commit that crosses its threshold,
// so that append would copy megabytes of pages and wait for two fsyncs. Here the writer only looks
// at the WAL every few commits (a NOOP checkpoint, tens of microseconds) and, once enough frames
// are waiting, asks the thread to copy them. The WAL can only start over from its beginning once
// every frame is copied, which a thread racing the writer rarely sees; so once the WAL is long, the
// thread is asked at every look until only a few commits are left uncopied, which the writer then
// copies itself, and its next commit starts the WAL afresh. SQLite's automatic checkpoint
// stays on, further out, as the backstop should the thread be slow or gone. Durability is
// unchanged: commits and their syncs are the writer's as before.
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log/logger.ts';
import { type Connection, prepareTuples, sqliteCode, type TupleStatement } from '../sqlite/connection.ts';

/** workerData of the maintenance thread. */
export interface MaintenanceData {
  readonly path: string;
  /** The stream index to fold new events into; none: the thread only checkpoints. */
  readonly indexPath: string | undefined;
  /**
   * Int32 slots: SIGNAL counts wake-ups, STATE is idle (0), checkpoint asked (1) or stop (2), FOLD
   * is 1 while a fold is asked.
   */
  readonly state: SharedArrayBuffer;
}
export const SIGNAL = 0;
export const STATE = 1;
export const FOLD = 2;

/** Frames (pages) in the WAL not yet copied back before the thread is asked: about 4 MB. */
export const WAKE_FRAMES = 1000;
/** A WAL this long (about 40 MB) is started afresh by the writer. */
export const RESTART_FRAMES = 10_000;

/**
 * Unindexed events before the writer asks for a fold. Each fold makes the writer's connection drop
 * its cached pages of the index, so folding every commit would make every lookup read from disk.
 */
export const FOLD_AFTER = 2_000;

// Built as .js next to this file in dist/, run as .ts from a checkout.
const WORKER = new URL(
  import.meta.url.endsWith('.ts') ? './sqlite-maintenance-worker.ts' : './sqlite-maintenance-worker.js',
  import.meta.url,
);

/** When to act, in WAL frames; tests use small ones. */
export interface CheckpointLimits {
  readonly wakeFrames: number;
  readonly restartFrames: number;
  /** Look at the WAL after every this many commits (default 16): a look costs tens of microseconds. */
  readonly checkEvery?: number;
}

export class SqliteMaintenance {
  readonly #path: string;
  readonly #indexPath: string | undefined;
  readonly #limits: CheckpointLimits;
  readonly #foldAfter: number;
  readonly #logger: Logger;
  readonly #db: Connection;
  readonly #walState: TupleStatement<[number, number, number]>;
  readonly #checkpoint: TupleStatement<[number, number, number]>;
  readonly #flags = new Int32Array(new SharedArrayBuffer(12));
  #worker: Worker | undefined;
  #commits = 0;
  #failed = false;
  #closed = false;
  #exited: Promise<void> | undefined;

  constructor(
    db: Connection,
    path: string,
    logger: Logger,
    options: { indexPath?: string; foldAfter?: number; limits?: CheckpointLimits } = {},
  ) {
    this.#path = path;
    this.#indexPath = options.indexPath;
    this.#foldAfter = options.foldAfter ?? FOLD_AFTER;
    this.#limits = options.limits ?? { wakeFrames: WAKE_FRAMES, restartFrames: RESTART_FRAMES };
    this.#logger = logger;
    this.#db = db;
    this.#walState = prepareTuples(db, 'PRAGMA wal_checkpoint(NOOP)');
    this.#checkpoint = prepareTuples(db, 'PRAGMA wal_checkpoint(PASSIVE)');
    db.exec(`PRAGMA wal_autocheckpoint = ${4 * this.#limits.restartFrames}`);
  }

  /**
   * Call after a commit, with the number of events the index does not hold yet: wakes the thread to
   * index them once there are enough and, when enough of the WAL waits, to copy it back; when the
   * WAL is long, the writer catches up itself.
   */
  committed(unindexed = 0): void {
    if (this.#failed || this.#closed) return;
    try {
      let asked = this.#checkpointAsked();
      if (this.#indexPath !== undefined && unindexed >= this.#foldAfter)
        asked = Atomics.compareExchange(this.#flags, FOLD, 0, 1) === 0 || asked;
      if (!asked) return;
      if ((this.#worker ?? this.#start()) === undefined) return;
      Atomics.add(this.#flags, SIGNAL, 1);
      Atomics.notify(this.#flags, SIGNAL);
    } catch (error) {
      // A failed checkpoint loses nothing: the frames stay in the WAL for the next one.
      if (sqliteCode(error) !== 'SQLITE_BUSY') this.#fail(error);
    }
  }

  /** Whether the thread should copy the WAL now; runs the writer's own copy of a long WAL's end. */
  #checkpointAsked(): boolean {
    const { wakeFrames, restartFrames, checkEvery = 16 } = this.#limits;
    if (++this.#commits % checkEvery !== 0) return false;
    const [, frames, copied] = this.#walState.get()!;
    const waiting = frames - copied;
    const long = frames >= restartFrames;
    if (waiting < wakeFrames && !long) return false;
    if (Atomics.compareExchange(this.#flags, STATE, 0, 1) !== 0) return false;
    // A long WAL: the thread copies until only a commit or two is left, then the writer.
    if (!long || waiting > wakeFrames / 4) return true;
    try {
      this.#checkpoint.run();
    } finally {
      Atomics.store(this.#flags, STATE, 0);
    }
    return false;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#worker === undefined) return;
    // Keeps the process alive until the thread has closed its connections.
    this.#worker.ref();
    Atomics.store(this.#flags, STATE, 2);
    Atomics.add(this.#flags, SIGNAL, 1);
    Atomics.notify(this.#flags, SIGNAL);
    await this.#exited;
    this.#worker = undefined;
  }

  #start(): Worker | undefined {
    try {
      const data: MaintenanceData = {
        path: this.#path,
        indexPath: this.#indexPath,
        state: this.#flags.buffer as SharedArrayBuffer,
      };
      const worker = new Worker(WORKER, { workerData: data });
      worker.unref();
      worker.on('message', (message: { job: string; reason: string }) =>
        this.#logger.warn({ reason: message.reason }, `event store ${message.job} failed`),
      );
      this.#exited = new Promise((resolve) => {
        worker.once('exit', () => resolve());
        worker.once('error', (error) => {
          this.#fail(error);
          resolve();
        });
      });
      this.#worker = worker;
      return worker;
    } catch (error) {
      this.#fail(error);
      return undefined;
    }
  }

  #fail(error: unknown): void {
    this.#failed = true;
    if (this.#db.isOpen) this.#db.exec(`PRAGMA wal_autocheckpoint = ${this.#limits.restartFrames}`);
    this.#logger.warn(
      { reason: error instanceof Error ? error.message : String(error) },
      'event store maintenance thread unavailable; appends index and checkpoint themselves',
    );
  }
}
