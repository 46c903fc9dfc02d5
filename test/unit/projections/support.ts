// Test support for the read model: an in-memory event log that hands out StoredEvents the way a
// store does (stream versions, opaque positions), and a compact event factory.
import type { EventPayloads, EventType } from '../../../src/events/catalogue.ts';
import type { EventMetadata, NewEvent, StoredEvent } from '../../../src/events/envelope.ts';
import { contentHash, eventId } from '../../../src/events/ids.ts';
import type { PeerRef } from '../../../src/events/peers.ts';
import { streams } from '../../../src/events/peers.ts';
import type { EventStore, ReadAllOptions, WaitOptions } from '../../../src/eventstore/port.ts';

export const ACCOUNT = '777';
export const channel: PeerRef = { kind: 'channel', id: '1001' };
export const alice: PeerRef = { kind: 'user', id: '42' };
export const group: PeerRef = { kind: 'group', id: '555' };

/** Keeps events as a store would: positions `p<n>`, 0-based versions per stream, ids deduplicated. */
export class EventLog {
  readonly events: StoredEvent[] = [];
  readonly #versions = new Map<string, number>();
  readonly #ids = new Set<string>();
  readonly #waiters = new Set<() => void>();

  append(stream: string, event: NewEvent): StoredEvent | undefined {
    if (this.#ids.has(event.id)) return undefined;
    this.#ids.add(event.id);
    const version = (this.#versions.get(stream) ?? -1) + 1;
    this.#versions.set(stream, version);
    const stored = {
      ...event,
      stream,
      streamVersion: version,
      globalPosition: `p${this.events.length + 1}`,
      sequence: this.events.length + 1,
      metadata: { ...event.metadata, schemaVersion: 1 },
      recordedAt: event.metadata.observedAt,
    } as unknown as StoredEvent;
    this.events.push(stored);
    for (const wake of this.#waiters) wake();
    return stored;
  }

  #indexAfter(after: string | undefined): number {
    if (after === undefined) return 0;
    const index = this.events.findIndex((e) => e.globalPosition === after);
    if (index < 0) throw new Error(`unknown position ${after}`);
    return index + 1;
  }

  /** A read-only EventStore view over this log. */
  store(): EventStore {
    return {
      description: 'test log',
      append: () => Promise.reject(new Error('read-only')),
      appendBatch: () => Promise.reject(new Error('read-only')),
      readStream: async (stream) => this.events.filter((e) => e.stream === stream),
      readAll: async (options: ReadAllOptions = {}) => {
        const from = this.#indexAfter(options.after);
        return this.events.slice(from, from + (options.limit ?? this.events.length));
      },
      headPosition: async () => this.events.at(-1)?.globalPosition,
      waitForEvents: (after: string | undefined, options: WaitOptions = {}) =>
        new Promise<boolean>((resolve) => {
          const check = () => this.#indexAfter(after) < this.events.length;
          if (check()) return resolve(true);
          const done = (value: boolean) => {
            this.#waiters.delete(wake);
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', abort);
            resolve(value);
          };
          const wake = () => check() && done(true);
          const abort = () => done(false);
          const timer = setTimeout(() => done(false), options.timeoutMs ?? 60_000);
          this.#waiters.add(wake);
          options.signal?.addEventListener('abort', abort);
        }),
      close: async () => {},
    };
  }
}

let clock = Date.parse('2024-05-01T10:00:00.000Z');
export const at = (minutes: number): string => new Date(clock + minutes * 60_000).toISOString();
export const resetClock = () => {
  clock = Date.parse('2024-05-01T10:00:00.000Z');
};

/** A NewEvent with a deterministic id; `observedAt` defaults to a fixed instant. */
export function make<T extends EventType>(
  stream: string,
  type: T,
  data: EventPayloads[T],
  options: { observedAt?: string; source?: EventMetadata['source']; discriminator?: string } = {},
): NewEvent {
  return {
    id: eventId(stream, type, options.discriminator ?? contentHash(data)),
    type,
    data,
    metadata: { source: options.source ?? 'live', observedAt: options.observedAt ?? at(0) },
  } as unknown as NewEvent;
}

export const messageStream = (chat: PeerRef, id: number) => streams.message(ACCOUNT, chat, id);
export const chatStream = (chat: PeerRef) => streams.chat(ACCOUNT, chat);
