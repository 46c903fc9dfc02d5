// Checkpoints of the SQLite event store off the append path. SQLite's own automatic checkpoint
// runs inside the commit that crosses its threshold: that append then copies megabytes of pages
// and waits for two fsyncs. Here the writer only looks at the WAL after a commit (a NOOP
// checkpoint costs microseconds) and, once enough frames are waiting, wakes a worker thread with
// its own connection to copy them. The WAL can only start over from its beginning once every frame
// is copied, which a thread racing the writer rarely sees; so once the WAL is long, the thread is
// woken after every commit until only a commit or two is left uncopied, which the writer then
// copies itself, and its next commit starts the WAL afresh.
// SQLite's automatic checkpoint stays on, further out, as the backstop should the thread be slow
// or gone. Durability is unchanged: commits and their syncs are the writer's as before.
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Logger } from '../log/logger.ts';

/** workerData of the checkpoint thread. */
export interface CheckpointerData {
  readonly path: string;
  /** Int32 slots: SIGNAL counts wake-ups, STATE is idle (0), checkpoint asked (1) or stop (2). */
  readonly state: SharedArrayBuffer;
}
export const SIGNAL = 0;
export const STATE = 1;

/** Frames (pages) in the WAL not yet copied back before the thread is woken: about 4 MB. */
export const WAKE_FRAMES = 1000;
/** A WAL this long (about 40 MB) is started afresh by the writer. */
export const RESTART_FRAMES = 10_000;

// Built as .js next to this file in dist/, run as .ts from a checkout.
const WORKER = new URL(
  import.meta.url.endsWith('.ts') ? './sqlite-checkpoint-worker.ts' : './sqlite-checkpoint-worker.js',
  import.meta.url,
);

/** When to act, in WAL frames; tests use small ones. */
export interface CheckpointLimits {
  readonly wakeFrames: number;
  readonly restartFrames: number;
}

export class SqliteCheckpointer {
  readonly #path: string;
  readonly #limits: CheckpointLimits;
  readonly #logger: Logger;
  readonly #db: Database.Database;
  readonly #walState: Database.Statement;
  readonly #checkpoint: Database.Statement;
  readonly #flags = new Int32Array(new SharedArrayBuffer(8));
  #worker: Worker | undefined;
  #failed = false;
  #closed = false;
  #exited: Promise<void> | undefined;

  constructor(
    db: Database.Database,
    path: string,
    logger: Logger,
    limits: CheckpointLimits = { wakeFrames: WAKE_FRAMES, restartFrames: RESTART_FRAMES },
  ) {
    this.#path = path;
    this.#limits = limits;
    this.#logger = logger;
    this.#db = db;
    this.#walState = db.prepare('PRAGMA wal_checkpoint(NOOP)').raw();
    this.#checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    db.pragma(`wal_autocheckpoint = ${4 * limits.restartFrames}`);
  }

  /** Call after a commit: wakes the idle thread or, when the WAL is long, catches up itself. */
  committed(): void {
    if (this.#failed || this.#closed) return;
    try {
      const { wakeFrames, restartFrames } = this.#limits;
      const [, frames, copied] = this.#walState.get() as [number, number, number];
      const waiting = frames - copied;
      const long = frames >= restartFrames;
      if (waiting < wakeFrames && !long) return;
      if ((this.#worker ?? this.#start()) === undefined) return;
      if (Atomics.compareExchange(this.#flags, STATE, 0, 1) !== 0) return;
      // A long WAL: the thread copies until only a commit or two is left, then the writer.
      if (!long || waiting > wakeFrames / 4) {
        Atomics.add(this.#flags, SIGNAL, 1);
        Atomics.notify(this.#flags, SIGNAL);
        return;
      }
      try {
        this.#checkpoint.run();
      } finally {
        Atomics.store(this.#flags, STATE, 0);
      }
    } catch (error) {
      // A failed checkpoint loses nothing: the frames stay in the WAL for the next one.
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') this.#fail(error);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#worker === undefined) return;
    // Keeps the process alive until the thread has closed its connection.
    this.#worker.ref();
    Atomics.store(this.#flags, STATE, 2);
    Atomics.add(this.#flags, SIGNAL, 1);
    Atomics.notify(this.#flags, SIGNAL);
    await this.#exited;
    this.#worker = undefined;
  }

  #start(): Worker | undefined {
    try {
      const data: CheckpointerData = { path: this.#path, state: this.#flags.buffer as SharedArrayBuffer };
      const worker = new Worker(WORKER, { workerData: data });
      worker.unref();
      worker.on('message', (reason: string) =>
        this.#logger.warn({ reason }, 'event store checkpoint failed'),
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
    if (this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${this.#limits.restartFrames}`);
    this.#logger.warn(
      { reason: error instanceof Error ? error.message : String(error) },
      'event store checkpoint thread unavailable; checkpoints run inside appends',
    );
  }
}
