// SQLite operations on the node:sqlite connection under the ORM: cached prepared statements, one
// row per execution. Synchronous calls inside one BEGIN IMMEDIATE … COMMIT are the fastest path
// SQLite has, and nothing else can interleave with them.
import type { Connection, SqlValue, Statement } from '../../src/sqlite/connection.ts';
import type { CheckpointRow, RowPatch, SearchWrite } from '../model.ts';
import { type DocumentText, messageDocument } from '../search/document.ts';
import { SQLITE_SEARCH_TABLE } from '../search/schema.ts';
import type { SearchSwitch } from './open.ts';
import type { Row, TableOperations } from './operations.ts';
import {
  arrayDecoder,
  type ColumnInfo,
  conflictClause,
  decodeRow,
  encodeValue,
  quoteIdentifier as q,
  rowEncoder,
  type TableInfo,
  type Tables,
} from './tables.ts';

export class SqliteOperations implements TableOperations {
  readonly tables: Tables;
  readonly #db: Connection;
  readonly #statements = new Map<string, Statement>();
  readonly #encoders = new Map<TableInfo, (row: object, out: unknown[]) => void>();
  readonly #decoders = new Map<TableInfo, (values: readonly unknown[]) => unknown>();
  readonly #patchShapes = new Map<string, { statement: Statement; columns: ColumnInfo[] }>();

  readonly #search: SearchSwitch;

  constructor(db: Connection, tables: Tables, search: SearchSwitch = { enabled: true }) {
    this.#db = db;
    this.tables = tables;
    this.#search = search;
  }

  /** A cached statement; `tuples`: its rows come back as arrays (each SQL text is used one way). */
  #statement(sql: string, tuples = false): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      if (tuples) statement.setReturnArrays(true);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async select<T>(
    table: TableInfo,
    keyProps: readonly string[],
    keys: readonly (readonly unknown[])[],
  ): Promise<T[]> {
    if (keyProps.length === 0) {
      const rows = this.#statement(`select * from ${table.sql}`).all() as Record<string, unknown>[];
      return rows.map((raw) => decodeRow<T>(table, raw));
    }
    if (keys.length === 0) return [];
    const columns = keyProps.map((p) => table.column(p));
    const list = table.columns.map((c) => `t.${q(c.column)}`).join(', ');
    const decode = this.#decoder<T>(table);
    if (keys.length < 8) {
      const where = columns.map((c) => `t.${q(c.column)} = ?`).join(' and ');
      const statement = this.#statement(`select ${list} from ${table.sql} t where ${where}`, true);
      const found: T[] = [];
      for (const key of keys) {
        const raw = statement.get(
          ...key.map((v, i) => encodeValue('sqlite', columns[i]!.kind, v) as SqlValue),
        ) as unknown[] | undefined;
        if (raw) found.push(decode(raw));
      }
      return found;
    }
    // Many keys: one statement, the keys passed as one JSON array and each an index probe (the
    // cross join keeps json_each the outer loop), instead of a call per key.
    const on = columns.map((c, i) => `t.${q(c.column)} = k.value ->> ${i}`).join(' and ');
    const statement = this.#statement(
      `select ${list} from json_each(?) k cross join ${table.sql} t on ${on}`,
      true,
    );
    const encoded = keys.map((key) => key.map((v, i) => encodeValue('sqlite', columns[i]!.kind, v)));
    return (statement.all(JSON.stringify(encoded)) as unknown as unknown[][]).map(decode);
  }

  #decoder<T>(table: TableInfo): (values: readonly unknown[]) => T {
    let decode = this.#decoders.get(table);
    if (!decode) {
      decode = arrayDecoder(table);
      this.#decoders.set(table, decode);
    }
    return decode as (values: readonly unknown[]) => T;
  }

  async insert(
    table: TableInfo,
    rows: readonly Row[],
    onConflict: 'upsert' | 'ignore' | 'fail',
  ): Promise<void> {
    if (rows.length === 0) return;
    const names = table.columns.map((c) => q(c.column)).join(', ');
    const marks = table.columns.map(() => '?').join(', ');
    const action = conflictClause(table, onConflict);
    const statement = this.#statement(`insert into ${table.sql} (${names}) values (${marks})${action}`);
    let encode = this.#encoders.get(table);
    if (!encode) {
      encode = rowEncoder('sqlite', table.columns);
      this.#encoders.set(table, encode);
    }
    const values = new Array<SqlValue>(table.columns.length);
    for (const row of rows) {
      encode(row, values);
      statement.run(...values);
    }
  }

  async update(
    table: TableInfo,
    setProp: string,
    rows: readonly { key: readonly unknown[]; value: unknown }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const set = table.column(setProp);
    const keys = table.primaryKey;
    const where = keys.map((k) => `${q(k.column)} = ?`).join(' and ');
    const statement = this.#statement(`update ${table.sql} set ${q(set.column)} = ? where ${where}`);
    for (const row of rows)
      statement.run(
        encodeValue('sqlite', set.kind, row.value) as SqlValue,
        ...keys.map((k, i) => encodeValue('sqlite', k.kind, row.key[i]) as SqlValue),
      );
  }

  async patch(table: TableInfo, patches: readonly RowPatch[]): Promise<void> {
    const keys = table.primaryKey;
    for (const { key, changes } of patches) {
      const props = Object.keys(changes);
      if (props.length === 0) continue;
      const shape = this.#patchShape(table, props);
      const values = new Array<SqlValue>(shape.columns.length + keys.length);
      let i = 0;
      for (const c of shape.columns) values[i++] = encodeValue('sqlite', c.kind, changes[c.prop]) as SqlValue;
      for (let k = 0; k < keys.length; k++)
        values[i++] = encodeValue('sqlite', keys[k]!.kind, key[k]) as SqlValue;
      shape.statement.run(...values);
    }
  }

  /** The update statement for one set of changed columns; a batch has only a few such sets. */
  #patchShape(table: TableInfo, props: readonly string[]): { statement: Statement; columns: ColumnInfo[] } {
    const id = `${table.name}:${props.join(',')}`;
    let shape = this.#patchShapes.get(id);
    if (!shape) {
      const columns = props.map((p) => table.column(p));
      const where = table.primaryKey.map((k) => `${q(k.column)} = ?`).join(' and ');
      const statement = this.#db.prepare(
        `update ${table.sql} set ${columns.map((c) => `${q(c.column)} = ?`).join(', ')} where ${where}`,
      );
      shape = { statement, columns };
      this.#patchShapes.set(id, shape);
    }
    return shape;
  }

  async deleteWhereIn(table: TableInfo, prop: string, values: readonly unknown[]): Promise<void> {
    if (values.length === 0) return;
    const column = table.column(prop);
    const statement = this.#statement(`delete from ${table.sql} where ${q(column.column)} = ?`);
    for (const value of values) statement.run(encodeValue('sqlite', column.kind, value) as SqlValue);
  }

  async maxValue(table: TableInfo, prop: string): Promise<number | null> {
    const row = this.#statement(
      `select max(${q(table.column(prop).column)}) as v from ${table.sql}`,
    ).get() as {
      v: number | null;
    };
    return row.v;
  }

  async writeSearch(writes: readonly SearchWrite[], toText?: DocumentText): Promise<void> {
    if (writes.length === 0 || !this.#search.enabled) return;
    const remove = this.#statement(`delete from ${SQLITE_SEARCH_TABLE} where rowid = ?`);
    const add = this.#statement(`insert into ${SQLITE_SEARCH_TABLE} (rowid, body) values (?, ?)`);
    for (const w of writes) {
      if (!w.fresh) remove.run(w.message);
      add.run(w.message, messageDocument(w.source, toText));
    }
  }

  /** BEGIN IMMEDIATE already holds the database's only write lock. */
  lockCheckpoints(): Promise<CheckpointRow[]> {
    return this.select<CheckpointRow>(this.tables.checkpoints, [], []);
  }

  /** Runs `fn` in one write transaction; a failure rolls everything back. */
  async transaction<T>(fn: (ops: TableOperations) => Promise<T>): Promise<T> {
    this.#db.exec('begin immediate');
    try {
      const result = await fn(this);
      this.#db.exec('commit');
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('rollback');
      throw error;
    }
  }
}
