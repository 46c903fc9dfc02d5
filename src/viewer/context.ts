// What every resolver gets: a request-scoped entity manager over the read model, the event store
// for the raw audit trail, and the live feed for subscriptions. Built once per request.
import type { SqlEntityManager } from '@mikro-orm/sqlite';
import type { EventStore } from '../eventstore/port.ts';
import type { LiveFeed } from './live.ts';

export interface ViewerContext {
  /** A fork of the read model's entity manager, private to this request. */
  readonly em: SqlEntityManager;
  /** Only reading is needed: the viewer never writes events. */
  readonly events: Pick<EventStore, 'readStream'>;
  readonly live: LiveFeed;
}
