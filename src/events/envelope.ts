// The envelope around every stored event, and what a writer hands to the store.
import type { DomainEvent, EventType } from './catalogue.ts';
import type { IsoDate } from './payloads.ts';

/** Where an observation came from. */
export type EventSource = 'live' | 'difference' | 'backfill' | 'import';

export interface EventMetadata {
  readonly source: EventSource;
  readonly observedAt: IsoDate;
  /** The Telegram API layer the raw object was decoded with. */
  readonly layer?: number;
  /** The raw TL object as JSON, kept so later projections can use fields we ignore today. */
  readonly raw?: unknown;
  /**
   * Schema version of `data`. On append: as written, filled in by the store when absent. On read: the
   * version delivered, after upcasting (see upcasters.ts).
   */
  readonly schemaVersion?: number;
  /** On read, only when the store upcast `data`: the version it was written with. */
  readonly writtenSchemaVersion?: number;
  /** Free-form: run id of a backfill, operator notes… */
  readonly [key: string]: unknown;
}

/**
 * An opaque token for a place in the global log, defined by each store: SQLite uses the row id,
 * PostgreSQL `<txid>:<position>` (it orders by commit transaction so that a reader never skips an
 * event committed late by a slower writer), EventStoreDB `<commit>:<prepare>`. Store it as a
 * checkpoint and pass it back as `after`; never parse, compare or do arithmetic on it outside the
 * store that issued it. Events also carry a human-readable `sequence` where the store has one.
 */
export type GlobalPosition = string;

/** An event on its way into the store. `id` is deterministic (see ids.ts). */
export type NewEvent<E extends DomainEvent = DomainEvent> = E & {
  readonly id: string;
  readonly metadata: EventMetadata;
};

/** An event as read back: the domain event plus where it sits in its stream and the global log. */
export type StoredEvent<E extends DomainEvent = DomainEvent> = E & {
  readonly id: string;
  readonly stream: string;
  /** 0-based position in the stream (ESDB revision). */
  readonly streamVersion: number;
  readonly globalPosition: GlobalPosition;
  /** A human-readable number for the event where the store has one (SQLite row id, PostgreSQL position). */
  readonly sequence?: number;
  readonly metadata: EventMetadata & { readonly schemaVersion: number };
  /** When the store committed it. */
  readonly recordedAt: IsoDate;
};

export type StoredEventOf<T extends EventType> = StoredEvent<Extract<DomainEvent, { type: T }>>;
