// Waiting for new events, shared by the adapters: re-check on every wake-up signal (an in-process
// append, a NOTIFY) and, for writers we cannot hear, on a polling interval; stop on timeout or abort.
import { EventEmitter } from 'node:events';

export interface WaitLoop {
  /** Is an event after the caller's position readable now? */
  readonly hasNew: () => boolean | Promise<boolean>;
  /** Registers a wake-up callback; returns the unsubscribe function. */
  readonly subscribe: (wake: () => void) => () => void;
  /** Re-check this often even without a wake-up (other processes). */
  readonly pollIntervalMs?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export function waitUntilNew(loop: WaitLoop): Promise<boolean> {
  if (loop.signal?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve, reject) => {
    let settled = false;
    let checking = false;
    let again = false;
    const cleanups: (() => void)[] = [];
    const settle = (outcome: boolean | Error) => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const check = async () => {
      if (settled) return;
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          if (await loop.hasNew()) return settle(true);
        } while (again && !settled);
      } catch (error) {
        settle(error instanceof Error ? error : new Error(String(error)));
      } finally {
        checking = false;
      }
    };
    const wake = () => void check();
    cleanups.push(loop.subscribe(wake));
    if (loop.timeoutMs !== undefined) {
      const timer = setTimeout(() => settle(false), Math.max(0, loop.timeoutMs));
      cleanups.push(() => clearTimeout(timer));
    }
    if (loop.pollIntervalMs !== undefined) {
      const poller = setInterval(wake, loop.pollIntervalMs);
      cleanups.push(() => clearInterval(poller));
    }
    if (loop.signal) {
      const onAbort = () => settle(false);
      loop.signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => loop.signal?.removeEventListener('abort', onAbort));
    }
    wake();
  });
}

/** In-process "something was appended" signal. */
export class AppendSignal {
  readonly #emitter = new EventEmitter();
  constructor() {
    this.#emitter.setMaxListeners(0);
  }
  subscribe(listener: () => void): () => void {
    this.#emitter.on('append', listener);
    return () => this.#emitter.off('append', listener);
  }
  notify(): void {
    this.#emitter.emit('append');
  }
}

/** What a wait listens to: the caller's signal, if any, and the store's own closing. */
export function untilClosed(signal: AbortSignal | undefined, closing: AbortSignal): AbortSignal {
  return signal ? AbortSignal.any([signal, closing]) : closing;
}
