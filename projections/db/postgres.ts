// PostgreSQL operations on a client of the ORM's pg pool: every write is one statement per table and
// batch, with the rows passed as one array per column and expanded by unnest(), so the statement
// text stays constant whatever the batch size and the server parses it once per connection.
import type { Pool, PoolClient } from 'pg';
import type { CheckpointRow, RowPatch, SearchWrite } from '../model.ts';
import { type DocumentText, messageDocument } from '../search/document.ts';
import type { SearchSwitch } from './open.ts';
import type { Row, TableOperations } from './operations.ts';
import {
  type ColumnInfo,
  conflictClause,
  decodeRow,
  encodeValue,
  quoteIdentifier as q,
  type TableInfo,
  type Tables,
} from './tables.ts';

/** Element types for array parameters; a varchar(255)[] cast would truncate nothing but costs a check. */
function arrayType(c: ColumnInfo): string {
  switch (c.kind) {
    case 'date':
      return 'timestamptz[]';
    case 'json':
      return 'jsonb[]';
    case 'boolean':
      return 'boolean[]';
    case 'integer':
      return 'int[]';
    case 'bigint':
      return 'bigint[]';
    case 'float':
      return 'double precision[]';
    default:
      return 'text[]';
  }
}

const statementNames = new Map<string, string>();

/**
 * `t.<first key> = any($1)`: restricts the updated table to the given keys by index, whatever the
 * planner believes about its size (a fresh table's statistics say it is empty).
 */
const keyFilter = (keys: readonly ColumnInfo[]): string =>
  `t.${q(keys[0]!.column)} = any($1::${arrayType(keys[0]!)})`;

const column = (c: ColumnInfo, rows: readonly Row[]): unknown[] =>
  rows.map((row) => encodeValue('postgres', c.kind, (row as Record<string, unknown>)[c.prop]));

export class PostgresOperations implements TableOperations {
  readonly tables: Tables;
  readonly #client: PoolClient;
  readonly #searchTable: string;

  readonly #search: SearchSwitch;

  constructor(
    client: PoolClient,
    tables: Tables,
    searchTable: string,
    search: SearchSwitch = { enabled: true },
  ) {
    this.#client = client;
    this.tables = tables;
    this.#searchTable = searchTable;
    this.#search = search;
  }

  /**
   * Writes run as named statements, prepared once per connection (their generic plans probe by
   * key). Lookups run unnamed, so each is planned for its actual keys.
   */
  async #query(text: string, values: unknown[], prepare = true): Promise<Record<string, unknown>[]> {
    if (!prepare) return (await this.#client.query(text, values)).rows as Record<string, unknown>[];
    // One name per text, process-wide: pg prepares it on each connection the first time it is used.
    let name = statementNames.get(text);
    if (!name) {
      name = `projector_${statementNames.size + 1}`;
      statementNames.set(text, name);
    }
    const result = await this.#client.query({ name, text, values });
    return result.rows as Record<string, unknown>[];
  }

  async select<T>(
    table: TableInfo,
    keyProps: readonly string[],
    keys: readonly (readonly unknown[])[],
  ): Promise<T[]> {
    if (keyProps.length === 0) {
      const rows = await this.#query(`select * from ${table.sql}`, []);
      return rows.map((raw) => decodeRow<T>(table, raw));
    }
    if (keys.length === 0) return [];
    const columns = keyProps.map((p) => table.column(p));
    const params = columns.map((c, i) => keys.map((key) => encodeValue('postgres', c.kind, key[i])));
    const unnest = columns.map((c, i) => `$${i + 1}::${arrayType(c)}`).join(', ');
    const names = columns.map((_, i) => `k${i}`).join(', ');
    const on = columns.map((c, i) => `t.${q(c.column)} = k.k${i}`).join(' and ');
    // A lateral lookup per key keeps the plan an index probe whatever the table statistics say: the
    // limit stops the planner from flattening it into a join, which on a table it believes empty (a
    // fresh copy before its first analyze) it would run as a hash of the whole table per batch.
    const rows = await this.#query(
      `select t.* from unnest(${unnest}) as k(${names}) cross join lateral (select * from ${table.sql} t where ${on} limit 1) t`,
      params,
      false,
    );
    return rows.map((raw) => decodeRow<T>(table, raw));
  }

  async insert(
    table: TableInfo,
    rows: readonly Row[],
    onConflict: 'upsert' | 'ignore' | 'fail',
  ): Promise<void> {
    if (rows.length === 0) return;
    const names = table.columns.map((c) => q(c.column)).join(', ');
    const unnest = table.columns.map((c, i) => `$${i + 1}::${arrayType(c)}`).join(', ');
    const action = conflictClause(table, onConflict);
    await this.#query(
      `insert into ${table.sql} (${names}) select * from unnest(${unnest})${action}`,
      table.columns.map((c) => column(c, rows)),
    );
  }

  async update(
    table: TableInfo,
    setProp: string,
    rows: readonly { key: readonly unknown[]; value: unknown }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const set = table.column(setProp);
    const keys = table.primaryKey;
    const arrays = keys.map((k, i) => `$${i + 1}::${arrayType(k)}`).join(', ');
    const names = keys.map((_, i) => `k${i}`).join(', ');
    const on = keys.map((k, i) => `t.${q(k.column)} = u.k${i}`).join(' and ');
    await this.#query(
      `update ${table.sql} t set ${q(set.column)} = u.v from unnest(${arrays}, $${keys.length + 1}::${arrayType(set)}) as u(${names}, v) where ${on} and ${keyFilter(keys)}`,
      [
        ...keys.map((k, i) => rows.map((r) => encodeValue('postgres', k.kind, r.key[i]))),
        rows.map((r) => encodeValue('postgres', set.kind, r.value)),
      ],
    );
  }

  async patch(table: TableInfo, patches: readonly RowPatch[]): Promise<void> {
    // One statement per set of changed columns: a batch has only a few such shapes.
    const groups = new Map<string, RowPatch[]>();
    for (const patch of patches) {
      const signature = Object.keys(patch.changes).sort().join(',');
      if (!signature) continue;
      const group = groups.get(signature);
      if (group) group.push(patch);
      else groups.set(signature, [patch]);
    }
    const keys = table.primaryKey;
    for (const [signature, group] of groups) {
      const columns = signature.split(',').map((p) => table.column(p));
      const all = [...keys, ...columns];
      const arrays = all.map((c, i) => `$${i + 1}::${arrayType(c)}`).join(', ');
      const names = all.map((_, i) => `c${i}`).join(', ');
      const set = columns.map((c, i) => `${q(c.column)} = u.c${keys.length + i}`).join(', ');
      const on = keys.map((k, i) => `t.${q(k.column)} = u.c${i}`).join(' and ');
      await this.#query(
        `update ${table.sql} t set ${set} from unnest(${arrays}) as u(${names}) where ${on} and ${keyFilter(keys)}`,
        [
          ...keys.map((k, i) => group.map((p) => encodeValue('postgres', k.kind, p.key[i]))),
          ...columns.map((c) => group.map((p) => encodeValue('postgres', c.kind, p.changes[c.prop]))),
        ],
      );
    }
  }

  async deleteWhereIn(table: TableInfo, prop: string, values: readonly unknown[]): Promise<void> {
    if (values.length === 0) return;
    const c = table.column(prop);
    await this.#query(`delete from ${table.sql} where ${q(c.column)} = any($1::${arrayType(c)})`, [
      values.map((v) => encodeValue('postgres', c.kind, v)),
    ]);
  }

  async maxValue(table: TableInfo, prop: string): Promise<number | null> {
    // Not max(): on a table without statistics the planner aggregates a scan of the whole index.
    const c = q(table.column(prop).column);
    const rows = await this.#query(
      `select ${c} as v from ${table.sql} where ${c} is not null order by ${c} desc limit 1`,
      [],
    );
    const v = rows[0]?.v;
    return v === null || v === undefined ? null : Number(v);
  }

  async lockCheckpoints(): Promise<CheckpointRow[]> {
    const table = this.tables.checkpoints;
    const rows = await this.#query(`select * from ${table.sql} for update`, []);
    return rows.map((raw) => decodeRow<CheckpointRow>(table, raw));
  }

  async writeSearch(writes: readonly SearchWrite[], toText?: DocumentText): Promise<void> {
    if (writes.length === 0 || !this.#search.enabled) return;
    await this.#query(
      `insert into ${this.#searchTable} (message_pk, document) select u.id, to_tsvector('simple', u.doc) from unnest($1::int[], $2::text[]) as u(id, doc) on conflict (message_pk) do update set document = excluded.document`,
      [writes.map((w) => w.message), writes.map((w) => messageDocument(w.source, toText))],
    );
  }
}

/** Runs `fn` in one transaction on a pooled client. */
export async function postgresTransaction<T>(
  pool: Pool,
  tables: Tables,
  searchTable: string,
  search: SearchSwitch,
  fn: (ops: TableOperations) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    try {
      // The checkpoint commits with the rows, so losing the newest commits in a crash loses nothing
      // that the next run does not project again; not waiting for the WAL flush is safe here.
      // Every statement here finds rows by key. A plan made while the tables were small (or before
      // their statistics caught up) would scan them whole on every batch as they grow. Disabling a
      // plan type works by a huge cost, which would also make the server JIT-compile every one of
      // these small statements (tens of milliseconds each). One round trip for all of it.
      await client.query(
        'begin; set local synchronous_commit = off; set local enable_seqscan = off; set local jit = off',
      );
      const result = await fn(new PostgresOperations(client, tables, searchTable, search));
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback');
      throw error;
    }
  } finally {
    client.release();
  }
}
