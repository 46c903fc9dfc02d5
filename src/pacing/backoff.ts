// Exponential backoff with jitter, an abortable wait and a time limit. Used wherever a remote
// service may be down for a while: the loop keeps its place and tries again until it works or is
// told to stop, and a stop never waits on a hung connection for longer than it was promised.

export interface BackoffOptions {
  /** First delay, ms. */
  readonly initialMs?: number;
  /** Ceiling, ms. */
  readonly maxMs?: number;
  readonly factor?: number;
  /** 0..1: the delay is drawn from [d·(1-jitter), d]. Spreads out restarts of many clients. */
  readonly jitter?: number;
  readonly random?: () => number;
}

export interface Backoff {
  /** The delay before the next attempt; grows with each call. */
  next(): number;
  reset(): void;
  readonly attempts: number;
}

/** The delay before attempt `attempt` (1-based): `initialMs` doubled per attempt, at most `maxMs`. */
export function exponentialDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** (attempt - 1));
}

export function createBackoff(options: BackoffOptions = {}): Backoff {
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  let attempts = 0;
  return {
    next() {
      const base = Math.min(max, initial * factor ** attempts);
      attempts += 1;
      return Math.round(base * (1 - jitter * random()));
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}

/** Resolves true after `ms`, or false as soon as the signal aborts. Never rejects. */
export function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (completed: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(completed);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `work`'s result, or undefined once `ms` passed (work goes on unobserved; its failure is ignored). */
export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
