// A clock that only moves when the test says so: sleeps are parked until advance() passes their
// due time, so pacing, retries and flood waits are tested without real waiting.
import { abortReason, type Clock } from '../../src/pacing/clock.ts';

interface Sleeper {
  readonly due: number;
  readonly seq: number;
  readonly resolve: () => void;
}

export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private sleepers: Sleeper[] = [];
  /** Every sleep asked for, in ms, in call order. */
  readonly sleeps: number[] = [];

  constructor(start = Date.UTC(2024, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = {
        due: this.time + ms,
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(abortReason(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /** Number of parked sleeps. */
  get pending(): number {
    return this.sleepers.length;
  }

  /** Moves time forward by `ms`, waking each sleeper at its due time and letting it run. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await settle();
    for (;;) {
      const next = this.sleepers
        .filter((s) => s.due <= target)
        .sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.time = Math.max(this.time, next.due);
      this.sleepers = this.sleepers.filter((s) => s !== next);
      next.resolve();
      await settle();
    }
    this.time = target;
    await settle();
  }

  /** Advances to the next parked sleep (or does nothing when there is none). */
  async next(): Promise<void> {
    await settle();
    const due = Math.min(...this.sleepers.map((s) => s.due));
    if (Number.isFinite(due)) await this.advance(Math.max(0, due - this.time));
  }

  /** Keeps advancing while work is parked, until `done` settles; fails after `maxSteps`. */
  async runUntil<T>(done: Promise<T>, maxSteps = 10_000): Promise<T> {
    let finished = false;
    const watched = done.finally(() => {
      finished = true;
    });
    watched.catch(() => undefined);
    for (let i = 0; i < maxSteps && !finished; i++) {
      await settle();
      if (finished) break;
      if (this.sleepers.length === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        if (this.sleepers.length === 0 && !finished) continue;
      }
      await this.next();
    }
    if (!finished) throw new Error(`ManualClock.runUntil: not done after ${maxSteps} steps`);
    return watched;
  }
}

/** Lets pending promise callbacks and I/O callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}
