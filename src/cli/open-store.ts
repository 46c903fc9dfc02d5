// Opening the event store for a long-running role: a server-backed store (PostgreSQL, EventStoreDB)
// that is not up yet is waited for with backoff and loud logs, never a crash loop; a local SQLite
// file that cannot be opened, or a configuration mistake, fails at once with its message.
import type { Config } from '../config/index.ts';
import { StoreUnavailableError } from '../eventstore/errors.ts';
import { type EventStore, openEventStore } from '../eventstore/index.ts';
import type { Logger } from '../log/logger.ts';
import type { BackoffOptions } from '../pacing/backoff.ts';
import { retryUntil, STOPPED } from '../relay/retry.ts';

/** The store, or undefined when the signal aborted first. */
export async function openEventStoreWhenReachable(
  config: Config,
  logger: Logger,
  signal: AbortSignal,
  options: { backoff?: BackoffOptions; open?: typeof openEventStore } = {},
): Promise<EventStore | undefined> {
  const open = options.open ?? openEventStore;
  const store = await retryUntil(
    `opening the event store (${config.eventStore})`,
    () => open(config, logger),
    {
      signal,
      logger,
      backoff: options.backoff,
      fatal: (error) =>
        config.eventStore !== 'sqlite' && error instanceof StoreUnavailableError
          ? undefined
          : error instanceof Error
            ? error
            : new Error(String(error)),
    },
  );
  return store === STOPPED ? undefined : store;
}
