// Opens one copy of the read model: a SQLite file or a PostgreSQL schema, with its ORM (for readers)
// and the projector's set-based operations on the same connection.
import { existsSync } from 'node:fs';
import { MikroORM } from '@mikro-orm/core';
import type { Database } from 'better-sqlite3';
import type { Pool } from 'pg';
import { entities } from '../entities/index.ts';
import {
  POSTGRES_SEARCH_TABLE,
  postgresSearchDdl,
  postgresSearchTable,
  SQLITE_SEARCH_TABLE,
  sqliteSearchDdl,
} from '../search/schema.ts';
import type { TableOperations } from './operations.ts';
import { postgresTransaction } from './postgres.ts';
import { SqliteOperations } from './sqlite.ts';
import { type Dialect, describeTables, quoteIdentifier, type Tables } from './tables.ts';

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
  /** Runs `fn` in one write transaction. */
  transaction<T>(fn: (ops: TableOperations) => Promise<T>): Promise<T>;
  /** Runs read-only statements outside an explicit transaction. */
  read<T>(fn: (ops: TableOperations) => Promise<T>): Promise<T>;
  /** Raw read query on the copy (SQLite `?` placeholders, PostgreSQL `$1`). */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** `:memory:` as the directory gives a private in-memory database per copy (tests). */
export const sqliteCopyPath = (directory: string, copy: string): string =>
  directory === ':memory:' ? ':memory:' : `${directory}/${copy}.sqlite`;

async function initOrm(location: ReadModelLocation, copy: string): Promise<MikroORM> {
  const common = { entities, debug: false, allowGlobalContext: false };
  if (location.kind === 'sqlite') {
    const { SqliteDriver } = await import('@mikro-orm/sqlite');
    return MikroORM.init({
      ...common,
      driver: SqliteDriver,
      dbName: sqliteCopyPath(location.directory, copy),
    });
  }
  const { PostgreSqlDriver } = await import('@mikro-orm/postgresql');
  return MikroORM.init({ ...common, driver: PostgreSqlDriver, clientUrl: location.url, schema: copy });
}

/**
 * Opens `copy`. With `create`, lays out an empty copy first (tables, indexes, search index); without,
 * the copy must exist.
 */
export async function openCopy(
  location: ReadModelLocation,
  copy: string,
  options: {
    create?: boolean;
    /** For a copy being rebuilt: SQLite skips fsync (a failed build is discarded anyway). */
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
  const orm = await initOrm(location, copy);
  try {
    return location.kind === 'sqlite'
      ? await sqliteCopy(orm, location.directory, copy, options.create ?? false, options.bulk ?? false)
      : await postgresCopy(orm, copy, options.create ?? false);
  } catch (error) {
    await orm.close(true);
    throw error;
  }
}

async function sqliteCopy(
  orm: MikroORM,
  directory: string,
  copy: string,
  create: boolean,
  bulk: boolean,
): Promise<ReadModelCopy> {
  const db = (await orm.em.getConnection().getNativeClient()) as Database;
  // A disposable, rebuildable database: WAL lets readers run beside the projector, and NORMAL
  // synchronous risks at most the last batches on power loss, which the checkpoint replays. A copy
  // being built has no readers yet and is thrown away if the build fails, so it skips syncing.
  db.pragma('journal_mode = WAL');
  db.pragma(bulk ? 'synchronous = OFF' : 'synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536'); // 64 MiB of pages: index probes stay in memory
  if (create) {
    await orm.schema.create();
    for (const ddl of sqliteSearchDdl()) db.exec(ddl);
  } else if (!db.prepare(`select 1 from sqlite_master where name = 'checkpoints'`).get()) {
    throw new ReadModelUnavailableError(copy, 'the file holds no read model (no checkpoints table)');
  }
  const tables = describeTables(orm.getMetadata());
  const ops = new SqliteOperations(db, tables);
  return {
    name: copy,
    dialect: 'sqlite',
    orm,
    tables,
    where: sqliteCopyPath(directory, copy),
    searchTable: SQLITE_SEARCH_TABLE,
    transaction: (fn) => ops.transaction(fn),
    read: (fn) => fn(ops),
    query: async <T>(sql: string, params: readonly unknown[] = []) => {
      const statement = db.prepare(sql);
      if (statement.reader) return statement.all(...params) as T[];
      statement.run(...params);
      return [];
    },
    close: () => orm.close(),
  };
}

async function postgresCopy(orm: MikroORM, copy: string, create: boolean): Promise<ReadModelCopy> {
  const pool = (await orm.em.getConnection().getNativeClient()) as Pool;
  if (create) {
    await orm.schema.create();
    for (const ddl of postgresSearchDdl(copy)) await pool.query(ddl);
    // Room in each page lets updates of unindexed columns (reactions, pins) stay heap-only.
    await pool.query(`alter table ${quoteIdentifier(copy)}."messages" set (fillfactor = 85)`);
  } else {
    const found = await pool.query(`select to_regclass($1) as t`, [`${quoteIdentifier(copy)}.checkpoints`]);
    if (!found.rows[0]?.t) throw new ReadModelUnavailableError(copy, `schema ${copy} holds no read model`);
  }
  const tables = describeTables(orm.getMetadata(), copy);
  const searchTable = postgresSearchTable(copy);
  return {
    name: copy,
    dialect: 'postgres',
    orm,
    tables,
    where: copy,
    searchTable,
    transaction: (fn) => postgresTransaction(pool, tables, searchTable, fn),
    read: async (fn) => {
      const { PostgresOperations } = await import('./postgres.ts');
      const client = await pool.connect();
      try {
        return await fn(new PostgresOperations(client, tables, searchTable));
      } finally {
        client.release();
      }
    },
    query: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await pool.query(sql, params as unknown[])).rows as T[],
    close: () => orm.close(),
  };
}

export { POSTGRES_SEARCH_TABLE };
