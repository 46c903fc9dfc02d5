// The PostgreSQL event store. Positions come from a sequence, but sequences are handed out before
// commit, so a slow transaction can commit an event "behind" a reader's checkpoint. Each event
// therefore records its writer's transaction id, and the global log is read in (transaction id,
// position) order, only up to the oldest transaction still running: below it nothing can appear
// any more. Readers are woken by NOTIFY, with polling as the fallback.
import pg from 'pg';
import { redactUrl } from '../config/index.ts';
import type { GlobalPosition, NewEvent, StoredEvent } from '../events/envelope.ts';
import { upcasters as defaultUpcasters, type Upcasters } from '../events/upcasters.ts';
import { type Logger, silentLogger } from '../log/logger.ts';
import { decodeRow, type StoredRow } from './decode.ts';
import { InvalidPositionError, StoreClosedError, StoreUnavailableError } from './errors.ts';
import {
  type AppendPlan,
  appendOne,
  appendResults,
  batchStreams,
  type ExistingEvent,
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
import {
  beginAndLock,
  type InsertedRow,
  insertNewQuery,
  insertQuery,
  isPlainBatch,
  LOCK_CLASS,
  type LookupRow,
  lookupQuery,
  MAX_INSERT_ROWS,
  type NewRow,
  plainResults,
} from './postgres-append.ts';
import { allRead, prefixSuccessor, streamRead } from './read-options.ts';
import { type PreparedRequest, prepareAppend } from './validate.ts';
import { AppendSignal, untilClosed, waitUntilNew } from './wait.ts';

export interface PostgresEventStoreOptions {
  /** postgres://user:password@host:port/database */
  readonly url: string;
  /** The schema holding the event tables; created when missing. */
  readonly schema?: string;
  readonly logger?: Logger;
  readonly upcasters?: Upcasters;
  /** Connections of each of the two pools, reads and (pipelined) appends; opened as needed. */
  readonly poolSize?: number;
  readonly connectTimeoutMs?: number;
  /** Waiting readers re-check this often even without a NOTIFY (e.g. held back by a foreign transaction). */
  readonly pollIntervalMs?: number;
  /** Test seam: runs inside every append transaction just before COMMIT. */
  readonly beforeCommit?: () => Promise<void>;
}

export const DEFAULT_POSTGRES_SCHEMA = 'eventstore';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const migrations = (s: string): readonly string[] => [
  // The primary key is the global order itself; position alone needs no index of its own.
  `CREATE TABLE ${s}.events (
     position bigint GENERATED ALWAYS AS IDENTITY,
     transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
     event_id uuid NOT NULL UNIQUE,
     stream text NOT NULL,
     stream_version integer NOT NULL,
     type text NOT NULL,
     data json NOT NULL,
     metadata json NOT NULL,
     recorded_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (stream, stream_version),
     PRIMARY KEY (transaction_id, position)
   );`,
  // Byte order for stream names, whatever the database's locale: a stream prefix is then a range of
  // the (stream, stream_version) index, and comparisons skip the locale's rules.
  `ALTER TABLE ${s}.events ALTER COLUMN stream TYPE text COLLATE "C";`,
];

// json stays text (we parse and check it ourselves), timestamps stay as PostgreSQL wrote them.
const RAW_TEXT_TYPES = new Set([114, 3802]);
const types = {
  getTypeParser: (oid: number, format?: string) =>
    RAW_TEXT_TYPES.has(oid)
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format as 'text' | undefined),
};

// Output names differ from the column names: ORDER BY would otherwise sort by the text casts.
const COLUMNS = `transaction_id::text AS tx, position::text AS pos, event_id::text AS id, stream, stream_version, type,
  data, metadata, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded`;
type Row = [string, string, string, string, number, string, string, string, string];

const toStoredRow = (row: Row): StoredRow => ({
  globalPosition: `${row[0]}:${row[1]}`,
  sequence: Number(row[1]),
  id: row[2],
  stream: row[3],
  streamVersion: row[4],
  type: row[5],
  data: row[6],
  metadata: row[7],
  recordedAt: row[8],
});

/**
 * The readAll statement for these filters: $1, $2 the position to read after, $3 the limit, $4 the
 * horizon, then `filters`. `key` names its shape for the prepared statement; exported for the test
 * that checks its query plan.
 */
export function readAllQuery(
  table: string,
  types: readonly string[] | undefined,
  streamPrefix: string | undefined,
  /** Search the prefix as a range of the stream index rather than filter a scan in global order. */
  range = true,
): { key: string; text: string; filters: unknown[] } {
  const filters: unknown[] = [];
  let where = '(transaction_id, position) > ($1::xid8, $2::bigint) AND transaction_id < $4::xid8';
  let key = 'all';
  if (types !== undefined) {
    filters.push(types);
    where += ` AND type = ANY($${filters.length + 4}::text[])`;
    key += 't';
  }
  if (streamPrefix !== undefined) {
    // A range on the stream index (byte order, see the migrations) finds a chat's streams without
    // scanning the table; starts_with stays for prefixes the range cannot express.
    filters.push(streamPrefix);
    const prefix = `$${filters.length + 4}`;
    where += ` AND starts_with(stream, ${prefix})`;
    key += 'p';
    const successor = range ? prefixSuccessor(streamPrefix) : undefined;
    if (successor !== undefined) {
      filters.push(successor);
      where += ` AND stream >= ${prefix} AND stream < $${filters.length + 4}`;
      key += 's';
    }
  }
  const text = `SELECT ${COLUMNS} FROM ${table} WHERE ${where} ORDER BY transaction_id, position LIMIT $3`;
  return { key, text, filters };
}

const POSITION = /^([0-9]{1,20}):([0-9]{1,19})$/;
/**
 * The reading horizon H: every transaction below H that ever wrote events has finished, so any
 * statement that starts after this one sees all of their events. H is the snapshot's xmax, lowered
 * to the oldest event writer still running. Writers are recognised by the stream lock they take
 * before they write, that is before they have a transaction id; their ids come from pg_locks (the
 * lock on their own id) and from pg_stat_activity, which has the id a moment earlier. Both report
 * 32 bits, widened here around xmax. pg_snapshot_xmin would be correct too, but it also waits for
 * unrelated transactions anywhere in the cluster.
 */
const HORIZON = `
  WITH snapshot AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax),
  writers AS (
    SELECT DISTINCT pid FROM pg_locks
     WHERE locktype = 'advisory' AND classid = ${LOCK_CLASS}
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())),
  writer_xids AS (
    SELECT l.transactionid::text::bigint AS xid FROM pg_locks l JOIN writers USING (pid)
     WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.granted
    UNION ALL
    SELECT a.backend_xid::text::bigint FROM pg_stat_activity a JOIN writers USING (pid)
     WHERE a.backend_xid IS NOT NULL)
  SELECT least(xmax, min(xmax + (xid - xmax % 4294967296 + 6442450944) % 4294967296 - 2147483648))::text
    FROM snapshot LEFT JOIN writer_xids ON true GROUP BY xmax`;

export async function openPostgresEventStore(
  options: PostgresEventStoreOptions,
): Promise<PostgresEventStore> {
  const store = new PostgresEventStore(options);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export class PostgresEventStore implements EventStore {
  readonly description: string;
  readonly #location: string;
  readonly #url: string;
  readonly #schema: string;
  readonly #table: string;
  readonly #channel: string;
  readonly #pool: pg.Pool;
  /** Appends only: pipelined connections, see #appendOnce. */
  readonly #appendPool: pg.Pool;
  readonly #logger: Logger;
  readonly #upcasters: Upcasters;
  readonly #pollIntervalMs: number;
  readonly #beforeCommit: (() => Promise<void>) | undefined;
  readonly #appended = new AppendSignal();
  readonly #closing = new AbortController();
  #listener: Promise<pg.Client> | undefined;

  constructor(options: PostgresEventStoreOptions) {
    const schema = options.schema ?? DEFAULT_POSTGRES_SCHEMA;
    if (!SCHEMA_NAME.test(schema))
      throw new RangeError(`PostgreSQL schema name '${schema}' must be lower case letters, digits and _`);
    this.#url = options.url;
    this.#location = redactUrl(options.url) ?? '<unparsable URL>';
    this.#schema = schema;
    this.#table = `"${schema}".events`;
    this.#channel = `"${schema}_events"`;
    this.description = `postgres ${this.#location} (schema ${schema})`;
    this.#logger = options.logger ?? silentLogger;
    this.#upcasters = options.upcasters ?? defaultUpcasters;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.#beforeCommit = options.beforeCommit;
    const pool = (pipeline: boolean) => {
      const created = new pg.Pool({
        connectionString: options.url,
        max: options.poolSize ?? 10,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
        types,
        pipeline,
      });
      // An idle connection that dies (server restart) must not crash the process; the next query reconnects.
      created.on('error', (error) =>
        this.#logger.warn({ err: error.message }, 'event store connection lost'),
      );
      return created;
    };
    this.#pool = pool(false);
    this.#appendPool = pool(true);
  }

  /** Creates or upgrades the schema; concurrent openers serialize on an advisory lock. */
  async migrate(): Promise<void> {
    await this.#transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, this.#schema]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.#schema}"`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS "${this.#schema}".schema_migrations (
           version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await client.query<{ version: number | null }>(
        `SELECT max(version) AS version FROM "${this.#schema}".schema_migrations`,
      );
      const current = rows[0]?.version ?? 0;
      const steps = migrations(`"${this.#schema}"`);
      if (current > steps.length)
        throw new StoreUnavailableError(
          this.#location,
          `schema "${this.#schema}" is at version ${current}, newer than this build knows (${steps.length}); upgrade telegram-archive`,
        );
      for (let version = current + 1; version <= steps.length; version++) {
        await client.query(steps[version - 1]!);
        await client.query(`INSERT INTO "${this.#schema}".schema_migrations (version) VALUES ($1)`, [
          version,
        ]);
        this.#logger.info({ schema: this.#schema, version }, 'event store schema migrated');
      }
    });
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
    const plain = !this.#beforeCommit && isPlainBatch(prepared);
    // A unique violation means a writer in another stream took the same id between our lookup and
    // insert; the retry sees it and reports a duplicate or a conflict.
    for (let attempt = 1; ; attempt++) {
      try {
        const results =
          (plain && (await this.#appendPlain(prepared))) || (await this.#appendPlanned(prepared));
        if (results.some((r) => r.events.some((e) => !e.duplicate))) this.#appended.notify();
        return results;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt < 5 && (code === '23505' || code === '40001' || code === '40P01')) continue;
        throw error;
      }
    }
  }

  /**
   * The common append in one round trip: BEGIN with the locks, the statement that inserts a plain
   * batch (see insertNewQuery) and COMMIT go out together. Undefined when the batch turned out not
   * to be plain and nothing was written (an empty transaction and a spurious NOTIFY).
   */
  async #appendPlain(requests: readonly PreparedRequest[]): Promise<AppendResult[] | undefined> {
    const rows = await this.#pipelined(async (send) => {
      const locked = send(beginAndLock(requests.map((r) => r.stream)));
      const inserted = send(insertNewQuery(this.#table, `${this.#schema}.insert-new`, requests));
      const committed = send(`NOTIFY ${this.#channel}; COMMIT`);
      await locked;
      const { rows } = await inserted;
      await committed;
      return rows;
    });
    return plainResults(requests, rows as NewRow[]);
  }

  /**
   * Any append in two round trips: BEGIN with the locks and the lookup go out together, then the
   * insert of the plan with NOTIFY and COMMIT.
   */
  async #appendPlanned(requests: readonly PreparedRequest[]): Promise<AppendResult[]> {
    return this.#pipelined(async (send) => {
      const locked = send(beginAndLock(batchStreams(requests)));
      const looked = send(lookupQuery(this.#table, `${this.#schema}.lookup`, requests));
      await locked;
      const existing = new Map<string, ExistingEvent>();
      const versions = new Map<string, number>();
      for (const [id, stream, type, position, version, kind] of (await looked).rows as LookupRow[]) {
        if (kind === 'v') versions.set(stream, version ?? -1);
        else
          existing.set(id!, {
            id: id!,
            stream,
            type: type!,
            streamVersion: version!,
            globalPosition: position!,
          });
      }
      const plan: AppendPlan = planAppend(requests, existing, versions);
      if (plan.rows.length === 0) {
        await send('COMMIT');
        return appendResults(plan, []);
      }
      const inserted: Promise<pg.QueryResult>[] = [];
      for (let start = 0; start < plan.rows.length; start += MAX_INSERT_ROWS) {
        const rows = plan.rows.slice(start, start + MAX_INSERT_ROWS);
        inserted.push(send(insertQuery(this.#table, `${this.#schema}.insert`, rows)));
      }
      if (this.#beforeCommit) {
        await Promise.all(inserted);
        await this.#beforeCommit();
      }
      const committed = send(`NOTIFY ${this.#channel}; COMMIT`);
      const byId = new Map<string, string>();
      for (const result of await Promise.all(inserted))
        for (const [id, position] of result.rows as InsertedRow[]) byId.set(id, position);
      await committed;
      return appendResults(
        plan,
        plan.rows.map((row) => byId.get(row.id)!),
      );
    });
  }

  /**
   * Runs `work` on a pipelined connection: `send` puts a statement on the wire at once, and the
   * server runs them in order, each with a snapshot of its own, so whatever follows the locks sees
   * every commit made before they were granted. A COMMIT behind a failed statement only ends the
   * aborted transaction; on any failure every statement sent has answered, and the transaction is
   * rolled back, before the connection goes back to the pool.
   */
  async #pipelined<T>(
    work: (send: (query: pg.QueryConfig | string) => Promise<pg.QueryResult>) => Promise<T>,
  ): Promise<T> {
    return this.#withClient(async (client) => {
      const sent: Promise<unknown>[] = [];
      const send = (query: pg.QueryConfig | string) => {
        const result = client.query(query as pg.QueryConfig);
        sent.push(result.catch(() => undefined));
        return result;
      };
      try {
        return await work(send);
      } catch (error) {
        await Promise.all(sent);
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }, this.#appendPool);
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    this.#assertOpen();
    const { backwards, fromVersion, limit } = streamRead(stream, options);
    const text = backwards
      ? `SELECT ${COLUMNS} FROM ${this.#table} WHERE stream = $1 AND stream_version <= $2 ORDER BY stream_version DESC LIMIT $3`
      : `SELECT ${COLUMNS} FROM ${this.#table} WHERE stream = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3`;
    const from = fromVersion ?? (backwards ? 2_147_483_647 : 0);
    const rows = await this.#query<Row>(backwards ? 'back' : 'forward', text, [
      stream,
      Math.min(from, 2_147_483_647),
      limit ?? null,
    ]);
    return this.#decode(rows);
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    this.#assertOpen();
    const { after, limit, types, streamPrefix } = allRead(options);
    if (limit === 0 || types?.length === 0) return [];
    const [transaction, position] = this.#parsePosition(after);
    const range = streamPrefix !== undefined && (await this.#rangePays(streamPrefix, position, limit));
    const { key, text, filters } = readAllQuery(this.#table, types, streamPrefix, range);
    const values = [transaction, position, limit ?? null];
    const rows = await this.#queryBelowHorizon<Row>(key, text, (horizon) => [...values, horizon, ...filters]);
    return this.#decode(rows);
  }

  /**
   * As in the SQLite store: the stream-index range is read whole and sorted on every call, so for a
   * page of a prefix covering much of the log a scan in global order is cheaper. The range is taken
   * while its size R satisfies R * R < limit * rows left (from the position sequence), counted only
   * up to that bound.
   */
  async #rangePays(prefix: string, afterPosition: string, limit: number | undefined): Promise<boolean> {
    const successor = prefixSuccessor(prefix);
    if (successor === undefined) return false;
    if (limit === undefined) return true;
    const rows = await this.#query<[boolean]>(
      'rangePays',
      `WITH bound AS (
         SELECT ceil(sqrt($3::float8 * greatest(1, last_value - $4::bigint)))::bigint AS n
         FROM ${this.#table.replace(/\.events$/, '.events_position_seq')})
       SELECT (SELECT count(*) FROM (SELECT 1 FROM ${this.#table} WHERE stream >= $1 AND stream < $2
                LIMIT (SELECT n FROM bound)) AS r) < (SELECT n FROM bound)`,
      [prefix, successor, limit, afterPosition],
    );
    return rows[0]?.[0] === true;
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    this.#assertOpen();
    const rows = await this.#queryBelowHorizon<[string]>(
      'head',
      `SELECT transaction_id::text || ':' || position AS head FROM ${this.#table} WHERE transaction_id < $1::xid8
       ORDER BY transaction_id DESC, position DESC LIMIT 1`,
      (horizon) => [horizon],
    );
    return rows[0]?.[0];
  }

  async waitForEvents(after: GlobalPosition | undefined, options: WaitOptions = {}): Promise<boolean> {
    this.#assertOpen();
    const [transaction, position] = this.#parsePosition(after);
    const signal = untilClosed(options.signal, this.#closing.signal);
    if (signal.aborted) return false;
    this.#listen();
    return waitUntilNew({
      hasNew: async () => {
        if (this.#closing.signal.aborted) return false;
        const rows = await this.#queryBelowHorizon<[number]>(
          'has-new',
          `SELECT 1 FROM ${this.#table}
            WHERE (transaction_id, position) > ($1::xid8, $2::bigint) AND transaction_id < $3::xid8 LIMIT 1`,
          (horizon) => [transaction, position, horizon],
        );
        return rows.length > 0;
      },
      subscribe: (wake) => this.#appended.subscribe(wake),
      pollIntervalMs: this.#pollIntervalMs,
      timeoutMs: options.timeoutMs,
      signal,
    });
  }

  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort();
    const listener = this.#listener;
    this.#listener = undefined;
    await Promise.all([
      listener?.then((client) => client.end()).catch(() => undefined),
      this.#pool.end().catch(() => undefined),
      this.#appendPool.end().catch(() => undefined),
    ]);
  }

  /** One LISTEN connection per store, opened on the first wait and re-opened after a failure. */
  #listen(): void {
    if (this.#listener) return;
    const client = new pg.Client({ connectionString: this.#url, types });
    const ready = (async () => {
      client.on('notification', () => this.#appended.notify());
      client.on('error', (error) => {
        this.#logger.warn({ err: error.message }, 'event store notification connection lost; polling');
        if (this.#listener === ready) this.#listener = undefined;
        client.end().catch(() => undefined);
      });
      await client.connect();
      await client.query(`LISTEN ${this.#channel}`);
      if (this.#closing.signal.aborted) await client.end();
      return client;
    })();
    this.#listener = ready;
    ready.catch((error) => {
      this.#logger.warn({ err: (error as Error).message }, 'cannot listen for new events; polling');
      if (this.#listener === ready) this.#listener = undefined;
    });
  }

  #parsePosition(after: GlobalPosition | undefined): [string, string] {
    if (after === undefined) return ['0', '0'];
    const match = POSITION.exec(after);
    if (!match)
      throw new InvalidPositionError(
        after,
        'a PostgreSQL event store position, <transaction>:<position> like "812:42"',
      );
    return [match[1]!, match[2]!];
  }

  #decode(rows: Row[]): StoredEvent[] {
    const out: StoredEvent[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = decodeRow(toStoredRow(rows[i]!), this.#upcasters);
    return out;
  }

  async #query<R extends unknown[]>(name: string, text: string, values: unknown[]): Promise<R[]> {
    return this.#withClient(async (client) => {
      const result = await client.query<R>({
        name: `${this.#schema}.${name}`,
        text,
        values,
        rowMode: 'array',
      });
      return result.rows;
    });
  }

  /** Two statements, in this order: the horizon, then `text`, which limits itself to the horizon. */
  async #queryBelowHorizon<R extends unknown[]>(
    name: string,
    text: string,
    values: (horizon: string) => unknown[],
  ): Promise<R[]> {
    return this.#withClient(async (client) => {
      const horizon = await client.query<[string]>({
        name: `${this.#schema}.horizon`,
        text: HORIZON,
        rowMode: 'array',
      });
      const result = await client.query<R>({
        name: `${this.#schema}.${name}`,
        text,
        values: values(horizon.rows[0]![0]),
        rowMode: 'array',
      });
      return result.rows;
    });
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.#withClient(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  async #withClient<T>(work: (client: pg.PoolClient) => Promise<T>, pool = this.#pool): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      if (this.#closing.signal.aborted) throw new StoreClosedError(this.description);
      throw this.#unavailable(error);
    }
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      if (isConnectionFailure(error)) {
        broken = error as Error;
        throw this.#unavailable(error);
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  #unavailable(error: unknown): StoreUnavailableError {
    const message = error instanceof Error ? error.message : String(error);
    // node-pg messages do not carry the password, but a URL inside one would: never echo it.
    return new StoreUnavailableError(this.#location, message.replaceAll(this.#url, this.#location));
  }

  #assertOpen(): void {
    if (this.#closing.signal.aborted) throw new StoreClosedError(this.description);
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '3D000',
  '28000',
  '28P01',
]);

function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return CONNECTION_CODES.has(code) || code.startsWith('08');
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|timeout expired/i.test(message);
}
