// Opens an event store for the `events` commands: the configured one, or one named on the command
// line (events copy). A source must already exist: opening a mistyped SQLite path would otherwise
// create an empty file and "copy" nothing.
import { existsSync } from 'node:fs';
import type { Config } from '../../config/index.ts';
import type { EventStore } from '../../eventstore/port.ts';
import type { Logger } from '../../log/logger.ts';
import { CliFailure } from '../run-cli.ts';
import type { StoreLocation } from './location.ts';

/** The configured store, through the same factory the other roles use. */
export async function openConfiguredStore(config: Config, logger: Logger): Promise<EventStore> {
  // Loaded on use: every other command starts without the native SQLite binding or gRPC.
  const { openEventStore } = await import('../../eventstore/index.ts');
  return openEventStore(config, logger);
}

export async function openStoreAt(
  where: StoreLocation,
  config: Config,
  logger: Logger,
  role: 'source' | 'target',
): Promise<EventStore> {
  if (where.kind === 'sqlite' && role === 'source' && !existsSync(where.location))
    throw new CliFailure(`The ${role} SQLite file ${where.display} does not exist`);
  return openConfiguredStore(
    { ...config, eventStore: where.kind, eventStoreLocation: where.location },
    logger,
  );
}
