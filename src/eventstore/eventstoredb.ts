// The EventStoreDB adapter (@eventstore/db-client 6.2.1). Streams map one to one, event ids pass
// through, positions are `<commit>:<prepare>`. Every write carries the exact expected revision of
// the stream as read just before (no_stream or the last revision), after our expected version was
// checked against that read. The client sits behind `EsdbClient`, exactly the five methods used
// here, so tests run the same code over a fake (test/support/fake-esdb-client.ts).
//
// What ESDB cannot do, and how this adapter copes (the README states the limits):
// - No multi-stream transaction: appendBatch validates everything and checks every expected version
//   before the first write, then writes stream by stream. Only a concurrent writer or an outage in
//   the middle can leave a batch half written; ids are deterministic, so a retry completes it.
// - Server-side idempotency is per write and best effort under ANY. So each append first reads the
//   streams it touches, plans with the shared planAppend (duplicates, conflicts, expected versions),
//   and writes the new events with the exact revision it saw; a concurrent writer makes that fail,
//   and the whole append is planned again on fresh state.
// - No global index by event id: an id reused in another stream (impossible with ids.ts, which
//   hashes the stream name) is only detected within one batch.
// - readAll in this client has no server-side filter: system events ($ types or streams) and our
//   type/prefix filters are applied while paging through $all.
import type {
  AllStreamResolvedEvent,
  AppendExpectedRevision,
  EventData,
  EventStoreDBClient,
  Filter,
  Position,
  ReadPosition,
  ResolvedEvent,
} from '@eventstore/db-client';
import type { GlobalPosition, NewEvent, StoredEvent } from '../events/envelope.ts';
import { upcasters as defaultUpcasters, type Upcasters } from '../events/upcasters.ts';
import { type Logger, silentLogger } from '../log/logger.ts';
import { decodeRow, type StoredRow } from './decode.ts';
import {
  CorruptEventError,
  InvalidPositionError,
  StoreClosedError,
  StoreUnavailableError,
} from './errors.ts';
import {
  type AppendPlan,
  appendOne,
  appendResults,
  batchIds,
  batchStreams,
  type ExistingEvent,
  type PlannedRow,
  planAppend,
} from './plan.ts';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedVersion,
  ReadAllOptions,
  ReadStreamOptions,
  WaitOptions,
} from './port.ts';
import { allRead, streamRead } from './read-options.ts';
import { prepareAppend } from './validate.ts';

/** Exactly the client methods this adapter calls; the real EventStoreDBClient satisfies it. */
export type EsdbClient = Pick<
  EventStoreDBClient,
  'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'
>;

export interface EventStoreDbOptions {
  /** esdb://host:2113?tls=false (esdb+discover:// and kurrentdb:// are accepted too). */
  readonly url: string;
  /** An already built client (tests pass a fake). The store disposes it on close. */
  readonly client?: EsdbClient;
  readonly upcasters?: Upcasters;
  readonly logger?: Logger;
  /** Events per $all page while reading and filtering. */
  readonly pageSize?: number;
  /** The server's --max-append-size: a stream's new events are written in writes of at most this many bytes. */
  readonly maxAppendBytes?: number;
  /**
   * Keeps this store's streams apart on a shared server: stored as `<namespace>:<stream>`, and
   * readAll/headPosition/waitForEvents see only them. The real-server tests give each test its own.
   */
  readonly namespace?: string;
}

/** A connection string the client cannot parse. */
export class InvalidConnectionStringError extends Error {
  readonly location: string;
  constructor(location: string, reason: string) {
    super(`Invalid EventStoreDB connection string ${location}: ${reason}`);
    this.name = 'InvalidConnectionStringError';
    this.location = location;
  }
}

/** The one contract rule this adapter cannot keep, stated where the tests and docs can quote it. */
export const NO_ID_INDEX =
  'EventStoreDB keeps no index by event id, so an id stored in one stream and appended to another is written again; ids from events/ids.ts hash the stream name, so only a broken id scheme can do that';

const MAX_ATTEMPTS = 50;
const DEFAULT_MAX_APPEND_BYTES = 1024 * 1024;
/** Servers before 22.6 send this instead of a position on stream reads. */
const NO_POSITION = 18446744073709551615n;
const POSITION = /^([0-9]{1,20}):([0-9]{1,20})$/;
const EXCLUDE_SYSTEM_EVENTS: Filter = { filterOn: 'eventType', regex: '^[^$].*', checkpointInterval: 1 };

/** `user:***@host`: the password never reaches logs or error messages. */
export function redactConnectionString(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, '//$1:***@');
}

/** The 6.2.1 client knows only esdb://; KurrentDB's scheme is the same syntax. */
function clientConnectionString(url: string): string {
  return url.replace(/^kurrentdb(\+discover)?:\/\//, 'esdb$1://');
}

export function formatPosition(position: Position): GlobalPosition {
  return `${position.commit}:${position.prepare}`;
}

export function parsePosition(token: string): Position {
  const match = POSITION.exec(token);
  if (!match)
    throw new InvalidPositionError(token, "'<commit>:<prepare>' as issued by an EventStoreDB store");
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}

/** $all order: by commit position, then prepare position (events of one write share the commit). */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  return a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;
}

const isSystem = (streamId: string, type: string) => streamId.startsWith('$') || type.startsWith('$');
const NAMESPACE = /^[A-Za-z0-9_]{1,40}$/;

const errorType = (error: unknown) => (error as { type?: unknown } | null)?.type;

/** gRPC UNAVAILABLE (14) and DEADLINE_EXCEEDED (4), raw or converted by the client. */
function isUnavailable(error: unknown): boolean {
  const type = errorType(error);
  if (type === 'unavailable' || type === 'deadline-exceeded' || type === 'timeout') return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === 14 || code === 4;
}

/** A concurrent writer moved a stream between our read and our write: plan again. */
class LostRace extends Error {
  readonly stream: string;
  constructor(stream: string) {
    super(`a concurrent writer moved '${stream}'`);
    this.stream = stream;
  }
}

async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of read) out.push(item);
  return out;
}

/** Connects (lazily, as the client does) and probes the server once so a wrong URL fails now. */
export async function openEventStoreDb(options: EventStoreDbOptions): Promise<EventStoreDbEventStore> {
  const location = redactConnectionString(options.url);
  let client = options.client;
  if (!client) {
    const { EventStoreDBClient } = await import('@eventstore/db-client');
    try {
      client = EventStoreDBClient.connectionString(clientConnectionString(options.url));
    } catch (error) {
      throw new InvalidConnectionStringError(
        location,
        error instanceof Error ? error.message : String(error),
      );
    }
  }
  const store = new EventStoreDbEventStore({ ...options, client });
  try {
    await store.headPosition();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export class EventStoreDbEventStore implements EventStore {
  readonly description: string;
  readonly #client: EsdbClient;
  readonly #location: string;
  readonly #upcasters: Upcasters;
  readonly #logger: Logger;
  readonly #pageSize: number;
  readonly #maxAppendBytes: number;
  readonly #closing = new AbortController();
  /** `<namespace>:` or empty. */
  readonly #prefix: string;
  readonly #liveFilter: Filter;

  constructor(options: EventStoreDbOptions & { readonly client: EsdbClient }) {
    this.#client = options.client;
    this.#location = redactConnectionString(options.url);
    if (options.namespace !== undefined && !NAMESPACE.test(options.namespace))
      throw new RangeError(`EventStoreDB namespace '${options.namespace}' must be 1-40 letters, digits or _`);
    this.#prefix = options.namespace === undefined ? '' : `${options.namespace}:`;
    this.#liveFilter = this.#prefix
      ? { filterOn: 'streamName', prefixes: [this.#prefix], checkpointInterval: 1 }
      : EXCLUDE_SYSTEM_EVENTS;
    this.description = `eventstoredb ${this.#location}${options.namespace ? ` (namespace ${options.namespace})` : ''}`;
    this.#upcasters = options.upcasters ?? defaultUpcasters;
    this.#logger = options.logger ?? silentLogger;
    this.#pageSize = Math.max(2, options.pageSize ?? 500);
    this.#maxAppendBytes = options.maxAppendBytes ?? DEFAULT_MAX_APPEND_BYTES;
  }

  async append(
    stream: string,
    events: readonly NewEvent[],
    options: { expectedVersion?: ExpectedVersion } = {},
  ): Promise<AppendResult> {
    return appendOne(this, { stream, events, expectedVersion: options.expectedVersion });
  }

  async appendBatch(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    this.#ensureOpen();
    const prepared = prepareAppend(requests, this.#upcasters);
    if (prepared.length === 0) return [];
    const wanted = new Set(batchIds(prepared));
    for (let attempt = 1; ; attempt++) {
      const { existing, versions } = await this.#loadStreams(batchStreams(prepared), wanted);
      // Throws WrongExpectedVersionError or EventIdConflictError before anything is written.
      const plan = planAppend(prepared, existing, versions);
      try {
        const positions = await this.#write(plan);
        return appendResults(plan, positions);
      } catch (error) {
        if (!(error instanceof LostRace)) throw error;
        if (attempt >= MAX_ATTEMPTS)
          throw new Error(
            `EventStoreDB: gave up after ${attempt} attempts racing other writers on '${error.stream}'`,
          );
        this.#logger.debug({ attempt }, 'eventstoredb: a concurrent writer moved a stream, planning again');
      }
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.#ensureOpen();
    const read = streamRead(stream, options);
    if (read.limit === 0) return [];
    const fromRevision =
      read.fromVersion !== undefined ? BigInt(read.fromVersion) : read.backwards ? 'end' : 'start';
    const resolved = await this.#readStreamEvents(this.#prefix + stream, {
      direction: read.backwards ? 'backwards' : 'forwards',
      fromRevision,
      ...(read.limit !== undefined ? { maxCount: read.limit } : {}),
    });
    return resolved.map((r) => this.#decode(r.event!));
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    this.#ensureOpen();
    const read = allRead(options);
    let after = read.after === undefined ? undefined : parsePosition(read.after);
    const limit = read.limit ?? Number.POSITIVE_INFINITY;
    const out: StoredEvent[] = [];
    if (limit === 0 || read.types?.length === 0) return out;
    const types = read.types ? new Set<string>(read.types) : undefined;
    for (;;) {
      const page = await this.#call(() =>
        collect(
          this.#client.readAll({
            fromPosition: after ?? 'start',
            maxCount: this.#pageSize,
            direction: 'forwards',
          }),
        ),
      );
      let last: Position | undefined;
      for (const { event } of page) {
        if (!event) continue;
        // Reading $all from a position includes the event at it; ours is exclusive.
        if (after && comparePositions(event.position, after) <= 0) continue;
        last = event.position;
        if (!this.#ours(event.streamId, event.type)) continue;
        if (types && !types.has(event.type)) continue;
        if (read.streamPrefix !== undefined && !event.streamId.startsWith(this.#prefix + read.streamPrefix))
          continue;
        out.push(this.#decode(event));
        if (out.length >= limit) return out;
      }
      if (page.length < this.#pageSize || last === undefined) return out;
      after = last;
    }
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    this.#ensureOpen();
    let from: ReadPosition = 'end';
    for (;;) {
      const page = await this.#call(() =>
        collect(
          this.#client.readAll({ fromPosition: from, maxCount: this.#pageSize, direction: 'backwards' }),
        ),
      );
      for (const { event } of page) {
        if (event && this.#ours(event.streamId, event.type)) return formatPosition(event.position);
      }
      const oldest = page.at(-1)?.event?.position;
      if (page.length < this.#pageSize || !oldest) return undefined;
      from = oldest;
    }
  }

  waitForEvents(after: GlobalPosition | undefined, options: WaitOptions = {}): Promise<boolean> {
    this.#ensureOpen();
    const from = after === undefined ? undefined : parsePosition(after);
    if (options.signal?.aborted || this.#closing.signal.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      // A catch-up subscription starts after `from`, so nothing appended since the caller read is missed.
      const subscription = this.#client.subscribeToAll({
        fromPosition: from ?? 'start',
        filter: this.#liveFilter,
      });
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (outcome: boolean | Error) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', stop);
        this.#closing.signal.removeEventListener('abort', stop);
        subscription.removeAllListeners('data');
        subscription.unsubscribe().catch(() => undefined);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const stop = () => settle(false);
      subscription.on('data', (resolved: AllStreamResolvedEvent) => {
        const event = resolved.event;
        if (!event || !this.#ours(event.streamId, event.type)) return;
        if (from && comparePositions(event.position, from) <= 0) return;
        settle(true);
      });
      subscription.on('error', (error: Error) => {
        if (this.#closing.signal.aborted) settle(false);
        else settle(this.#translate(error));
      });
      if (options.timeoutMs !== undefined) timer = setTimeout(stop, Math.max(0, options.timeoutMs));
      options.signal?.addEventListener('abort', stop, { once: true });
      this.#closing.signal.addEventListener('abort', stop, { once: true });
    });
  }

  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort();
    await this.#client.dispose();
  }

  // ---- internals ----

  /** Not a system event, and inside our namespace when we have one. */
  #ours(streamId: string, type: string): boolean {
    return !isSystem(streamId, type) && streamId.startsWith(this.#prefix);
  }

  #ensureOpen(): void {
    if (this.#closing.signal.aborted) throw new StoreClosedError(this.description);
  }

  async #call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw this.#translate(error);
    }
  }

  #translate(error: unknown): Error {
    if (isUnavailable(error)) {
      const reason = (error as { details?: string }).details || (error as Error).message || 'unavailable';
      return new StoreUnavailableError(this.#location, reason);
    }
    if (errorType(error) === 'maximum-append-size-exceeded') {
      const max = (error as { maxAppendSize?: number }).maxAppendSize;
      return new Error(
        `EventStoreDB at ${this.#location} refused a write over its maximum append size (${max} bytes); ` +
          'start the server with a larger --max-append-size or lower maxAppendBytes',
      );
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  /** A stream's events; a missing stream is empty. */
  async #readStreamEvents(
    stream: string,
    options: {
      direction: 'forwards' | 'backwards';
      fromRevision: bigint | 'start' | 'end';
      maxCount?: number;
    },
  ): Promise<ResolvedEvent[]> {
    try {
      return await collect(this.#client.readStream(stream, options));
    } catch (error) {
      if (errorType(error) === 'stream-not-found') return [];
      throw this.#translate(error);
    }
  }

  async #loadStreams(
    streams: readonly string[],
    wanted: ReadonlySet<string>,
  ): Promise<{ existing: Map<string, ExistingEvent>; versions: Map<string, number> }> {
    const existing = new Map<string, ExistingEvent>();
    const versions = new Map<string, number>();
    const load = async (stream: string) => {
      const events = await this.#readStreamEvents(this.#prefix + stream, {
        direction: 'forwards',
        fromRevision: 'start',
      });
      versions.set(stream, events.length - 1);
      for (const { event } of events) {
        if (!event || !wanted.has(event.id)) continue;
        existing.set(event.id, {
          id: event.id,
          stream,
          type: event.type,
          streamVersion: Number(event.revision),
          globalPosition: this.#positionOf(event),
        });
      }
    };
    // A few reads in flight at once: most streams of a batch are new, so each read is short.
    const queue = [...streams];
    const workers = Array.from({ length: Math.min(16, queue.length) }, async () => {
      for (let stream = queue.shift(); stream !== undefined; stream = queue.shift()) await load(stream);
    });
    await Promise.all(workers);
    return { existing, versions };
  }

  /** Writes the planned rows in order; returns their positions, read back from the server. */
  async #write(plan: AppendPlan): Promise<GlobalPosition[]> {
    const positions: GlobalPosition[] = [];
    for (const chunk of this.#chunks(plan.rows)) {
      const first = chunk[0]!;
      const expectedRevision: AppendExpectedRevision =
        first.streamVersion === 0 ? 'no_stream' : BigInt(first.streamVersion - 1);
      const events = chunk.map(
        (row): EventData => ({
          id: row.id,
          contentType: 'application/json',
          type: row.type,
          data: JSON.parse(row.data),
          metadata: JSON.parse(row.metadata),
        }),
      );
      try {
        await this.#client.appendToStream(this.#prefix + first.stream, events, { expectedRevision });
      } catch (error) {
        if (errorType(error) === 'wrong-expected-version') throw new LostRace(first.stream);
        throw this.#translate(error);
      }
      const back = await this.#readStreamEvents(this.#prefix + first.stream, {
        direction: 'forwards',
        fromRevision: BigInt(first.streamVersion),
        maxCount: chunk.length,
      });
      chunk.forEach((row, i) => {
        const event = back[i]?.event;
        if (event?.id !== row.id)
          throw new Error(
            `EventStoreDB: '${row.stream}' revision ${row.streamVersion} holds ${event?.id ?? 'nothing'} right after writing ${row.id}`,
          );
        positions.push(this.#positionOf(event));
      });
    }
    return positions;
  }

  /** Consecutive rows of one stream, cut where a write would pass the server's append size. */
  *#chunks(rows: readonly PlannedRow[]): Generator<PlannedRow[]> {
    let chunk: PlannedRow[] = [];
    let bytes = 0;
    for (const row of rows) {
      const size = Buffer.byteLength(row.data) + Buffer.byteLength(row.metadata);
      const last = chunk.at(-1);
      if (last && (last.stream !== row.stream || bytes + size > this.#maxAppendBytes)) {
        yield chunk;
        chunk = [];
        bytes = 0;
      }
      chunk.push(row);
      bytes += size;
    }
    if (chunk.length > 0) yield chunk;
  }

  #positionOf(event: { id: string; position?: Position }): GlobalPosition {
    const position = event.position;
    if (!position || position.commit === NO_POSITION)
      throw new Error(
        `EventStoreDB at ${this.#location} reports no log position on stream reads (event ${event.id}); ` +
          'telegram-archive needs EventStoreDB 22.6 or newer',
      );
    return formatPosition(position);
  }

  #decode(event: NonNullable<ResolvedEvent['event']> & { position?: Position }): StoredEvent {
    const globalPosition = this.#positionOf(event);
    if (!event.isJson)
      throw new CorruptEventError(event.id, globalPosition, `'${event.type}' was not written as JSON`);
    const text = (value: unknown, fallback: string) =>
      value === undefined
        ? fallback
        : typeof value === 'string'
          ? value
          : value instanceof Uint8Array
            ? Buffer.from(value).toString('utf8')
            : JSON.stringify(value);
    const row: StoredRow = {
      globalPosition,
      sequence: undefined,
      id: event.id,
      stream: event.streamId.slice(this.#prefix.length),
      streamVersion: Number(event.revision),
      type: event.type,
      data: text(event.data, ''),
      metadata: text(event.metadata, '{}'),
      recordedAt: event.created.toISOString(),
    };
    return decodeRow(row, this.#upcasters);
  }
}
