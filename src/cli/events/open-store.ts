// Opens the event store at a location given on the command line (events copy), as opposed to the
// configured one. A source must already exist: opening a mistyped SQLite path would otherwise
// create an empty file and "copy" nothing.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensureWritableDirectory } from '../../config/directories.ts';
import type { EventStore } from '../../eventstore/port.ts';
import type { Logger } from '../../log/logger.ts';
import { CliFailure } from '../run-cli.ts';
import type { StoreLocation } from './location.ts';

export async function openStoreAt(
  where: StoreLocation,
  logger: Logger,
  role: 'source' | 'target',
): Promise<EventStore> {
  switch (where.kind) {
    case 'sqlite':
      if (role === 'source' && !existsSync(where.location))
        throw new CliFailure(`The ${role} SQLite file ${where.display} does not exist`);
      if (role === 'target') ensureWritableDirectory(dirname(where.location), 'the target event store');
      // Loaded on use: every other command starts without the native SQLite binding or gRPC.
      return (await import('../../eventstore/sqlite.ts')).openSqliteEventStore({
        path: where.location,
        logger,
      });
    case 'eventstoredb':
      return (await import('../../eventstore/eventstoredb.ts')).openEventStoreDb({
        url: where.location,
        logger,
      });
    case 'postgres':
      throw new CliFailure(`PostgreSQL event stores are not available in this build (${where.display})`);
  }
}
