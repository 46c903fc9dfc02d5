// The event store: the append-only log every other part reads from. port.ts is the interface,
// one adapter per backend (SQLite embedded by default, PostgreSQL, EventStoreDB) implements it,
// and openEventStore picks the one the configuration asks for.
import { dirname } from 'node:path';
import { ensureWritableDirectory } from '../config/directories.ts';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log/logger.ts';
import { openEventStoreDb } from './eventstoredb.ts';
import type { EventStore } from './port.ts';
import { openPostgresEventStore } from './postgres.ts';
import { openSqliteEventStore } from './sqlite.ts';

export type { EventStore } from './port.ts';

export async function openEventStore(config: Config, logger: Logger): Promise<EventStore> {
  const log = logger.child({ component: 'eventstore' });
  switch (config.eventStore) {
    case 'sqlite': {
      ensureWritableDirectory(dirname(config.eventStoreLocation), 'event store');
      return openSqliteEventStore({ path: config.eventStoreLocation, logger: log });
    }
    case 'postgres':
      return openPostgresEventStore({ url: config.eventStoreLocation, logger: log });
    case 'eventstoredb':
      return openEventStoreDb({ url: config.eventStoreLocation, logger: log });
    default:
      throw new Error(`Unknown EVENT_STORE '${String(config.eventStore)}'`);
  }
}
