// The search index tables, outside the ORM because neither engine's full-text type is an entity
// column: an FTS5 table on SQLite (contentless, rowid = messages.id, rows deletable) and a tsvector
// table with a GIN index on PostgreSQL. Both hold the normalized document from document.ts.
import { quoteIdentifier } from '../db/tables.ts';

export const SQLITE_SEARCH_TABLE = 'message_fts';
export const POSTGRES_SEARCH_TABLE = 'message_search';

export const sqliteSearchDdl = (): string[] => [
  `create virtual table if not exists ${SQLITE_SEARCH_TABLE} using fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`,
];

export const postgresSearchTable = (schema: string): string =>
  `${quoteIdentifier(schema)}.${quoteIdentifier(POSTGRES_SEARCH_TABLE)}`;

export const postgresSearchDdl = (schema: string): string[] => [
  `create table if not exists ${postgresSearchTable(schema)} (message_pk int primary key, document tsvector not null)`,
  `create index if not exists message_search_document_gin on ${postgresSearchTable(schema)} using gin (document)`,
];
