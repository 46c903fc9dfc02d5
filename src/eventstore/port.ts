// The EventStore port: the one interface that the SQLite, PostgreSQL and EventStoreDB adapters
// implement and that ingest, projections and the relay depend on. One contract suite
// (test/contract) holds every adapter to the same behaviour.
import type { EventType } from '../events/catalogue.ts';
import type { GlobalPosition, NewEvent, StoredEvent } from '../events/envelope.ts';

/**
 * What the writer believes about the stream: any state, not yet created, existing, or exactly at
 * this 0-based version (the version of its last event).
 */
export type ExpectedVersion = 'any' | 'no-stream' | 'exists' | number;

export interface AppendRequest {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expectedVersion?: ExpectedVersion;
}

export interface AppendedEvent {
  readonly id: string;
  readonly streamVersion: number;
  readonly globalPosition: GlobalPosition;
  /** True when the id was already in the stream: nothing was written, these are the original positions. */
  readonly duplicate: boolean;
}

export interface AppendResult {
  readonly stream: string;
  readonly events: readonly AppendedEvent[];
  /** The stream's version after the append (-1 when the stream is still empty). */
  readonly currentVersion: number;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive. Forwards defaults to 0, backwards to the end. */
  readonly fromVersion?: number;
  readonly limit?: number;
}

export interface ReadAllOptions {
  /** Exclusive; omit to start at the beginning. */
  readonly after?: GlobalPosition;
  readonly limit?: number;
  readonly types?: readonly EventType[];
  /** e.g. `message-123.` or `chat-` */
  readonly streamPrefix?: string;
}

export interface WaitOptions {
  readonly signal?: AbortSignal;
  /** Resolve false after this long without new events. */
  readonly timeoutMs?: number;
}

export interface EventStore {
  /** Human-readable kind and redacted location, for logs and `health`. */
  readonly description: string;
  append(
    stream: string,
    events: readonly NewEvent[],
    options?: { expectedVersion?: ExpectedVersion },
  ): Promise<AppendResult>;
  /** Many streams in one atomic call: all appended or none. */
  appendBatch(requests: readonly AppendRequest[]): Promise<AppendResult[]>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** Events in global order strictly after `after`. Never skips an event committed later by a slower writer. */
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /** The position of the newest readable event (undefined when the log is empty). */
  headPosition(): Promise<GlobalPosition | undefined>;
  /** Resolves true as soon as an event after `after` is readable, false on timeout or abort. */
  waitForEvents(after: GlobalPosition | undefined, options?: WaitOptions): Promise<boolean>;
  close(): Promise<void>;
}

/** Documented limit for one event's serialized data plus metadata. */
export const MAX_EVENT_BYTES = 1024 * 1024;
