// Where the relay remembers how far it has published. The checkpoint lives next to the event log:
// in the same SQLite file or PostgreSQL database (one backup holds both, and a restored log never
// finds a checkpoint ahead of itself), and in a file under DATA_DIR for EventStoreDB.
import { join } from 'node:path';
import type { Config } from '../../config/index.ts';
import { FileCheckpointStore } from './file.ts';
import { PostgresCheckpointStore } from './postgres.ts';
import { SqliteCheckpointStore } from './sqlite.ts';
import type { CheckpointStore } from './store.ts';

export { CheckpointCorruptError, type CheckpointStore, MemoryCheckpointStore } from './store.ts';

/** One checkpoint per topic: pointing the relay at a new topic publishes the whole log there. */
export const relayCheckpointName = (topic: string): string => `relay:${topic}`;

export function openRelayCheckpoint(
  config: Pick<Config, 'eventStore' | 'eventStoreLocation' | 'dataDir'>,
  name: string,
): CheckpointStore {
  switch (config.eventStore) {
    case 'sqlite':
      return new SqliteCheckpointStore(config.eventStoreLocation, name);
    case 'postgres':
      return new PostgresCheckpointStore(config.eventStoreLocation, name);
    case 'eventstoredb':
      return new FileCheckpointStore(join(config.dataDir, 'relay'), name);
  }
}
