// Opens one copy of the read model: a SQLite file or a PostgreSQL schema, with its ORM (for readers)
// and the projector's set-based operations on the same connection.
import { existsSync } from 'node:fs';
import { MikroORM } from '@mikro-orm/core';
import type { Pool } from 'pg';
import type { MediaDescriptor, ServiceAction } from '../../src/events/payloads.ts';
import { type Connection, openConnection, returnsRows, type SqlValue } from '../../src/sqlite/connection.ts';
import { entities } from '../entities/index.ts';
import type { SearchWrite } from '../model.ts';
import {
  POSTGRES_SEARCH_TABLE,
  postgresSearchDdl,
  postgresSearchTable,
  SQLITE_SEARCH_TABLE,
  sqliteSearchDdl,
} from '../search/schema.ts';
import { SearchTokenizer, searchTexts } from '../search/tokenizer.ts';
import type { TableOperations } from './operations.ts';
import { PostgresOperations, postgresTransaction } from './postgres.ts';
import { SqliteOperations } from './sqlite.ts';
import { sqliteDialect } from './sqlite-dialect.ts';
import { type Dialect, decodeValue, describeTables, quoteIdentifier, type Tables } from './tables.ts';
import { WalCheckpointer } from './wal-checkpointer.ts';

export type ReadModelLocation =
  | { readonly kind: 'sqlite'; readonly directory: string }
  | { readonly kind: 'postgres'; readonly url: string };

/** A read-model copy that cannot be opened: missing, or not a read model. */
export class ReadModelUnavailableError extends Error {
  readonly copy: string;
  constructor(copy: string, reason: string) {
    super(`Read model copy '${copy}' is unavailable: ${reason}`);
    this.name = 'ReadModelUnavailableError';
    this.copy = copy;
  }
}

export interface ReadModelCopy {
  readonly name: string;
  readonly dialect: Dialect;
  /** The ORM on this copy, for readers (GraphQL viewer, lookups). */
  readonly orm: MikroORM;
  readonly tables: Tables;
  /** SQLite: the file; PostgreSQL: the schema name. */
  readonly where: string;
  /** The full-text table, ready for SQL (see search/schema.ts). */
  readonly searchTable: string;
  /** Whether transactions write search documents now (not while a bulk copy is being built). */
  readonly writesSearch: boolean;
  /**
   * Whether a transaction's statements run outside this thread (a database server), so that the
   * next batch can be projected while one commits. SQLite writes on this thread.
   */
  readonly commitsElsewhere: boolean;
  /** Runs `fn` in one write transaction. */
  transaction<T>(fn: (ops: TableOperations) => Promise<T>): Promise<T>;
  /** Completes a copy opened with `bulk`: builds its deferred indexes and its search index. */
  finishBulk(): Promise<void>;
  /** Runs read-only statements outside an explicit transaction. */
  read<T>(fn: (ops: TableOperations) => Promise<T>): Promise<T>;
  /** Raw read query on the copy (SQLite `?` placeholders, PostgreSQL `$1`). */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** `:memory:` as the directory gives a private in-memory database per copy (tests). */
export const sqliteCopyPath = (directory: string, copy: string): string =>
  directory === ':memory:' ? ':memory:' : `${directory}/${copy}.sqlite`;

const COMMON_ORM_OPTIONS = { entities, debug: false, allowGlobalContext: false };

/** The ORM on a SQLite copy, and the connection under it, which the projector writes through. */
async function initSqliteOrm(path: string): Promise<{ orm: MikroORM; db: Connection }> {
  const db = openConnection(path, { busyTimeoutMs: 5_000 });
  try {
    const { SqliteDriver } = await import('@mikro-orm/sqlite');
    const orm = await MikroORM.init({
      ...COMMON_ORM_OPTIONS,
      driver: SqliteDriver,
      dbName: path,
      driverOptions: sqliteDialect(db),
    });
    return { orm, db };
  } catch (error) {
    if (db.isOpen) db.close();
    throw error;
  }
}

async function initPostgresOrm(url: string, copy: string): Promise<MikroORM> {
  const { PostgreSqlDriver } = await import('@mikro-orm/postgresql');
  return MikroORM.init({ ...COMMON_ORM_OPTIONS, driver: PostgreSqlDriver, clientUrl: url, schema: copy });
}

/** Shared with the operations: whether search documents are written as rows change. */
export interface SearchSwitch {
  enabled: boolean;
}

/**
 * Opens `copy`. With `create`, lays out an empty copy first (tables, indexes, search index); without,
 * the copy must exist and be complete.
 */
export async function openCopy(
  location: ReadModelLocation,
  copy: string,
  options: {
    create?: boolean;
    /**
     * For a new copy being rebuilt: secondary indexes and the search index are built once at the
     * end (`finishBulk`) instead of row by row, and SQLite skips fsync (a failed build is
     * discarded anyway). Until finished, the copy cannot be opened by readers.
     */
    bulk?: boolean;
  } = {},
): Promise<ReadModelCopy> {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(copy))
    throw new ReadModelUnavailableError(copy, 'a copy name is lower-case letters, digits and _');
  if (
    location.kind === 'sqlite' &&
    location.directory !== ':memory:' &&
    !options.create &&
    !existsSync(sqliteCopyPath(location.directory, copy))
  )
    throw new ReadModelUnavailableError(copy, `${sqliteCopyPath(location.directory, copy)} does not exist`);
  const create = options.create ?? false;
  const bulk = create && (options.bulk ?? false);
  if (location.kind === 'sqlite') {
    const { orm, db } = await initSqliteOrm(sqliteCopyPath(location.directory, copy));
    try {
      return await sqliteCopy(orm, db, location.directory, copy, create, bulk);
    } catch (error) {
      await orm.close(true);
      throw error;
    }
  }
  const orm = await initPostgresOrm(location.url, copy);
  try {
    return await postgresCopy(orm, copy, create, bulk);
  } catch (error) {
    await orm.close(true);
    throw error;
  }
}

interface DeferredIndex {
  readonly name: string;
  readonly sql: string;
}

/** The plain (non-unique) indexes of the schema: nothing the projector itself looks rows up by. */
async function secondaryIndexes(orm: MikroORM): Promise<DeferredIndex[]> {
  const ddl = await orm.schema.getCreateSchemaSQL();
  const found: DeferredIndex[] = [];
  for (const line of ddl.split('\n')) {
    const m = /^create index [`"]([^`"]+)[`"] on /i.exec(line.trim());
    if (m) found.push({ name: m[1]!, sql: line.trim() });
  }
  return found;
}

/**
 * Reads every message once and writes its search document, in pages; each page is tokenized on a
 * worker thread while the one before is written.
 */
async function buildSearch(copy: ReadModelCopy): Promise<void> {
  const t = copy.tables.messages;
  const p = (n: number) => (copy.dialect === 'sqlite' ? '?' : `$${n}`);
  const tokenizer = new SearchTokenizer();
  const page = async (after: number) => {
    const rows = await copy.query<Record<string, unknown>>(
      `select id, text, media, service from ${t.sql} where id > ${p(1)} order by id limit ${p(2)}`,
      [after, 5000],
    );
    const writes: SearchWrite[] = rows.map((r) => ({
      message: Number(r.id),
      source: {
        text: String(r.text),
        media: decodeValue('json', r.media) as MediaDescriptor | null,
        service: decodeValue('json', r.service) as ServiceAction | null,
      },
      fresh: true,
    }));
    return { writes, searchText: tokenizer.prepare(searchTexts(writes.map((w) => w.source))) };
  };
  try {
    let next = await page(0);
    while (next.writes.length > 0) {
      const { writes, searchText } = next;
      next = await page(writes.at(-1)!.message);
      // Waits for the worker: the next page is read meanwhile, and nothing else would be.
      await searchText.answered;
      await copy.transaction((ops) => ops.writeSearch(writes, searchText.toText));
    }
  } finally {
    await tokenizer.close();
  }
}

async function sqliteCopy(
  orm: MikroORM,
  db: Connection,
  directory: string,
  copy: string,
  create: boolean,
  bulk: boolean,
): Promise<ReadModelCopy> {
  // A disposable, rebuildable database: WAL lets readers run beside the projector, and NORMAL
  // synchronous risks at most the last batches on power loss, which the checkpoint replays. A copy
  // being built has no readers yet and is thrown away if the build fails, so it skips syncing.
  // The connection's 16 MB page cache keeps most index probes in memory, and a rebuild of a
  // million events within its memory budget (the OS page cache holds the rest).
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${bulk ? 'OFF' : 'NORMAL'}`);
  const checkpointer =
    directory === ':memory:'
      ? undefined
      : new WalCheckpointer(db, {
          path: sqliteCopyPath(directory, copy),
          synchronous: bulk ? 'OFF' : 'NORMAL',
        });
  let deferred: DeferredIndex[] | undefined;
  const has = (name: string) => Boolean(db.prepare('select 1 from sqlite_master where name = ?').get(name));
  if (create) {
    await orm.schema.create();
    if (bulk) {
      deferred = await secondaryIndexes(orm);
      for (const index of deferred) db.exec(`drop index ${quoteIdentifier(index.name)}`);
    } else for (const ddl of sqliteSearchDdl()) db.exec(ddl);
  } else if (!has('checkpoints')) {
    throw new ReadModelUnavailableError(copy, 'the file holds no read model (no checkpoints table)');
  } else if (!has(SQLITE_SEARCH_TABLE)) {
    throw new ReadModelUnavailableError(copy, 'its rebuild did not finish (no search index yet)');
  }
  const tables = describeTables(orm.getMetadata());
  const search: SearchSwitch = { enabled: deferred === undefined };
  const ops = new SqliteOperations(db, tables, search);
  const result: ReadModelCopy = {
    name: copy,
    dialect: 'sqlite',
    orm,
    tables,
    where: sqliteCopyPath(directory, copy),
    searchTable: SQLITE_SEARCH_TABLE,
    commitsElsewhere: false,
    get writesSearch() {
      return search.enabled;
    },
    transaction: async (fn) => {
      await checkpointer?.beforeWrite();
      const result = await ops.transaction(fn);
      checkpointer?.committed();
      return result;
    },
    read: (fn) => fn(ops),
    query: async <T>(sql: string, params: readonly unknown[] = []) => {
      const statement = db.prepare(sql);
      const values = params as SqlValue[];
      if (returnsRows(statement)) return statement.all(...values) as T[];
      statement.run(...values);
      return [];
    },
    finishBulk: async () => {
      if (!deferred) return;
      // Unsynced, a bulk copy's checkpoints are cheap; the thread's memory is better spent on
      // tokenizing the search documents now.
      await checkpointer?.release();
      for (const index of deferred) db.exec(index.sql);
      for (const ddl of sqliteSearchDdl()) db.exec(ddl);
      search.enabled = true;
      await buildSearch(result);
      db.exec('PRAGMA optimize');
      deferred = undefined;
    },
    close: async () => {
      await checkpointer?.close();
      await orm.close();
    },
  };
  return result;
}

async function postgresCopy(
  orm: MikroORM,
  copy: string,
  create: boolean,
  bulk: boolean,
): Promise<ReadModelCopy> {
  const pool = (await orm.em.getConnection().getNativeClient()) as Pool;
  const schema = quoteIdentifier(copy);
  let deferred: DeferredIndex[] | undefined;
  const has = async (table: string) =>
    Boolean(
      (await pool.query('select to_regclass($1) as t', [`${schema}.${quoteIdentifier(table)}`])).rows[0]?.t,
    );
  if (create) {
    await orm.schema.create();
    // Room in each page lets updates of unindexed columns (reactions, pins) stay heap-only.
    await pool.query(`alter table ${schema}."messages" set (fillfactor = 85)`);
    if (bulk) {
      deferred = await secondaryIndexes(orm);
      for (const index of deferred) await pool.query(`drop index ${schema}.${quoteIdentifier(index.name)}`);
    } else for (const ddl of postgresSearchDdl(copy)) await pool.query(ddl);
  } else if (!(await has('checkpoints'))) {
    throw new ReadModelUnavailableError(copy, `schema ${copy} holds no read model`);
  } else if (!(await has(POSTGRES_SEARCH_TABLE))) {
    throw new ReadModelUnavailableError(copy, 'its rebuild did not finish (no search index yet)');
  }
  const tables = describeTables(orm.getMetadata(), copy);
  const searchTable = postgresSearchTable(copy);
  const search: SearchSwitch = { enabled: deferred === undefined };
  const result: ReadModelCopy = {
    name: copy,
    dialect: 'postgres',
    orm,
    tables,
    where: copy,
    searchTable,
    commitsElsewhere: true,
    get writesSearch() {
      return search.enabled;
    },
    transaction: (fn) => postgresTransaction(pool, tables, searchTable, search, fn),
    read: async (fn) => {
      const client = await pool.connect();
      try {
        return await fn(new PostgresOperations(client, tables, searchTable, search));
      } finally {
        client.release();
      }
    },
    query: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await pool.query(sql, params as unknown[])).rows as T[],
    finishBulk: async () => {
      if (!deferred) return;
      const [table, ...indexes] = postgresSearchDdl(copy);
      await pool.query(table!);
      search.enabled = true;
      await buildSearch(result);
      // Built after the rows are in: far faster than growing the indexes row by row.
      for (const index of [...deferred.map((d) => d.sql), ...indexes]) await pool.query(index);
      await pool.query(`analyze`);
      deferred = undefined;
    },
    close: () => orm.close(),
  };
  return result;
}

export { POSTGRES_SEARCH_TABLE };
