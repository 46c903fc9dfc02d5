// Pacing of every Telegram request: a global budget (REQUESTS_PER_SECOND, as a token bucket) that
// all callers share in arrival order, and per-method pauses for FLOOD_WAIT. A flood wait pauses only
// the method that got it, then the call is retried: nothing is ever dropped. A wait longer than
// MAX_FLOOD_WAIT_SECONDS raises FloodWaitTooLongError so the caller can stop and resume later.
import { type Clock, systemClock, throwIfAborted } from './clock.ts';
import { FloodWaitTooLongError, floodWaitSeconds } from './flood-wait.ts';

export interface PacerOptions {
  readonly requestsPerSecond: number;
  /** Requests that may go at once after an idle period (default 1: strictly even spacing). */
  readonly burst?: number;
  readonly maxFloodWaitSeconds: number;
  readonly clock?: Clock;
  /** Recognises a FLOOD_WAIT and returns its seconds (default: floodWaitSeconds). */
  readonly floodWaitOf?: (error: unknown) => number | undefined;
  /** Called once per FLOOD_WAIT received, before the pause. */
  readonly onFloodWait?: (event: FloodWaitEvent) => void;
}

export interface FloodWaitEvent {
  readonly method: string;
  readonly seconds: number;
  /** False when the wait is over the limit and the call fails instead of waiting. */
  readonly willWait: boolean;
}

/** Per call: a FLOOD_WAIT limit other than the pacer's MAX_FLOOD_WAIT_SECONDS. */
export interface CallLimits {
  readonly maxFloodWaitSeconds?: number;
}

export interface PacerStats {
  readonly requests: number;
  readonly floodWaits: number;
  readonly floodWaitSeconds: number;
}

/**
 * GCRA form of a token bucket: `theoretical` is when the bucket would be empty again. Each caller
 * reserves the next slot synchronously, which makes the budget fair (first come, first served).
 */
export class TokenBucket {
  private readonly interval: number;
  private readonly tolerance: number;
  private theoretical = Number.NEGATIVE_INFINITY;

  constructor(requestsPerSecond: number, burst = 1) {
    if (!(requestsPerSecond > 0))
      throw new RangeError(`requestsPerSecond must be > 0, got ${requestsPerSecond}`);
    if (!(burst >= 1)) throw new RangeError(`burst must be >= 1, got ${burst}`);
    this.interval = 1000 / requestsPerSecond;
    this.tolerance = (Math.floor(burst) - 1) * this.interval;
  }

  /** Reserves one request and returns the time (ms) at which it may be sent. */
  reserve(now: number): number {
    const at = Math.max(now, this.theoretical - this.tolerance);
    this.theoretical = Math.max(this.theoretical, now) + this.interval;
    return at;
  }
}

export class Pacer {
  private readonly bucket: TokenBucket;
  private readonly clock: Clock;
  private readonly maxFloodWaitMs: number;
  private readonly floodWaitOf: (error: unknown) => number | undefined;
  private readonly onFloodWait: ((event: FloodWaitEvent) => void) | undefined;
  private readonly pauses = new Map<string, { until: number; seconds: number }>();
  private requests = 0;
  private floodWaits = 0;
  private floodWaitTotal = 0;

  constructor(options: PacerOptions) {
    this.bucket = new TokenBucket(options.requestsPerSecond, options.burst);
    this.clock = options.clock ?? systemClock;
    this.maxFloodWaitMs = options.maxFloodWaitSeconds * 1000;
    this.floodWaitOf = options.floodWaitOf ?? floodWaitSeconds;
    this.onFloodWait = options.onFloodWait;
  }

  get maxFloodWaitSeconds(): number {
    return this.maxFloodWaitMs / 1000;
  }

  /**
   * Runs `request` within the budget. `method` names what Telegram rate-limits (e.g.
   * 'messages.getHistory'); a FLOOD_WAIT on it pauses only calls of that method.
   */
  async call<T>(
    method: string,
    request: () => Promise<T>,
    signal?: AbortSignal,
    limits: CallLimits = {},
  ): Promise<T> {
    const limitMs = this.limitMs(limits);
    for (;;) {
      await this.acquireWithin(method, limitMs, signal);
      try {
        return await request();
      } catch (error) {
        const seconds = this.floodWaitOf(error);
        if (seconds === undefined) throw error;
        this.recordFloodWait(method, seconds, limitMs);
      }
    }
  }

  /**
   * Waits until one request of `method` may be sent, without retrying anything: for calls that
   * cannot simply be repeated (the next page of an iterator). Report a FLOOD_WAIT they get with
   * floodWait().
   */
  async acquire(method: string, signal?: AbortSignal): Promise<void> {
    await this.acquireWithin(method, this.maxFloodWaitMs, signal);
  }

  private async acquireWithin(
    method: string,
    limitMs: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    for (;;) {
      await this.waitForMethod(method, limitMs, signal);
      const slot = this.bucket.reserve(this.clock.now());
      await this.clock.sleep(slot - this.clock.now(), signal);
      // Another caller of this method may have hit a FLOOD_WAIT while we waited for our slot.
      if (this.remainingPause(method) > 0) continue;
      throwIfAborted(signal);
      this.requests++;
      return;
    }
  }

  /** Records a FLOOD_WAIT seen outside call(); throws FloodWaitTooLongError when it is over the limit. */
  floodWait(method: string, seconds: number): void {
    this.recordFloodWait(method, seconds, this.maxFloodWaitMs);
  }

  /** When (ms since the epoch) `method` may be called again; 0 when it was never paused. */
  pausedUntil(method: string): number {
    return this.pauses.get(method)?.until ?? 0;
  }

  /** The time (ms) until `method` may be called again; 0 when it is not paused. */
  remainingPause(method: string): number {
    const pause = this.pauses.get(method);
    if (!pause) return 0;
    // Kept after it ends (one entry per method name): pausedUntil() still tells when it was.
    return Math.max(0, pause.until - this.clock.now());
  }

  stats(): PacerStats {
    return { requests: this.requests, floodWaits: this.floodWaits, floodWaitSeconds: this.floodWaitTotal };
  }

  private limitMs(limits: CallLimits): number {
    return limits.maxFloodWaitSeconds === undefined ? this.maxFloodWaitMs : limits.maxFloodWaitSeconds * 1000;
  }

  private recordFloodWait(method: string, seconds: number, limitMs: number): void {
    const waitMs = Math.max(0, seconds) * 1000;
    const until = this.clock.now() + waitMs;
    const willWait = waitMs <= limitMs;
    this.floodWaits++;
    this.floodWaitTotal += seconds;
    const current = this.pauses.get(method);
    if (!current || current.until < until) this.pauses.set(method, { until, seconds });
    this.onFloodWait?.({ method, seconds, willWait });
    if (!willWait) throw new FloodWaitTooLongError(method, seconds, until, limitMs / 1000);
  }

  /** Sleeps through a pause of `method`, or fails at once when what is left of it is over the limit. */
  private async waitForMethod(
    method: string,
    limitMs: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    for (;;) {
      throwIfAborted(signal);
      const left = this.remainingPause(method);
      if (left <= 0) return;
      if (left > limitMs) {
        const pause = this.pauses.get(method)!;
        throw new FloodWaitTooLongError(method, pause.seconds, pause.until, limitMs / 1000);
      }
      await this.clock.sleep(left, signal);
    }
  }
}
