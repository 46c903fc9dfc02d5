// Table descriptions taken from the ORM metadata, so the projector's raw SQL always matches the
// entities: table and column names, primary keys, and how each value is stored per dialect.
import type { EntityClass, EntityMetadata, MetadataStorage } from '@mikro-orm/core';
import {
  Account,
  BackfillRun,
  Chat,
  Checkpoint,
  Media,
  Message,
  MessageMedia,
  MessageVersion,
  Pin,
  Reaction,
  ReactionSnapshot,
  SkippedEvent,
  UnresolvedDeletion,
  User,
  UserName,
} from '../entities/index.ts';

export type Dialect = 'sqlite' | 'postgres';

export type ValueKind = 'date' | 'json' | 'boolean' | 'integer' | 'bigint' | 'float' | 'string';

export interface ColumnInfo {
  readonly prop: string;
  readonly column: string;
  readonly kind: ValueKind;
  /** The column type as the dialect declares it (used for PostgreSQL array casts). */
  readonly sqlType: string;
}

export interface TableInfo {
  readonly name: string;
  /** Qualified and quoted, ready for SQL. */
  readonly sql: string;
  readonly columns: readonly ColumnInfo[];
  readonly primaryKey: readonly ColumnInfo[];
  column(prop: string): ColumnInfo;
}

const ENTITIES = {
  accounts: Account,
  unresolvedDeletions: UnresolvedDeletion,
  backfillRuns: BackfillRun,
  chats: Chat,
  users: User,
  userNames: UserName,
  messages: Message,
  messageVersions: MessageVersion,
  reactions: Reaction,
  reactionSnapshots: ReactionSnapshot,
  pins: Pin,
  media: Media,
  messageMedia: MessageMedia,
  checkpoints: Checkpoint,
  skippedEvents: SkippedEvent,
} as const;

export type TableName = keyof typeof ENTITIES;
export type Tables = Readonly<Record<TableName, TableInfo>>;

function kindOf(prop: EntityMetadata['props'][number], sqlType: string): ValueKind {
  const type = String(prop.type).toLowerCase();
  if (prop.runtimeType === 'Date') return 'date';
  if (type.includes('json')) return 'json';
  if (prop.runtimeType === 'boolean') return 'boolean';
  if (type === 'bigint' || sqlType === 'bigint') return 'bigint';
  if (type === 'double' || type === 'float' || sqlType.startsWith('double') || sqlType === 'real')
    return 'float';
  if (/^(int|integer|smallint)/.test(sqlType)) return 'integer';
  return 'string';
}

export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export function describeTables(metadata: MetadataStorage, schema?: string): Tables {
  const tables = {} as Record<TableName, TableInfo>;
  for (const [name, entity] of Object.entries(ENTITIES) as [TableName, (typeof ENTITIES)[TableName]][]) {
    const meta = metadata.get(entity as EntityClass<object>) as EntityMetadata;
    const columns: ColumnInfo[] = [];
    for (const prop of meta.props) {
      if (prop.kind !== 'scalar' && prop.kind !== 'm:1') continue;
      const sqlType = String(prop.columnTypes?.[0] ?? 'text').toLowerCase();
      columns.push({ prop: prop.name, column: prop.fieldNames[0]!, kind: kindOf(prop, sqlType), sqlType });
    }
    const byProp = new Map(columns.map((c) => [c.prop, c]));
    tables[name] = {
      name: meta.tableName,
      sql: schema
        ? `${quoteIdentifier(schema)}.${quoteIdentifier(meta.tableName)}`
        : quoteIdentifier(meta.tableName),
      columns,
      primaryKey: meta.primaryKeys.map((key) => byProp.get(key)!),
      column: (prop) => {
        const column = byProp.get(prop);
        if (!column) throw new Error(`Table ${meta.tableName} has no property '${prop}'`);
        return column;
      },
    };
  }
  return tables;
}

/** A JS value of a row as the driver should bind it. */
export function encodeValue(dialect: Dialect, kind: ValueKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'date':
      // PostgreSQL: ISO text (UTC), which the driver passes through instead of formatting a Date.
      return dialect === 'sqlite' ? value : new Date(value as number).toISOString();
    case 'json':
      return JSON.stringify(value);
    case 'boolean':
      return dialect === 'sqlite' ? (value ? 1 : 0) : Boolean(value);
    default:
      return value;
  }
}

/** A fast encoder for whole rows of one table: fills `out` with the bound values in column order. */
export function rowEncoder(
  dialect: Dialect,
  columns: readonly ColumnInfo[],
): (row: object, out: unknown[]) => void {
  const props = columns.map((c) => c.prop);
  // 0 passes through, 1 date, 2 JSON, 3 boolean: only these differ from the JS value.
  const codes = columns.map((c) =>
    c.kind === 'date' ? 1 : c.kind === 'json' ? 2 : c.kind === 'boolean' ? 3 : 0,
  );
  const sqlite = dialect === 'sqlite';
  return (row, out) => {
    const r = row as Record<string, unknown>;
    for (let i = 0; i < props.length; i++) {
      const v = r[props[i]!];
      if (v === null || v === undefined) out[i] = null;
      else if (codes[i] === 0) out[i] = v;
      else if (codes[i] === 1) out[i] = sqlite ? v : new Date(v as number).toISOString();
      else if (codes[i] === 2) out[i] = JSON.stringify(v);
      else out[i] = sqlite ? (v ? 1 : 0) : Boolean(v);
    }
  };
}

/** PostgreSQL timestamps arrive as text (`2024-05-01 12:00:00.123+00`); SQLite stores epoch ms. */
function toMillis(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'bigint') return Number(value);
  const text = String(value);
  if (/^\d+$/.test(text)) return Number(text);
  const iso = text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`Unreadable timestamp '${text}' in the read model`);
  return ms;
}

export function decodeValue(kind: ValueKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'date':
      return toMillis(value);
    case 'json':
      return typeof value === 'string' ? JSON.parse(value) : value;
    case 'boolean':
      return value === true || value === 1 || value === '1' || value === 't';
    case 'integer':
    case 'bigint':
    case 'float':
      return typeof value === 'number' ? value : Number(value);
    default:
      return value;
  }
}

/** Decodes rows read as arrays of the table's columns, in `table.columns` order. */
export function arrayDecoder<T>(table: TableInfo): (values: readonly unknown[]) => T {
  const props = table.columns.map((c) => c.prop);
  const kinds = table.columns.map((c) => c.kind);
  return (values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < props.length; i++) row[props[i]!] = decodeValue(kinds[i]!, values[i]);
    return row as T;
  };
}

/** A database row (keyed by column) as a projector row (keyed by property). */
export function decodeRow<T>(table: TableInfo, raw: Record<string, unknown>): T {
  const row: Record<string, unknown> = {};
  for (const c of table.columns) row[c.prop] = decodeValue(c.kind, raw[c.column]);
  return row as T;
}

/**
 * What an insert does with a row whose primary key exists, in the syntax SQLite and PostgreSQL
 * share: fail, keep the stored row, or overwrite its other columns (a table with only key columns
 * has nothing to overwrite).
 */
export function conflictClause(table: TableInfo, onConflict: 'upsert' | 'ignore' | 'fail'): string {
  if (onConflict === 'fail') return '';
  const key = table.primaryKey.map((c) => quoteIdentifier(c.column)).join(', ');
  const rest = table.columns.filter((c) => !table.primaryKey.includes(c));
  if (onConflict === 'ignore' || rest.length === 0) return ` on conflict (${key}) do nothing`;
  const set = rest.map((c) => `${quoteIdentifier(c.column)} = excluded.${quoteIdentifier(c.column)}`);
  return ` on conflict (${key}) do update set ${set.join(', ')}`;
}
