// The embedded event store: one SQLite file (WAL) under DATA_DIR, and beside it the stream index,
// a file derived from it (sqlite-stream-index.ts). Writers take the write lock with BEGIN
// IMMEDIATE, so row ids, the global positions, are handed out in commit order and a reader never
// skips an event. Other processes' appends are noticed by polling the head position.
import type { GlobalPosition, NewEvent, StoredEvent } from '../events/envelope.ts';
import { upcasters as defaultUpcasters, type Upcasters } from '../events/upcasters.ts';
import { type Logger, silentLogger } from '../log/logger.ts';
import {
  type Connection,
  openConnection,
  pragmaValue,
  prepareTuples,
  type SqlValue,
  type Statement,
  sqliteCode,
  type TupleStatement,
  transaction,
} from '../sqlite/connection.ts';
import { decodeRow, type StoredRow } from './decode.ts';
import { StoreClosedError, StoreUnavailableError } from './errors.ts';
import {
  type AppendPlan,
  appendOne,
  appendResults,
  type ExistingEvent,
  planAppend,
  putRowValues,
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
import { allRead, prefixSuccessor, sequencePosition, streamRead } from './read-options.ts';
import { SqliteMaintenance } from './sqlite-maintenance.ts';
import {
  indexPathFor,
  LATE_VERSION,
  openOrReplaceIndexFile,
  StreamIndexFolder,
  StreamIndexReader,
} from './sqlite-stream-index.ts';
import { ENTRY_COLUMNS, type EntryRow, entryOf, isWhole, LogTail, type StreamEntry } from './sqlite-tail.ts';
import { StreamFilter } from './stream-filter.ts';
import { type PreparedRequest, prepareAppend } from './validate.ts';
import { AppendSignal, untilClosed, waitUntilNew } from './wait.ts';

export interface SqliteEventStoreOptions {
  /** The database file; created with its schema when missing. */
  readonly path: string;
  readonly logger?: Logger;
  readonly upcasters?: Upcasters;
  /** How often a waiting reader looks for appends made by other processes. */
  readonly pollIntervalMs?: number;
  /** How long a writer waits for another process's write lock before giving up. */
  readonly busyTimeoutMs?: number;
  /** Unindexed events before the thread indexes them (default FOLD_AFTER); tests use 1. */
  readonly foldAfter?: number;
  /** Unindexed events before the writer indexes them itself, the thread being behind or gone. */
  readonly writerFoldsAfter?: number;
  /** Events per generation of the in-memory tail (default GENERATION); tests use 0. */
  readonly tailGeneration?: number;
}

/** Marks the file as ours ('TAEV'), so that pointing at another SQLite database fails clearly. */
const APPLICATION_ID = 0x54414556;

/** Schema migrations; PRAGMA user_version counts the ones applied. Append only, never edit. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     global_position INTEGER PRIMARY KEY,
     event_id TEXT NOT NULL UNIQUE,
     stream TEXT NOT NULL,
     stream_version INTEGER NOT NULL,
     type TEXT NOT NULL,
     data TEXT NOT NULL,
     metadata TEXT NOT NULL,
     recorded_at TEXT NOT NULL,
     UNIQUE (stream, stream_version)
   ) STRICT`,
  // Idempotency is per stream. A global unique index on the ids (random hashes) made every append
  // rewrite one index page per event on top of the stream index's page per stream, doubling what
  // each commit writes. A stream's first events are found through the stream index; only events
  // from version 16 on (long streams: the account, busy chats) are indexed by id.
  `CREATE TABLE events_v2 (
     global_position INTEGER PRIMARY KEY,
     event_id TEXT NOT NULL,
     stream TEXT NOT NULL,
     stream_version INTEGER NOT NULL,
     type TEXT NOT NULL,
     data TEXT NOT NULL,
     metadata TEXT NOT NULL,
     recorded_at TEXT NOT NULL,
     UNIQUE (stream, stream_version)
   ) STRICT;
   INSERT INTO events_v2 (global_position, event_id, stream, stream_version, type, data, metadata, recorded_at)
     SELECT global_position, event_id, stream, stream_version, type, data, metadata, recorded_at
       FROM events ORDER BY global_position;
   DROP TABLE events;
   ALTER TABLE events_v2 RENAME TO events;
   CREATE UNIQUE INDEX events_late_ids ON events (stream, event_id) WHERE stream_version >= 16;`,
  // The stream index moves to a file of its own, kept up behind the appends: indexing each batch
  // by stream in its own commit wrote a page for nearly every stream it touched.
  `CREATE TABLE events_v3 (
     global_position INTEGER PRIMARY KEY,
     event_id TEXT NOT NULL,
     stream TEXT NOT NULL,
     stream_version INTEGER NOT NULL,
     type TEXT NOT NULL,
     data TEXT NOT NULL,
     metadata TEXT NOT NULL,
     recorded_at TEXT NOT NULL
   ) STRICT;
   INSERT INTO events_v3 (global_position, event_id, stream, stream_version, type, data, metadata, recorded_at)
     SELECT global_position, event_id, stream, stream_version, type, data, metadata, recorded_at
       FROM events ORDER BY global_position;
   DROP TABLE events;
   ALTER TABLE events_v3 RENAME TO events;`,
];

/** Above this many unindexed events, the writer indexes them itself rather than wait for the thread. */
const WRITER_FOLDS_AFTER = 100_000;
/** Rows per INSERT statement. */
const INSERT_ROWS = 25;
/** Indexed events from which the writer's own catching up is logged as it goes. */
const CATCH_UP_LOGGED_FROM = 80_000;

/** For the contract's noGlobalIdIndex notice. */
export const SQLITE_ID_SCOPE =
  'event ids are unique per stream, so an id stored in one stream and appended to another is written again; ids from events/ids.ts hash the stream name, so only a broken id scheme can do that';

const COLUMNS = 'global_position, event_id, stream, stream_version, type, data, metadata, recorded_at';
type Row = [number, string, string, number, string, string, string, string];

const toStoredRow = (row: Row): StoredRow => ({
  globalPosition: String(row[0]),
  sequence: row[0],
  id: row[1],
  stream: row[2],
  streamVersion: row[3],
  type: row[4],
  data: row[5],
  metadata: row[6],
  recordedAt: row[7],
});

export function openSqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  return new SqliteEventStore(options);
}

export class SqliteEventStore implements EventStore {
  readonly description: string;
  readonly #path: string;
  readonly #db: Connection;
  readonly #indexDb: Connection;
  readonly #index: StreamIndexReader;
  readonly #folder: StreamIndexFolder;
  readonly #tail: LogTail;
  /**
   * Every stream up to the tail's end, and those this store's appends named, once it has appended;
   * see #knownStreams.
   */
  #streams: StreamFilter | undefined;
  readonly #upcasters: Upcasters;
  readonly #logger: Logger;
  readonly #pollIntervalMs: number;
  readonly #busyTimeoutMs: number;
  readonly #writerFoldsAfter: number;
  readonly #appended = new AppendSignal();
  readonly #closing = new AbortController();
  readonly #statements: {
    tail: TupleStatement<EntryRow>;
    newStreams: TupleStatement<[string]>;
    head: TupleStatement<[number | null]>;
    eventAt: TupleStatement<[string]>;
    byPositions: TupleStatement<Row>;
  };
  readonly #readAllStatements = new Map<string, TupleStatement<Row>>();
  readonly #inserts: Statement[] = [];
  readonly #insertParams: SqlValue[] = [];
  readonly #maintenance: SqliteMaintenance;
  readonly #appendTransaction: (requests: readonly PreparedRequest[]) => Appended;

  constructor(options: SqliteEventStoreOptions) {
    this.#path = options.path;
    this.description = `sqlite ${options.path}`;
    this.#upcasters = options.upcasters ?? defaultUpcasters;
    this.#pollIntervalMs = options.pollIntervalMs ?? 100;
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    this.#writerFoldsAfter = options.writerFoldsAfter ?? WRITER_FOLDS_AFTER;
    this.#tail = new LogTail(options.tailGeneration);
    this.#logger = options.logger ?? silentLogger;
    try {
      this.#db = openConnection(options.path, { busyTimeoutMs: this.#busyTimeoutMs });
    } catch (error) {
      throw new StoreUnavailableError(options.path, reason(error));
    }
    const opened: Connection[] = [this.#db];
    try {
      // NORMAL in WAL mode never corrupts; a power cut may lose the last commits, a crash loses none.
      this.#db.exec(
        'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 67108864',
      );
      const version = migrate(this.#db, options.path);
      const db = this.#db;
      this.#statements = {
        tail: prepareTuples(
          db,
          `SELECT ${ENTRY_COLUMNS} FROM events WHERE global_position > ? ORDER BY global_position`,
        ),
        newStreams: prepareTuples(
          db,
          'SELECT stream FROM events WHERE global_position > ? AND global_position <= ? AND stream_version = 0',
        ),
        head: prepareTuples(db, 'SELECT max(global_position) FROM events'),
        eventAt: prepareTuples(db, 'SELECT event_id FROM events WHERE global_position = ?'),
        byPositions: prepareTuples(
          db,
          `SELECT ${COLUMNS} FROM events WHERE global_position IN (SELECT value FROM json_each(?)) ORDER BY global_position`,
        ),
      };
      const indexPath = indexPathFor(options.path);
      this.#indexDb = openOrReplaceIndexFile(indexPath, this.#busyTimeoutMs, (movedTo, why) =>
        this.#logger.warn({ path: indexPath, movedTo, reason: why }, 'stream index damaged; rebuilding it'),
      );
      opened.push(this.#indexDb);
      this.#folder = new StreamIndexFolder(this.#indexDb, db);
      if (!this.#folder.verify((position) => this.#statements.eventAt.get(position)?.[0]))
        this.#logger.warn({ path: indexPath }, 'stream index did not match the event file; rebuilding it');
      this.#index = new StreamIndexReader(this.#indexDb);
      this.#catchUp();
      this.#maintenance = new SqliteMaintenance(db, options.path, this.#logger, {
        indexPath,
        foldAfter: options.foldAfter,
      });
      this.#logger.debug({ path: options.path, schemaVersion: version }, 'event store opened');
      this.#appendTransaction = transaction(db, 'IMMEDIATE', (requests: readonly PreparedRequest[]) =>
        this.#appendLocked(requests),
      );
    } catch (error) {
      for (const db of opened) db.close();
      if (error instanceof StoreUnavailableError) throw error;
      throw new StoreUnavailableError(options.path, reason(error));
    }
  }

  async append(
    stream: string,
    events: readonly NewEvent[],
    options: { expectedVersion?: ExpectedVersion } = {},
  ): Promise<AppendResult> {
    return appendOne(this, { stream, events, expectedVersion: options.expectedVersion });
  }

  async appendBatch(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    this.#assertOpen();
    const prepared = prepareAppend(requests, this.#upcasters);
    if (prepared.length === 0) return [];
    const { results, written } = this.#guard(() => this.#appendTransaction(prepared));
    if (written.length > 0) {
      // Only once committed: a rolled back append must not show in lookups.
      for (const event of written) this.#tail.add(event);
      this.#appended.notify();
      this.#maintenance.committed(this.#tail.unindexed);
      if (this.#tail.unindexed > this.#writerFoldsAfter) this.#catchUpQuietly();
    }
    return results;
  }

  /** Runs inside BEGIN IMMEDIATE: no other writer can move a stream between lookup and insert. */
  #appendLocked(requests: readonly PreparedRequest[]): Appended {
    const { existing, versions } = this.#lookUp(requests);
    const plan: AppendPlan = planAppend(requests, existing, versions);
    const recordedAt = new Date().toISOString();
    const { rows } = plan;
    const positions: GlobalPosition[] = new Array(rows.length);
    const written: StreamEntry[] = new Array(rows.length);
    const params = this.#insertParams;
    for (let start = 0; start < rows.length; start += INSERT_ROWS) {
      const count = Math.min(INSERT_ROWS, rows.length - start);
      params.length = count * 7;
      for (let i = 0; i < count; i++) {
        putRowValues(params, i * 7, rows[start + i]!);
        params[i * 7 + 6] = recordedAt;
      }
      // The rows of one statement get consecutive row ids, the last one reported.
      const last = Number(this.#insert(count).run(...params).lastInsertRowid);
      for (let i = 0; i < count; i++) {
        const row = rows[start + i]!;
        const position = last - count + 1 + i;
        positions[start + i] = String(position);
        written[start + i] = {
          position,
          stream: row.stream,
          version: row.streamVersion,
          id: row.id,
          type: row.type,
        };
      }
    }
    params.length = 0;
    return { results: appendResults(plan, positions), written };
  }

  /** The INSERT of `count` rows, prepared once per count: one statement per row costs more. */
  #insert(count: number): Statement {
    let statement = this.#inserts[count];
    if (statement === undefined) {
      const values = Array.from({ length: count }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
      statement = this.#db.prepare(
        `INSERT INTO events (event_id, stream, stream_version, type, data, metadata, recorded_at) VALUES ${values}`,
      );
      this.#inserts[count] = statement;
    }
    return statement;
  }

  /**
   * What the plan needs to know of the stored streams: their versions and the events that already
   * have one of the batch's ids in the stream that the batch appends them to. The index answers for
   * what it holds, the tail for the rest. One pass over the index reads every stream's first
   * events, which also tells its version unless it is a long stream; long streams get two more
   * index lookups each.
   */
  #lookUp(requests: readonly PreparedRequest[]): {
    existing: Map<string, ExistingEvent>;
    versions: Map<string, number>;
  } {
    // An id appended to two streams in one batch is a conflict the plan reports; the first decides.
    const targets = new Map<string, string>();
    const versions = new Map<string, number>();
    for (const request of requests) {
      versions.set(request.stream, -1);
      for (const event of request.events) if (!targets.has(event.id)) targets.set(event.id, request.stream);
    }
    const existing = new Map<string, ExistingEvent>();
    const note = (stream: string, version: number, id: string, type: string, position: number) => {
      if (version > versions.get(stream)!) versions.set(stream, version);
      if (targets.get(id) === stream)
        existing.set(id, { id, stream, type, streamVersion: version, globalPosition: String(position) });
    };
    // Streams the filter has never seen are new: nothing to look up. The filter takes them now; a
    // stream the append then does not write only costs a lookup some day. Streams the tail holds
    // from their first event on need no index lookup: the tail has all their events.
    const held: (readonly StreamEntry[])[] = [];
    const indexed: string[] = [];
    this.#index.snapshot((through) => {
      this.#followIndex(through);
      const known = this.#knownStreams();
      for (const stream of versions.keys()) {
        if (!known.addIfAbsent(stream)) continue;
        const inTail = this.#tail.stream(stream);
        if (inTail.length > 0) held.push(inTail);
        if (!isWhole(inTail)) indexed.push(stream);
      }
      if (indexed.length === 0) return;
      for (const [stream, version, id, type, position] of this.#index.early(indexed))
        note(stream, version, id, type, position);
      for (const stream of indexed) {
        if (versions.get(stream)! < LATE_VERSION - 1) continue;
        versions.set(stream, this.#index.head(stream));
        const ids: string[] = [];
        for (const [id, target] of targets) if (target === stream) ids.push(id);
        for (const [id, type, late, position] of this.#index.late(stream, ids))
          note(stream, late, id, type, position);
      }
    });
    for (const events of held)
      for (const event of events) note(event.stream, event.version, event.id, event.type, event.position);
    return { existing, versions };
  }

  /**
   * The filter of stored streams, built on the first append from the index and the tail (call
   * inside an index snapshot, after #followIndex), and rebuilt bigger when it fills up.
   */
  #knownStreams(): StreamFilter {
    if (this.#streams !== undefined && !this.#streams.full) return this.#streams;
    const filter = new StreamFilter(Math.max(1_000_000, 2 * (this.#streams?.count ?? 0)));
    for (const stream of this.#index.streams()) filter.add(stream);
    for (const event of this.#tail.unindexedEvents()) if (event.version === 0) filter.add(event.stream);
    this.#streams = filter;
    return filter;
  }

  /**
   * Brings the tail in line with an index snapshot that holds every event up to `through`: it then
   * holds every event after that, including those other processes appended since.
   */
  #followIndex(through: number): void {
    const tail = this.#tail;
    const streams = this.#streams;
    // Other connections' events that the index took before this tail saw them: the filter must too.
    if (streams !== undefined && through > tail.known)
      for (const [stream] of this.#statements.newStreams.iterate(tail.known, through)) streams.add(stream);
    tail.followIndex(through);
    for (const row of this.#statements.tail.iterate(tail.known)) {
      const event = entryOf(row);
      tail.add(event);
      if (event.version === 0) streams?.add(event.stream);
    }
  }

  /** After a commit or at close: a failure to index is for the log, the events are safe. */
  #catchUpQuietly(): void {
    try {
      this.#catchUp();
    } catch (error) {
      this.#logger.warn(
        { reason: reason(error) },
        'event store index fell behind; it catches up on the next open',
      );
    }
  }

  /** Indexes the unindexed events on this thread: at open and close, or when the thread falls behind. */
  #catchUp(): void {
    this.#folder.foldAll({
      progress: (events) => {
        // Only a large backlog (a migrated or long unindexed file) is worth a line.
        if (events >= CATCH_UP_LOGGED_FROM)
          this.#logger.info({ path: this.#path, events }, 'indexing event streams');
      },
    });
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    this.#assertOpen();
    const { backwards, fromVersion, limit } = streamRead(stream, options);
    const wanted = limit ?? Number.MAX_SAFE_INTEGER;
    if (wanted === 0 || this.#certainlyNew(stream)) return [];
    const entries = this.#guard(() =>
      this.#index.snapshot((through) => {
        this.#followIndex(through);
        const tail = this.#tail;
        // The tail holds a stream's newest events, the index its older ones, unless the tail has
        // them all.
        const held = tail.stream(stream);
        const whole = isWhole(held);
        const newer = (whole ? held : tail.unindexedOf(stream)).filter(
          (e) =>
            fromVersion === undefined || (backwards ? e.version <= fromVersion : e.version >= fromVersion),
        );
        if (backwards) {
          const out = newer.reverse().slice(0, wanted);
          if (out.length < wanted && !whole)
            out.push(...this.#index.stream(stream, true, fromVersion, wanted - out.length));
          return out;
        }
        const out: StreamEntry[] = whole ? [] : this.#index.stream(stream, false, fromVersion, wanted);
        for (const event of newer) if (out.length < wanted) out.push(event);
        return out;
      }),
    );
    const rows = this.#rowsAt(entries);
    return this.#decode(backwards ? rows.reverse() : rows);
  }

  /**
   * True when no stream of this name is stored, known without a lookup: the filter has never seen
   * it and nothing was appended since this store last caught up (it holds every stream up to then).
   * Recording a new message reads its stream first, so this spares most such reads any query.
   */
  #certainlyNew(stream: string): boolean {
    const streams = this.#streams;
    return streams !== undefined && !streams.mayHave(stream) && this.#head() === this.#tail.known;
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    this.#assertOpen();
    const { after, limit, types, streamPrefix } = allRead(options);
    if (limit === 0 || types?.length === 0) return [];
    const afterRowId = this.#rowIdOf(after);
    if (streamPrefix !== undefined) {
      const successor = prefixSuccessor(streamPrefix);
      if (successor !== undefined && this.#rangePays(streamPrefix, successor, afterRowId, limit))
        return this.#decode(this.#rowsAt(this.#readRange(streamPrefix, successor, afterRowId, types, limit)));
    }
    const { key, sql, params } = readAllQuery(afterRowId, limit, types, streamPrefix);
    let statement = this.#readAllStatements.get(key);
    if (!statement) {
      statement = prepareTuples<Row>(this.#db, sql);
      this.#readAllStatements.set(key, statement);
    }
    const ready = statement;
    return this.#decode(this.#guard(() => ready.all(...params)));
  }

  /** The events of a prefix's streams after a position, in global order, by the stream index. */
  #readRange(
    prefix: string,
    successor: string,
    after: number,
    types: readonly string[] | undefined,
    limit: number | undefined,
  ): StreamEntry[] {
    const wanted = limit ?? -1;
    return this.#guard(() =>
      this.#index.snapshot((through) => {
        this.#followIndex(through);
        // Everything indexed comes before everything in the tail.
        const out = this.#index.range(prefix, successor, after, types, wanted);
        for (const event of this.#tail.unindexedWithPrefix(prefix, after)) {
          if (limit !== undefined && out.length >= limit) break;
          if (types === undefined || types.includes(event.type)) out.push(event);
        }
        return out;
      }),
    );
  }

  /**
   * The stream-index range visits every entry of the prefix's range on each call and sorts them into
   * global order; the rowid scan walks the table in order until `limit` rows match. For a page of a
   * prefix covering a large part of the log (a big channel), the scan is the cheaper one: the range
   * wins while its size R satisfies R * R < limit * rows left, counted here only up to that bound.
   */
  #rangePays(prefix: string, successor: string, afterRowId: number, limit: number | undefined): boolean {
    if (limit === undefined) return true;
    const left = Math.max(1, this.#head() - afterRowId);
    const bound = Math.ceil(Math.sqrt(limit * left));
    return this.#guard(() => this.#index.rangeSize(prefix, successor, bound)) < bound;
  }

  /** The stored rows of these events, in global order. */
  #rowsAt(events: readonly StreamEntry[]): Row[] {
    if (events.length === 0) return [];
    const positions = events.map((e) => e.position);
    return this.#guard(() => this.#statements.byPositions.all(JSON.stringify(positions)));
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    this.#assertOpen();
    const head = this.#head();
    return head === 0 ? undefined : String(head);
  }

  async waitForEvents(after: GlobalPosition | undefined, options: WaitOptions = {}): Promise<boolean> {
    this.#assertOpen();
    const since = this.#rowIdOf(after);
    return waitUntilNew({
      hasNew: () => !this.#closing.signal.aborted && this.#head() > since,
      subscribe: (wake) => this.#appended.subscribe(wake),
      pollIntervalMs: this.#pollIntervalMs,
      timeoutMs: options.timeoutMs,
      signal: untilClosed(options.signal, this.#closing.signal),
    });
  }

  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort();
    // The thread's connections go first, so that closing the writer's, the last ones, checkpoints
    // what is left and removes the WALs.
    await this.#maintenance.close();
    // The next process to open the file then starts from a complete index.
    this.#catchUpQuietly();
    this.#indexDb.close();
    this.#db.close();
  }

  #head(): number {
    return this.#guard(() => this.#statements.head.get()?.[0]) ?? 0;
  }

  #decode(rows: Row[]): StoredEvent[] {
    const out: StoredEvent[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = decodeRow(toStoredRow(rows[i]!), this.#upcasters);
    return out;
  }

  #rowIdOf(after: GlobalPosition | undefined): number {
    return sequencePosition(after, 'a SQLite event store position, a row number like "42"');
  }

  /** A lock held past the busy timeout or a vanished file says "unavailable", not a raw SQLite code. */
  #guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      const code = sqliteCode(error);
      if (code !== undefined && /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY)$/.test(code))
        throw new StoreUnavailableError(
          this.#path,
          code === 'SQLITE_BUSY'
            ? `another process held the write lock for more than ${this.#busyTimeoutMs} ms`
            : reason(error),
        );
      throw error;
    }
  }

  #assertOpen(): void {
    if (this.#closing.signal.aborted) throw new StoreClosedError(this.description);
  }
}

/** An append's results, and the events it wrote for the tail once it has committed. */
interface Appended {
  readonly results: AppendResult[];
  readonly written: StreamEntry[];
}

/**
 * The readAll statement that scans the table in global order; `key` names its shape, so statements
 * can be reused. Exported for the test that checks its query plan.
 */
export function readAllQuery(
  afterRowId: number,
  limit: number | undefined,
  types: readonly string[] | undefined,
  streamPrefix: string | undefined,
): { key: string; sql: string; params: (number | string)[] } {
  const params: (number | string)[] = [afterRowId];
  let key = '';
  let where = 'global_position > ?';
  if (types !== undefined) {
    key += 't';
    where += ' AND type IN (SELECT value FROM json_each(?))';
    params.push(JSON.stringify(types));
  }
  if (streamPrefix !== undefined) {
    key += 'p';
    where += ' AND substr(stream, 1, ?) = ?';
    params.push(streamPrefix.length, streamPrefix);
  }
  params.push(limit ?? -1);
  return {
    key,
    sql: `SELECT ${COLUMNS} FROM events WHERE ${where} ORDER BY global_position LIMIT ?`,
    params,
  };
}

/** Brings the schema to the newest version; safe when several processes open a new file at once. */
function migrate(db: Connection, path: string): number {
  const target = MIGRATIONS.length;
  const check = () => {
    const applicationId = pragmaValue(db, 'application_id');
    const version = pragmaValue(db, 'user_version') as number;
    if (applicationId !== APPLICATION_ID) {
      const [tables] = prepareTuples<[number]>(
        db,
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
      ).get()!;
      if (applicationId !== 0 || tables > 0 || version !== 0)
        throw new StoreUnavailableError(
          path,
          'the file is another SQLite database, not a telegram-archive event store; point EVENT_STORE_URL elsewhere',
        );
    }
    if (version > target)
      throw new StoreUnavailableError(
        path,
        `its schema is version ${version}, newer than this build knows (${target}); upgrade telegram-archive`,
      );
    return version;
  };
  if (check() === target) return target;
  transaction(db, 'IMMEDIATE', () => {
    const version = check();
    for (let v = version; v < target; v++) db.exec(MIGRATIONS[v]!);
    db.exec(`PRAGMA user_version = ${target}; PRAGMA application_id = ${APPLICATION_ID}`);
  })();
  return target;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
