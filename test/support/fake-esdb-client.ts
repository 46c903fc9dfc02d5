// An in-memory stand-in for the five methods of @eventstore/db-client 6.2.1 that the EventStoreDB
// adapter calls (appendToStream, readStream, readAll, subscribeToAll, dispose), with the client's
// own argument shapes, result shapes and error classes (imported from the package, so `type`,
// `streamName`, `expectedVersion`, `actualVersion` are the real ones). No EventStoreDB server can
// run here; this fake models the server behaviour the adapter depends on, as documented for
// EventStoreDB 22.x-24.x:
//
// - The log ($all) is ordered by (commit, prepare) positions, both byte offsets in the transaction
//   file that grow by each record's size. Events of one append share the commit position (the
//   write's first record, its "transaction position"); each has its own prepare position. So a
//   reader must compare both halves, as the server does.
// - A fresh server already holds system events ($settings, $users, $user-admin, the projection
//   subsystem's $projections-$all). With system projections running (default here), every append is
//   followed by `$>` link events in `$ce-<category>`, `$et-<type>` and, for a new stream, `$streams`.
//   `collectStats()` writes a `$statsCollected` event like the periodic stats writer. All of them
//   are in $all, so the adapter's filter is exercised.
// - Expected revisions: ANY, NO_STREAM, STREAM_EXISTS or the exact revision of the last event.
//   Idempotency follows the server's commit check: with an explicit revision, re-sending events
//   whose ids sit right after that revision succeeds without writing (nextExpectedRevision is the
//   original last revision, and no position is reported); a partial match is a wrong expected
//   version. With ANY or STREAM_EXISTS the server only consults a bounded cache of recently
//   committed ids (`idempotencyCacheSize`): beyond it, or when the first id was written to another
//   stream, the events are written again. The server never checks ids globally.
// - A write larger than --max-append-size (default 1 MiB, counted over data + metadata bytes)
//   fails with MaxAppendSizeExceededError and writes nothing.
// - readStream forwards/backwards is inclusive of fromRevision; a missing stream fails the read
//   with StreamNotFoundError. readAll forwards from a position is inclusive of the event at that
//   position; backwards from a position returns the events before it. Neither filters: the 6.2.1
//   client sends no filter with readAll. subscribeToAll starts after fromPosition (exclusive),
//   sends `confirmation`, the catch-up events, `caughtUp`, then live events; it applies its
//   event-type or stream-name filter (regex or prefixes) on the server side.
// - JSON data and metadata travel as UTF-8 JSON bytes and are parsed on read (data that is not
//   valid JSON comes back as a string, metadata as bytes, as the client's converter does).
// - `goOffline()` makes every call fail the way the client does when the server is unreachable:
//   appendToStream rejects with the raw gRPC error (code 14 UNAVAILABLE, not converted, as the
//   client's capability probe lets it through), reads and subscriptions emit UnavailableError.
// Not modelled: deletes/tombstones, ACLs, persistent subscriptions, checkpoint callbacks, links
// resolution, clusters.
import { Readable } from 'node:stream';
import {
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type AppendResult,
  type AppendToStreamOptions,
  type EventData,
  type EventType,
  MaxAppendSizeExceededError,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ResolvedEvent,
  type StreamingRead,
  StreamNotFoundError,
  type SubscribeToAllOptions,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type { EsdbClient } from '../../src/eventstore/eventstoredb.ts';

export interface FakeEsdbOptions {
  /** The server's --max-append-size. */
  readonly maxAppendSize?: number;
  /** How many recently committed event ids the server remembers for ANY/STREAM_EXISTS idempotency. */
  readonly idempotencyCacheSize?: number;
  /** Write the `$>` links of $by_category, $by_event_type and $streams after each append. */
  readonly systemProjections?: boolean;
}

interface RecordEntry {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly isJson: boolean;
  data: Uint8Array;
  readonly metadata: Uint8Array;
  readonly created: Date;
  readonly position: Position;
}

const RECORD_OVERHEAD = 128n;
const comparePositions = (a: Position, b: Position) =>
  a.commit === b.commit
    ? a.prepare === b.prepare
      ? 0
      : a.prepare < b.prepare
        ? -1
        : 1
    : a.commit < b.commit
      ? -1
      : 1;

interface Subscriber {
  readonly deliver: (record: RecordEntry) => void;
}

export class FakeEsdbClient implements EsdbClient {
  readonly #maxAppendSize: number;
  readonly #cacheSize: number;
  readonly #projections: boolean;
  readonly #log: RecordEntry[] = [];
  readonly #streams = new Map<string, RecordEntry[]>();
  /** Recently committed ids: id → record, oldest first (Map keeps insertion order). */
  readonly #recent = new Map<string, RecordEntry>();
  readonly #subscribers = new Set<Subscriber>();
  #offset = 0n;
  #offline = false;
  /** Calls per method, for tests that count round trips. */
  readonly calls = { appendToStream: 0, readStream: 0, readAll: 0, subscribeToAll: 0 };
  disposed = false;

  constructor(options: FakeEsdbOptions = {}) {
    this.#maxAppendSize = options.maxAppendSize ?? 1024 * 1024;
    this.#cacheSize = options.idempotencyCacheSize ?? 10_000;
    this.#projections = options.systemProjections ?? true;
    // What a fresh server writes on its first start.
    this.#system('$settings', '$settings', {
      $userStreamAcl: { $r: '$all' },
      $systemStreamAcl: { $r: '$admins' },
    });
    this.#system('$users', '$UserCreated', 'admin');
    this.#system('$user-admin', '$User', { loginName: 'admin', fullName: 'Event Store Administrator' });
    this.#system('$projections-$all', '$ProjectionsInitialized', {});
  }

  // ---- test controls ----

  goOffline(): void {
    this.#offline = true;
  }

  goOnline(): void {
    this.#offline = false;
  }

  /** The periodic `$statsCollected` event of the server's stats writer. */
  collectStats(): void {
    this.#system('$stats-127.0.0.1:2113', '$statsCollected', { 'proc-cpu': 1.5, 'sys-freeMem': 1024 });
  }

  /** Damages the stored data bytes of an event (a torn write, a bad disk). */
  corrupt(eventId: string): void {
    const record = this.#log.find((r) => r.id === eventId);
    if (!record) throw new Error(`no event ${eventId}`);
    record.data = Buffer.from('{"truncated":');
  }

  /** Every record in $all order, system events included. */
  get log(): readonly { streamId: string; id: string; type: string; position: Position }[] {
    return this.#log;
  }

  // ---- the client surface ----

  async appendToStream<KnownEventType extends EventType = EventType>(
    streamName: string,
    events: EventData<KnownEventType> | EventData<KnownEventType>[],
    { expectedRevision = 'any' }: AppendToStreamOptions = {},
  ): Promise<AppendResult> {
    this.calls.appendToStream += 1;
    await Promise.resolve();
    if (this.#offline) throw unavailableServiceError();
    const list = (Array.isArray(events) ? events : [events]) as EventData[];
    const encoded = list.map((e) => ({
      id: e.id,
      type: e.type,
      isJson: e.contentType === 'application/json',
      data: e.contentType === 'application/json' ? Buffer.from(JSON.stringify(e.data)) : Buffer.from(e.data),
      metadata:
        e.metadata === undefined
          ? Buffer.alloc(0)
          : e.metadata instanceof Uint8Array
            ? Buffer.from(e.metadata)
            : Buffer.from(JSON.stringify(e.metadata)),
    }));
    const size = encoded.reduce((n, e) => n + e.data.length + e.metadata.length, 0);
    if (size > this.#maxAppendSize) throw MaxAppendSizeExceededError.fromMaxAppendSize(this.#maxAppendSize);
    const stream = this.#streams.get(streamName) ?? [];
    const current = stream.length - 1;
    const ids = encoded.map((e) => e.id);
    const decision = this.#commitCheck(streamName, stream, expectedRevision, ids);
    if (decision.kind === 'wrong') {
      throw new WrongExpectedVersionError(undefined as never, {
        streamName,
        expected: expectedRevision,
        current: current < 0 ? 'no_stream' : BigInt(current),
      });
    }
    if (decision.kind === 'idempotent') return { success: true, nextExpectedRevision: decision.lastRevision };
    if (encoded.length === 0)
      return {
        success: true,
        nextExpectedRevision: BigInt(current),
        position: { commit: this.#offset, prepare: this.#offset },
      };
    const commit = this.#offset;
    const written = encoded.map((e, i) =>
      this.#write(streamName, e.id, e.type, e.isJson, e.data, e.metadata, BigInt(current + 1 + i), commit),
    );
    for (const record of written) this.#remember(record);
    if (this.#projections) this.#projectLinks(written, current < 0);
    const last = written.at(-1)!;
    return { success: true, nextExpectedRevision: last.revision, position: last.position };
  }

  readStream<KnownEventType extends EventType = EventType>(
    streamName: string,
    {
      maxCount = Number.MAX_SAFE_INTEGER,
      fromRevision = 'start',
      direction = 'forwards',
    }: ReadStreamOptions = {},
  ): StreamingRead<ResolvedEvent<KnownEventType>> {
    this.calls.readStream += 1;
    const produce = (): ResolvedEvent[] => {
      if (this.#offline) throw new UnavailableError();
      const stream = this.#streams.get(streamName);
      if (!stream) throw new StreamNotFoundError(undefined, streamName);
      const count = Number(maxCount);
      if (direction === 'forwards') {
        const from =
          fromRevision === 'start' ? 0 : fromRevision === 'end' ? stream.length : Number(fromRevision);
        return stream.slice(from, from + count).map(resolved);
      }
      const from =
        fromRevision === 'end' ? stream.length - 1 : fromRevision === 'start' ? 0 : Number(fromRevision);
      const start = Math.min(from, stream.length - 1);
      return stream
        .slice(Math.max(0, start - count + 1), start + 1)
        .reverse()
        .map(resolved);
    };
    return streamingRead(produce) as unknown as StreamingRead<ResolvedEvent<KnownEventType>>;
  }

  readAll({
    maxCount = Number.MAX_SAFE_INTEGER,
    fromPosition = 'start',
    direction = 'forwards',
  }: ReadAllOptions = {}): StreamingRead<AllStreamResolvedEvent> {
    this.calls.readAll += 1;
    const produce = (): AllStreamResolvedEvent[] => {
      if (this.#offline) throw new UnavailableError();
      const count = Number(maxCount);
      if (direction === 'forwards') {
        const from =
          fromPosition === 'start'
            ? 0
            : fromPosition === 'end'
              ? this.#log.length
              : this.#log.findIndex((r) => comparePositions(r.position, fromPosition) >= 0);
        return (from < 0 ? [] : this.#log.slice(from, from + count)).map(resolvedAll);
      }
      let end = this.#log.length;
      if (fromPosition === 'start') end = 0;
      else if (fromPosition !== 'end') {
        const index = this.#log.findIndex((r) => comparePositions(r.position, fromPosition) >= 0);
        end = index < 0 ? this.#log.length : index;
      }
      return this.#log
        .slice(Math.max(0, end - count), end)
        .reverse()
        .map(resolvedAll);
    };
    return streamingRead(produce);
  }

  subscribeToAll({ fromPosition = 'start', filter }: SubscribeToAllOptions = {}): AllStreamSubscription {
    this.calls.subscribeToAll += 1;
    const matches = (record: RecordEntry) => {
      if (!filter) return true;
      const subject = filter.filterOn === 'eventType' ? record.type : record.streamId;
      if ('regex' in filter) return new RegExp(filter.regex).test(subject);
      return filter.prefixes.some((p) => subject.startsWith(p));
    };
    let subscriber: Subscriber | undefined;
    const readable = new Readable({ objectMode: true, read() {} }) as Readable & {
      unsubscribe(): Promise<void>;
    };
    readable.unsubscribe = async () => {
      if (subscriber) this.#subscribers.delete(subscriber);
      readable.push(null);
      readable.destroy();
    };
    setImmediate(() => {
      if (readable.destroyed) return;
      if (this.#offline) {
        readable.destroy(new UnavailableError());
        return;
      }
      readable.emit('confirmation');
      const after = fromPosition;
      for (const record of this.#log) {
        const isAfter =
          after === 'start' || (after !== 'end' && comparePositions(record.position, after) > 0);
        if (isAfter && matches(record)) readable.push(resolvedAll(record));
      }
      readable.emit('caughtUp');
      subscriber = {
        deliver: (record) => {
          if (matches(record)) readable.push(resolvedAll(record));
        },
      };
      this.#subscribers.add(subscriber);
    });
    return readable as unknown as AllStreamSubscription;
  }

  dispose = async (): Promise<void> => {
    this.disposed = true;
  };

  // ---- the server side ----

  #commitCheck(
    streamName: string,
    stream: readonly RecordEntry[],
    expected: AppendExpectedRevision,
    ids: readonly string[],
  ): { kind: 'write' } | { kind: 'wrong' } | { kind: 'idempotent'; lastRevision: bigint } {
    const current = stream.length - 1;
    const matchFrom = (start: number) => {
      if (ids.length === 0 || stream[start]?.id !== ids[0]) return 'none';
      return ids.every((id, i) => stream[start + i]?.id === id) ? 'all' : 'partial';
    };
    if (expected === 'any' || expected === 'stream_exists') {
      if (expected === 'stream_exists' && current < 0) return { kind: 'wrong' };
      const first = ids[0] === undefined ? undefined : this.#recent.get(ids[0]);
      if (!first || first.streamId !== streamName) return { kind: 'write' };
      const start = Number(first.revision);
      const match = matchFrom(start);
      if (match === 'all') return { kind: 'idempotent', lastRevision: BigInt(start + ids.length - 1) };
      return { kind: 'wrong' };
    }
    const revision = expected === 'no_stream' ? -1 : Number(expected);
    if (revision === current) return { kind: 'write' };
    if (revision < current) {
      const match = matchFrom(revision + 1);
      if (match === 'all') return { kind: 'idempotent', lastRevision: BigInt(revision + ids.length) };
    }
    return { kind: 'wrong' };
  }

  #write(
    streamId: string,
    id: string,
    type: string,
    isJson: boolean,
    data: Uint8Array,
    metadata: Uint8Array,
    revision: bigint,
    commit: bigint,
  ): RecordEntry {
    const record: RecordEntry = {
      streamId,
      id,
      revision,
      type,
      isJson,
      data,
      metadata,
      created: new Date(),
      position: { commit, prepare: this.#offset },
    };
    this.#offset += RECORD_OVERHEAD + BigInt(streamId.length + type.length + data.length + metadata.length);
    this.#log.push(record);
    const stream = this.#streams.get(streamId);
    if (stream) stream.push(record);
    else this.#streams.set(streamId, [record]);
    for (const subscriber of this.#subscribers) subscriber.deliver(record);
    return record;
  }

  #remember(record: RecordEntry): void {
    this.#recent.delete(record.id);
    this.#recent.set(record.id, record);
    while (this.#recent.size > this.#cacheSize) this.#recent.delete(this.#recent.keys().next().value!);
  }

  #system(streamId: string, type: string, data: unknown): void {
    const revision = BigInt(this.#streams.get(streamId)?.length ?? 0);
    const id = crypto.randomUUID();
    this.#write(
      streamId,
      id,
      type,
      true,
      Buffer.from(JSON.stringify(data)),
      Buffer.alloc(0),
      revision,
      this.#offset,
    );
  }

  #projectLinks(written: readonly RecordEntry[], newStream: boolean): void {
    const link = (target: string, record: RecordEntry) => {
      const revision = BigInt(this.#streams.get(target)?.length ?? 0);
      const body = Buffer.from(`${record.revision}@${record.streamId}`);
      this.#write(target, crypto.randomUUID(), '$>', false, body, Buffer.alloc(0), revision, this.#offset);
    };
    for (const record of written) {
      const dash = record.streamId.indexOf('-');
      if (dash > 0) link(`$ce-${record.streamId.slice(0, dash)}`, record);
      link(`$et-${record.type}`, record);
    }
    if (newStream) link('$streams', written[0]!);
  }
}

function decodeRecord(record: RecordEntry) {
  const text = Buffer.from(record.data).toString('utf8');
  let data: unknown = record.data;
  if (record.isJson) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  let metadata: unknown;
  if (record.metadata.length > 0) {
    try {
      metadata = JSON.parse(Buffer.from(record.metadata).toString('utf8'));
    } catch {
      metadata = record.metadata;
    }
  }
  return {
    streamId: record.streamId,
    id: record.id,
    revision: record.revision,
    type: record.type,
    data,
    metadata,
    isJson: record.isJson,
    created: record.created,
    position: record.position,
  };
}

const resolved = (record: RecordEntry) =>
  ({ event: decodeRecord(record), commitPosition: record.position.commit }) as unknown as ResolvedEvent;
const resolvedAll = (record: RecordEntry) =>
  ({
    event: decodeRecord(record),
    commitPosition: record.position.commit,
  }) as unknown as AllStreamResolvedEvent;

/** A Readable in object mode with `cancel()`, like the client's ReadStream; errors surface on iteration. */
function streamingRead<T>(produce: () => T[]): StreamingRead<T> {
  let items: T[] | undefined;
  let failure: unknown;
  const readable = new Readable({
    objectMode: true,
    read() {
      if (items === undefined && failure === undefined) {
        try {
          items = produce();
        } catch (error) {
          failure = error;
        }
      }
      if (failure !== undefined) {
        this.destroy(failure as Error);
        return;
      }
      const next = items!.shift();
      this.push(next === undefined ? null : next);
    },
  }) as Readable & { cancel(): Promise<void> };
  readable.cancel = async () => {
    readable.destroy();
  };
  return readable as unknown as StreamingRead<T>;
}

/** What @grpc/grpc-js hands the client when nothing listens at the address. */
function unavailableServiceError(): Error {
  const details = 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:2113';
  return Object.assign(new Error(`14 UNAVAILABLE: ${details}`), { code: 14, details, metadata: undefined });
}
