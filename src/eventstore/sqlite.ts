// The embedded event store: one SQLite file (WAL) under DATA_DIR. Writers take the write lock with
// BEGIN IMMEDIATE, so row ids, the global positions, are handed out in commit order and a reader
// never skips an event. Other processes' appends are noticed by polling the head position.
import Database from 'better-sqlite3';
import type { GlobalPosition, NewEvent, StoredEvent } from '../events/envelope.ts';
import { upcasters as defaultUpcasters, type Upcasters } from '../events/upcasters.ts';
import { type Logger, silentLogger } from '../log/logger.ts';
import { decodeRow, type StoredRow } from './decode.ts';
import { StoreClosedError, StoreUnavailableError } from './errors.ts';
import { type AppendPlan, appendOne, appendResults, type ExistingEvent, planAppend } from './plan.ts';
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
import { SqliteCheckpointer } from './sqlite-checkpointer.ts';
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
];

/**
 * The first version that events_late_ids holds (its WHERE clause in the migration above); ids of
 * earlier versions are looked up through the stream index. Changing it needs a new migration.
 */
export const LATE_VERSION = 16;

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
  readonly #db: Database.Database;
  readonly #upcasters: Upcasters;
  readonly #pollIntervalMs: number;
  readonly #busyTimeoutMs: number;
  readonly #appended = new AppendSignal();
  readonly #closing = new AbortController();
  readonly #statements: {
    insert: Database.Statement;
    earlyEvents: Database.Statement;
    streamHead: Database.Statement;
    lateEvents: Database.Statement;
    head: Database.Statement;
    rangeSize: Database.Statement;
    forwards: Database.Statement;
    backwards: Database.Statement;
  };
  readonly #readAllStatements = new Map<string, Database.Statement>();
  readonly #checkpointer: SqliteCheckpointer;
  readonly #appendTransaction: (requests: readonly PreparedRequest[]) => AppendResult[];

  constructor(options: SqliteEventStoreOptions) {
    this.#path = options.path;
    this.description = `sqlite ${options.path}`;
    this.#upcasters = options.upcasters ?? defaultUpcasters;
    this.#pollIntervalMs = options.pollIntervalMs ?? 100;
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    const logger = options.logger ?? silentLogger;
    try {
      this.#db = new Database(options.path, { timeout: this.#busyTimeoutMs });
    } catch (error) {
      throw new StoreUnavailableError(options.path, reason(error));
    }
    try {
      this.#db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode never corrupts; a power cut may lose the last commits, a crash loses none.
      this.#db.pragma('synchronous = NORMAL');
      this.#db.pragma('journal_size_limit = 67108864');
      const version = migrate(this.#db, options.path);
      this.#checkpointer = new SqliteCheckpointer(this.#db, options.path, logger);
      logger.debug({ path: options.path, schemaVersion: version }, 'event store opened');
      const db = this.#db;
      this.#statements = {
        insert: db.prepare(
          'INSERT INTO events (event_id, stream, stream_version, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ),
        earlyEvents: db.prepare(EARLY_EVENTS).raw(),
        streamHead: db.prepare('SELECT max(stream_version) FROM events WHERE stream = ?').pluck(),
        lateEvents: db.prepare(LATE_EVENTS).raw(),
        head: db.prepare('SELECT max(global_position) FROM events').pluck(),
        rangeSize: db
          .prepare('SELECT count(*) FROM (SELECT 1 FROM events WHERE stream >= ? AND stream < ? LIMIT ?)')
          .pluck(),
        forwards: db
          .prepare(
            `SELECT ${COLUMNS} FROM events WHERE stream = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?`,
          )
          .raw(),
        backwards: db
          .prepare(
            `SELECT ${COLUMNS} FROM events WHERE stream = ? AND stream_version <= ? ORDER BY stream_version DESC LIMIT ?`,
          )
          .raw(),
      };
      this.#appendTransaction = db.transaction((requests: readonly PreparedRequest[]) =>
        this.#appendLocked(requests),
      ).immediate;
    } catch (error) {
      this.#db.close();
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
    const results = this.#guard(() => this.#appendTransaction(prepared));
    if (results.some((r) => r.events.some((e) => !e.duplicate))) {
      this.#appended.notify();
      this.#checkpointer.committed();
    }
    return results;
  }

  /** Runs inside BEGIN IMMEDIATE: no other writer can move a stream between lookup and insert. */
  #appendLocked(requests: readonly PreparedRequest[]): AppendResult[] {
    const { insert } = this.#statements;
    const { existing, versions } = this.#lookUp(requests);
    const plan: AppendPlan = planAppend(requests, existing, versions);
    const recordedAt = new Date().toISOString();
    const positions: GlobalPosition[] = new Array(plan.rows.length);
    for (let i = 0; i < plan.rows.length; i++) {
      const row = plan.rows[i]!;
      const info = insert.run(
        row.id,
        row.stream,
        row.streamVersion,
        row.type,
        row.data,
        row.metadata,
        recordedAt,
      );
      positions[i] = String(info.lastInsertRowid);
    }
    return appendResults(plan, positions);
  }

  /**
   * What the plan needs to know of the stored streams: their versions and the events that already
   * have one of the batch's ids in the stream that the batch appends them to. One pass over the
   * stream index reads every stream's first events, which also tells its version unless it is a
   * long stream; long streams get two more index lookups each.
   */
  #lookUp(requests: readonly PreparedRequest[]): {
    existing: Map<string, ExistingEvent>;
    versions: Map<string, number>;
  } {
    const { earlyEvents, streamHead, lateEvents } = this.#statements;
    // An id appended to two streams in one batch is a conflict the plan reports; the first decides.
    const targets = new Map<string, string>();
    const versions = new Map<string, number>();
    for (const request of requests) {
      versions.set(request.stream, -1);
      for (const event of request.events) if (!targets.has(event.id)) targets.set(event.id, request.stream);
    }
    const existing = new Map<string, ExistingEvent>();
    const rows = earlyEvents.all(JSON.stringify([...versions.keys()])) as EarlyRow[];
    for (const [stream, version, id, type, position] of rows) {
      if (version > versions.get(stream)!) versions.set(stream, version);
      if (targets.get(id) === stream)
        existing.set(id, { id, stream, type, streamVersion: version, globalPosition: String(position) });
    }
    for (const [stream, version] of versions) {
      if (version < LATE_VERSION - 1) continue;
      versions.set(stream, streamHead.get(stream) as number);
      const ids: string[] = [];
      for (const [id, target] of targets) if (target === stream) ids.push(id);
      for (const [id, type, late, position] of lateEvents.all(stream, JSON.stringify(ids)) as LateRow[])
        existing.set(id, { id, stream, type, streamVersion: late, globalPosition: String(position) });
    }
    return { existing, versions };
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    this.#assertOpen();
    const { backwards, fromVersion, limit } = streamRead(stream, options);
    const rows = this.#guard(() =>
      backwards
        ? this.#statements.backwards.all(stream, fromVersion ?? Number.MAX_SAFE_INTEGER, limit ?? -1)
        : this.#statements.forwards.all(stream, fromVersion ?? 0, limit ?? -1),
    ) as Row[];
    return this.#decode(rows);
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    this.#assertOpen();
    const { after, limit, types, streamPrefix } = allRead(options);
    if (limit === 0 || types?.length === 0) return [];
    const afterRowId = this.#rowIdOf(after);
    const range = streamPrefix !== undefined && this.#rangePays(streamPrefix, afterRowId, limit);
    const { key, sql, params } = readAllQuery(afterRowId, limit, types, streamPrefix, range);
    let statement = this.#readAllStatements.get(key);
    if (!statement) {
      statement = this.#db.prepare(sql).raw();
      this.#readAllStatements.set(key, statement);
    }
    const ready = statement;
    return this.#decode(this.#guard(() => ready.all(...params)) as Row[]);
  }

  /**
   * The stream-index range visits every entry of the prefix's range on each call and sorts them into
   * global order; the rowid scan walks the table in order until `limit` rows match. For a page of a
   * prefix covering a large part of the log (a big channel), the scan is the cheaper one: the range
   * wins while its size R satisfies R * R < limit * rows left, counted here only up to that bound.
   */
  #rangePays(prefix: string, afterRowId: number, limit: number | undefined): boolean {
    const successor = prefixSuccessor(prefix);
    if (successor === undefined) return false;
    if (limit === undefined) return true;
    const left = Math.max(1, this.#head() - afterRowId);
    const bound = Math.ceil(Math.sqrt(limit * left));
    const size = this.#guard(() => this.#statements.rangeSize.get(prefix, successor, bound)) as number;
    return size < bound;
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
    // The thread's connection goes first, so that closing the writer's, the last one, checkpoints
    // what is left and removes the WAL.
    await this.#checkpointer.close();
    this.#db.close();
  }

  #head(): number {
    return (this.#guard(() => this.#statements.head.get()) as number | null) ?? 0;
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
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY)/.test(code))
        throw new StoreUnavailableError(
          this.#path,
          code.startsWith('SQLITE_BUSY')
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

/** Every stored event below LATE_VERSION of the streams in a JSON array, by the stream index. */
export const EARLY_EVENTS = `
  SELECT e.stream, e.stream_version, e.event_id, e.type, e.global_position
    FROM json_each(?) AS s JOIN events AS e ON e.stream = s.value AND e.stream_version < ${LATE_VERSION}`;
type EarlyRow = [string, number, string, string, number];

/**
 * The stored events of one stream, from LATE_VERSION on, with an id in a JSON array. Named index:
 * the planner would otherwise walk the stream's whole range of the stream index.
 */
export const LATE_EVENTS = `
  SELECT event_id, type, stream_version, global_position FROM events INDEXED BY events_late_ids
   WHERE stream = ? AND stream_version >= ${LATE_VERSION} AND event_id IN (SELECT value FROM json_each(?))`;
type LateRow = [string, string, number, number];

/**
 * The readAll statement for these filters; `key` names its shape, so statements can be reused.
 * Exported for the test that checks its query plan.
 */
export function readAllQuery(
  afterRowId: number,
  limit: number | undefined,
  types: readonly string[] | undefined,
  streamPrefix: string | undefined,
  /** Search the prefix as a range of the stream index (see #rangePays) rather than filter a scan. */
  range = true,
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
    // A range on the (stream, stream_version) index finds a chat's streams without scanning the
    // table; the exact check stays for prefixes the range cannot express and for the scan.
    key += 'p';
    where += ' AND substr(stream, 1, ?) = ?';
    params.push(streamPrefix.length, streamPrefix);
    const successor = range ? prefixSuccessor(streamPrefix) : undefined;
    if (successor !== undefined) {
      key += 's';
      where += ' AND stream >= ? AND stream < ?';
      params.push(streamPrefix, successor);
    }
  }
  params.push(limit ?? -1);
  return {
    key,
    sql: `SELECT ${COLUMNS} FROM events WHERE ${where} ORDER BY global_position LIMIT ?`,
    params,
  };
}

/** Brings the schema to the newest version; safe when several processes open a new file at once. */
function migrate(db: Database.Database, path: string): number {
  const target = MIGRATIONS.length;
  const check = () => {
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (applicationId !== APPLICATION_ID) {
      const tables = db
        .prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'")
        .pluck()
        .get() as number;
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
  db.transaction(() => {
    const version = check();
    for (let v = version; v < target; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${target}`);
    db.pragma(`application_id = ${APPLICATION_ID}`);
  }).immediate();
  return target;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
