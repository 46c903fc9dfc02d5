// "Keep trying until it works": one loop for every remote call of the relay, the Kafka source and
// the commands that open stores. Transient failures wait with backoff and are logged loudly but
// sparingly (the first and every tenth at error level); a fatal one is thrown at once; a stop
// request ends the wait and returns STOPPED.
import type { Logger } from '../log/logger.ts';
import { type BackoffOptions, createBackoff, pause } from '../pacing/backoff.ts';
import { describeKafkaError } from './kafka-errors.ts';

export const STOPPED: unique symbol = Symbol('stopped');
export type Stopped = typeof STOPPED;

export interface RetryOptions {
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** The fatal form of an error, or undefined to retry it. */
  readonly fatal: (error: unknown) => Error | undefined;
  readonly backoff?: BackoffOptions;
  /** Told about every failure that will be retried, with a one-line reason. */
  readonly onRetry?: (reason: string) => void;
  /** Extra fields for the log lines (e.g. the position the relay keeps). */
  readonly fields?: () => Record<string, unknown>;
  /** Runs before each wait (a consumer heartbeat, so the group keeps us while we wait). */
  readonly beforeWait?: () => Promise<void>;
  /** Said with each error line, e.g. "the relay keeps its place". */
  readonly note?: string;
}

/** Runs `attempt` until it succeeds (its result), the signal aborts (STOPPED) or it fails fatally (throws). */
export async function retryUntil<T>(
  what: string,
  attempt: () => Promise<T | Stopped>,
  options: RetryOptions,
): Promise<T | Stopped> {
  const { signal, logger } = options;
  const backoff = createBackoff(options.backoff);
  for (;;) {
    if (signal.aborted) return STOPPED;
    try {
      const result = await attempt();
      if (backoff.attempts > 0 && result !== STOPPED)
        logger.info({ attempts: backoff.attempts }, `${what}: succeeded after retrying`);
      return result;
    } catch (error) {
      const verdict = options.fatal(error);
      if (verdict) throw verdict;
      if (signal.aborted) return STOPPED;
      const delay = backoff.next();
      const reason = describeKafkaError(error);
      const fields = { ...options.fields?.(), attempt: backoff.attempts, retryInMs: delay };
      const note = options.note ? `; retrying, ${options.note}` : '; retrying';
      if (backoff.attempts === 1 || backoff.attempts % 10 === 0)
        logger.error(fields, `${what} failed: ${reason}${note}`);
      else logger.warn(fields, `${what} failed again: ${reason}`);
      options.onRetry?.(`${what}: ${reason}`);
      await options.beforeWait?.().catch(() => undefined);
      if (!(await pause(delay, signal))) return STOPPED;
    }
  }
}
