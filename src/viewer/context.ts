// What every resolver gets: the read-model copy being served and a request-scoped entity manager
// on it, the event store for the raw audit trail, and the live feed for subscriptions.
import type { SqlEntityManager } from '@mikro-orm/sqlite';
import type { ReadModelCopy } from '../../projections/db/open.ts';
import type { EventStore } from '../eventstore/port.ts';
import type { LiveFeed } from './live.ts';
import { type SqlReader, sqlReader } from './queries/sql.ts';

/** The copy to serve right now: a rebuild switches copies while the viewer keeps running. */
export type ReadModelSource = () => ReadModelCopy | Promise<ReadModelCopy>;

export interface ViewerContext {
  readonly copy: ReadModelCopy;
  /** A fork of the copy's entity manager, private to this request. */
  readonly em: SqlEntityManager;
  /** Hand-written SELECTs on the same copy, for the hot paths. */
  readonly sql: SqlReader;
  /** Only reading is needed: the viewer never writes events. */
  readonly events: Pick<EventStore, 'readStream'>;
  readonly live: LiveFeed;
}

export async function createContext(
  source: ReadModelSource,
  events: Pick<EventStore, 'readStream'>,
  live: LiveFeed,
): Promise<ViewerContext> {
  const copy = await source();
  return { copy, em: copy.orm.em.fork() as SqlEntityManager, sql: sqlReader(copy), events, live };
}
