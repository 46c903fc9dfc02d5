// The gateway's side of pacing. Every call goes through the process's one request budget (the
// Pacer from src/pacing, handed over in the gateway's options), so the listener, the backfill and the
// downloads share one REQUESTS_PER_SECOND and one count of flood waits. Here only the translation
// into the gateway's own errors: an aborted call is a CallAbortedError whatever it was waiting on.
import type { Pacer } from '../pacing/pacer.ts';
import { CallAbortedError, FloodWaitTooLongError } from './errors.ts';

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

/** Runs `call` within the shared budget; a FLOOD_WAIT pauses `method` and retries, up to the limit. */
export async function pacedCall<T>(
  pacer: Pacer,
  method: string,
  call: () => Promise<T>,
  options: PaceOptions = {},
): Promise<T> {
  if (options.signal?.aborted) throw new CallAbortedError(method);
  try {
    return await pacer.call(method, call, options.signal, {
      maxFloodWaitSeconds: options.maxFloodWaitSeconds,
    });
  } catch (error) {
    if (options.signal?.aborted) throw new CallAbortedError(method);
    throw error;
  }
}

/**
 * For a call its caller already paced through the same budget: sent at once, and a FLOOD_WAIT comes
 * back as FloodWaitTooLongError (limit 0) for the caller's pacer to count and sit out.
 */
export async function unpacedCall<T>(
  method: string,
  call: () => Promise<T>,
  floodWaitOf: (error: unknown) => number | undefined,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const seconds = floodWaitOf(error);
    if (seconds === undefined) throw error;
    throw new FloodWaitTooLongError(method, seconds, Date.now() + seconds * 1000, 0);
  }
}
