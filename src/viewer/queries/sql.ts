// Hand-written SELECTs for the hot read paths (a chat page and what it loads), run on the copy's
// own connection and decoded with the copy's table descriptions (taken from the entity metadata):
// column names, dates, booleans and JSON. Going around the query builder and its result mapping
// cut a page of 50 messages with all its loaders by about a third of its CPU time. Statements use
// `?`; PostgreSQL gets `$1…`.
import type { ReadModelCopy } from '../../../projections/db/open.ts';
import { decodeValue, type TableName } from '../../../projections/db/tables.ts';

export interface SqlReader {
  readonly dialect: 'sqlite' | 'postgres';
  /** The quoted, schema-qualified table. */
  table(name: TableName): string;
  /** Runs a SELECT of the table's columns, returning rows named after the entity properties. */
  rows<R>(name: TableName, sql: string, params: readonly unknown[]): Promise<R[]>;
  /** Runs any SELECT (aggregates), returning the records as the driver gives them. */
  records<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

export function sqlReader(copy: ReadModelCopy): SqlReader {
  const postgres = copy.dialect === 'postgres';
  const toParam = (value: unknown): unknown => {
    if (value instanceof Date) return postgres ? value : value.getTime(); // SQLite keeps epoch ms
    if (typeof value === 'boolean' && !postgres) return value ? 1 : 0;
    return value;
  };
  const query = <R>(sql: string, params: readonly unknown[]): Promise<R[]> => {
    let n = 0;
    const text = postgres ? sql.replace(/\?/g, () => `$${++n}`) : sql;
    return copy.query<R>(text, params.map(toParam));
  };
  return {
    dialect: copy.dialect,
    table: (name) => copy.tables[name].sql,
    records: (sql, params = []) => query(sql, params),
    async rows<R>(name: TableName, sql: string, params: readonly unknown[]): Promise<R[]> {
      const raw = await query<Record<string, unknown>>(sql, params);
      const { columns } = copy.tables[name];
      return raw.map((record) => {
        const row: Record<string, unknown> = {};
        for (const { column, prop, kind } of columns) {
          const value = decodeValue(kind, record[column]);
          row[prop] = kind === 'date' && value !== null ? new Date(value as number) : value;
        }
        return row as R;
      });
    },
  };
}

/** `?, ?, ?` for n values. */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** Rows whose `column` is one of `keys`, in one statement. */
export function rowsWithKeys<R>(
  reader: SqlReader,
  name: TableName,
  column: string,
  keys: readonly unknown[],
  orderBy = '',
): Promise<R[]> {
  if (keys.length === 0) return Promise.resolve([]);
  return reader.rows<R>(
    name,
    `select * from ${reader.table(name)} where ${column} in (${placeholders(keys.length)})${orderBy ? ` order by ${orderBy}` : ''}`,
    keys,
  );
}
