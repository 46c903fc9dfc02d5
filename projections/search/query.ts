// Full-text search over a read-model copy: ranked hits (bm25 on SQLite, ts_rank on PostgreSQL)
// with highlighted snippets, optionally within some chats, paged by an opaque cursor.
import type { ReadModelCopy } from '../db/open.ts';
import { parseQuery, type QueryTerm } from './document.ts';
import { type Snippet, snippet } from './snippet.ts';

export class InvalidSearchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSearchError';
  }
}

/** SQLite ranks the newest this many matches of a query (see searchMessages). */
export const RANKED_CANDIDATES = 5000;

export interface SearchOptions {
  readonly query: string;
  /** Chat keys (`<account>.<peer>`) to search in; all chats when absent. */
  readonly chats?: readonly string[];
  /** 1-100, default 20. */
  readonly limit?: number;
  /** From the previous page's `nextCursor`. */
  readonly cursor?: string;
  /** Default true: the archive keeps deleted messages searchable. */
  readonly includeDeleted?: boolean;
}

export interface SearchHit {
  /** messages.id */
  readonly message: number;
  readonly chat: string;
  readonly messageId: number;
  readonly date: Date | null;
  readonly deletedAt: Date | null;
  /** Higher is better, comparable within one result list only. */
  readonly score: number;
  readonly snippet: Snippet;
}

export interface SearchPage {
  readonly hits: SearchHit[];
  readonly nextCursor?: string;
}

/** FTS5 MATCH expression: every term required, quoted so no input is FTS syntax. */
export function sqliteMatchExpression(terms: readonly QueryTerm[]): string {
  return terms.map((t) => `"${t.tokens.join(' ')}"${t.prefix ? ' *' : ''}`).join(' AND ');
}

/** to_tsquery text: lexemes quoted, phrases with <->, prefixes with :*. */
export function postgresTsQuery(terms: readonly QueryTerm[]): string {
  return terms
    .map((t) => {
      const lexemes = t.tokens.map((token, i) => {
        const quoted = `'${token.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`;
        return i === t.tokens.length - 1 && t.prefix ? `${quoted}:*` : quoted;
      });
      return lexemes.length > 1 ? `(${lexemes.join(' <-> ')})` : lexemes[0];
    })
    .join(' & ');
}

interface Cursor {
  readonly offset: number;
  readonly query: string;
}

function decodeCursor(cursor: string, query: string): number {
  let parsed: Cursor;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw new InvalidSearchError('The search cursor is not one this server issued');
  }
  if (!Number.isInteger(parsed.offset) || parsed.offset < 0)
    throw new InvalidSearchError('The search cursor is not one this server issued');
  if (parsed.query !== query) throw new InvalidSearchError('The search cursor belongs to a different query');
  return parsed.offset;
}

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

interface HitRow {
  id: number;
  chat_id: string;
  message_id: number;
  date: unknown;
  deleted_at: unknown;
  text: string;
  media: unknown;
  score: number;
}

const toDate = (value: unknown): Date | null => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return new Date(value);
  return new Date(
    String(value)
      .replace(' ', 'T')
      .replace(/([+-]\d\d)$/, '$1:00'),
  );
};

function fileNameOf(media: unknown): string | undefined {
  const parsed = typeof media === 'string' ? (JSON.parse(media) as { fileName?: string }) : media;
  return (parsed as { fileName?: string } | null)?.fileName;
}

export async function searchMessages(copy: ReadModelCopy, options: SearchOptions): Promise<SearchPage> {
  const terms = parseQuery(options.query);
  if (terms.length === 0) throw new InvalidSearchError('The search query has no words to look for');
  const limit = options.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new InvalidSearchError(`limit must be an integer from 1 to 100, got ${limit}`);
  const offset = options.cursor ? decodeCursor(options.cursor, options.query) : 0;
  const chats = options.chats ?? [];
  const m = copy.tables.messages.sql;
  let rows: HitRow[];
  if (copy.dialect === 'sqlite') {
    // Rank inside the index first and read only the page's messages. bm25 costs ~5 µs a match, so
    // the ranking considers the newest RANKED_CANDIDATES matches: a word in 80,000 messages would
    // otherwise take ~250 ms per page on a million-message archive.
    const filtered = chats.length > 0 || options.includeDeleted === false;
    const filters = [
      ...(chats.length ? [`f.chat_id in (${chats.map(() => '?').join(', ')})`] : []),
      ...(options.includeDeleted === false ? ['f.deleted_at is null'] : []),
    ];
    const candidates = filtered
      ? `select t.rowid as id, -bm25(${copy.searchTable}) as score from ${copy.searchTable} t join ${m} f on f.id = t.rowid
         where ${copy.searchTable} match ? and ${filters.join(' and ')} order by t.rowid desc limit ?`
      : `select rowid as id, -bm25(${copy.searchTable}) as score from ${copy.searchTable}
         where ${copy.searchTable} match ? order by rowid desc limit ?`;
    rows = await copy.query<HitRow>(
      `select m.id, m.chat_id, m.message_id, m.date, m.deleted_at, m.text, m.media, c.score
       from (${candidates}) c join ${m} m on m.id = c.id order by c.score desc, m.id desc limit ? offset ?`,
      [sqliteMatchExpression(terms), ...chats, RANKED_CANDIDATES, limit + 1, offset],
    );
  } else {
    const where = [
      's.document @@ q',
      '(cardinality($2::text[]) = 0 or m.chat_id = any($2::text[]))',
      ...(options.includeDeleted === false ? ['m.deleted_at is null'] : []),
    ];
    rows = await copy.query<HitRow>(
      `select m.id, m.chat_id, m.message_id, m.date::text as date, m.deleted_at::text as deleted_at, m.text, m.media, ts_rank(s.document, q) as score
       from ${copy.searchTable} s join ${m} m on m.id = s.message_pk, to_tsquery('simple', $1) q
       where ${where.join(' and ')} order by score desc, m.id desc limit $3 offset $4`,
      [postgresTsQuery(terms), chats, limit + 1, offset],
    );
  }
  const hits = rows.slice(0, limit).map((row) => {
    let excerpt = snippet(row.text, terms);
    const fileName = fileNameOf(row.media);
    if (excerpt.highlights.length === 0 && fileName) {
      const named = snippet(fileName, terms);
      if (named.highlights.length > 0) excerpt = named;
    }
    return {
      message: Number(row.id),
      chat: row.chat_id,
      messageId: Number(row.message_id),
      date: toDate(row.date),
      deletedAt: toDate(row.deleted_at),
      score: Number(row.score),
      snippet: excerpt,
    };
  });
  return rows.length > limit
    ? { hits, nextCursor: encodeCursor({ offset: offset + limit, query: options.query }) }
    : { hits };
}
