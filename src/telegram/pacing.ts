// Pacing of Telegram calls: one global request budget (REQUESTS_PER_SECOND), and a FLOOD_WAIT
// pauses that method, then the call is retried. Nothing is dropped: a call either succeeds, fails
// with Telegram's own error, or gives up with FloodWaitTooLongError when the wait exceeds the limit.
import type { Logger } from '../log/logger.ts';
import { CallAbortedError, FloodWaitTooLongError, floodWaitSeconds } from './errors.ts';

export interface PacerOptions {
  readonly requestsPerSecond: number;
  /** Default limit for one FLOOD_WAIT; calls may pass their own. */
  readonly maxFloodWaitSeconds: number;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface PaceOptions {
  readonly maxFloodWaitSeconds?: number;
  readonly signal?: AbortSignal;
}

/** Resolves after `ms`, or rejects with the signal's reason; the timer never keeps the process alive. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    timer.unref?.();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class Pacer {
  private readonly intervalMs: number;
  private readonly options: PacerOptions;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private nextSlot = 0;
  private readonly pausedUntil = new Map<string, number>();

  constructor(options: PacerOptions) {
    this.options = options;
    this.intervalMs = 1000 / options.requestsPerSecond;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
  }

  /** When `method` may be called again (0: now). */
  pausedUntilOf(method: string): number {
    return this.pausedUntil.get(method) ?? 0;
  }

  async run<T>(method: string, call: () => Promise<T>, options: PaceOptions = {}): Promise<T> {
    const limit = options.maxFloodWaitSeconds ?? this.options.maxFloodWaitSeconds;
    for (;;) {
      await this.waitForTurn(method, options.signal);
      try {
        return await call();
      } catch (error) {
        const seconds = floodWaitSeconds(error);
        if (seconds === undefined) throw error;
        if (seconds > limit) throw new FloodWaitTooLongError(method, seconds, limit);
        const until = this.now() + seconds * 1000;
        this.pausedUntil.set(method, Math.max(until, this.pausedUntilOf(method)));
        this.options.logger.warn({ method, seconds }, 'FLOOD_WAIT: pausing this method, then retrying');
      }
    }
  }

  private async waitForTurn(method: string, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new CallAbortedError(method);
      const now = this.now();
      const paused = this.pausedUntilOf(method);
      if (paused > now) {
        await this.sleepOrAbort(paused - now, method, signal);
        continue;
      }
      // Token spacing: each call takes the next free slot on the global timeline.
      const slot = Math.max(now, this.nextSlot);
      this.nextSlot = slot + this.intervalMs;
      if (slot > now) await this.sleepOrAbort(slot - now, method, signal);
      return;
    }
  }

  private async sleepOrAbort(ms: number, method: string, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.sleep(ms, signal);
    } catch (error) {
      if (signal?.aborted) throw new CallAbortedError(method);
      throw error;
    }
  }
}
