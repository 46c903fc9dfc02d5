// Aggregates over the read model for the stats fields: per chat (batched for a page of chats) and
// for the whole archive. Plain SQL that SQLite and PostgreSQL both accept.
import type { SqlReader } from './sql.ts';

export interface ChatStatsRow {
  readonly chat: string;
  readonly messages: number;
  readonly deleted: number;
  readonly edited: number;
  readonly withMedia: number;
  readonly reactions: number;
  readonly firstMessageDate: Date | null;
  readonly lastMessageDate: Date | null;
}

export interface ArchiveTotals {
  readonly chats: number;
  readonly users: number;
  readonly messages: number;
  readonly deleted: number;
  readonly edited: number;
  readonly versions: number;
  readonly withMedia: number;
  readonly mediaFiles: number;
  readonly mediaBytes: number;
  readonly reactions: number;
}

/** SQLite returns epoch milliseconds, PostgreSQL a Date. */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  const date =
    value instanceof Date
      ? value
      : new Date(
          typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (value as string | number),
        );
  return Number.isNaN(date.getTime()) ? null : date;
}

const perChat = (messages: string) => `select chat_id as chat,
  count(*) as messages,
  sum(case when deleted_at is not null then 1 else 0 end) as deleted,
  sum(case when edit_count > 0 then 1 else 0 end) as edited,
  sum(case when media_kind is not null then 1 else 0 end) as with_media,
  sum(reactions_total) as reactions,
  min(date) as first_date,
  max(date) as last_date
from ${messages}`;

type Row = Record<string, unknown>;

export async function loadChatStats(sql: SqlReader, chats: readonly string[]): Promise<ChatStatsRow[]> {
  const placeholders = chats.map(() => '?').join(', ');
  const rows = await sql.records<Row>(
    `${perChat(sql.table('messages'))} where chat_id in (${placeholders}) group by chat_id`,
    chats,
  );
  const byChat = new Map(rows.map((row) => [String(row.chat), row]));
  return chats.map((chat) => chatStatsFrom(chat, byChat.get(chat)));
}

function chatStatsFrom(chat: string, row: Row | undefined): ChatStatsRow {
  return {
    chat,
    messages: Number(row?.messages ?? 0),
    deleted: Number(row?.deleted ?? 0),
    edited: Number(row?.edited ?? 0),
    withMedia: Number(row?.with_media ?? 0),
    reactions: Number(row?.reactions ?? 0),
    firstMessageDate: toDate(row?.first_date),
    lastMessageDate: toDate(row?.last_date),
  };
}

export async function loadArchiveTotals(sql: SqlReader): Promise<ArchiveTotals> {
  const [chats, users, messages, versions, media] = (
    ['chats', 'users', 'messages', 'messageVersions', 'media'] as const
  ).map((name) => sql.table(name));
  const [row] = await sql.records<Row>(
    `select
      (select count(*) from ${chats}) as chats,
      (select count(*) from ${users}) as users,
      (select count(*) from ${messages}) as messages,
      (select count(*) from ${messages} where deleted_at is not null) as deleted,
      (select count(*) from ${messages} where edit_count > 0) as edited,
      (select count(*) from ${versions}) as versions,
      (select count(*) from ${messages} where media_kind is not null) as with_media,
      (select count(*) from ${media}) as media_files,
      (select coalesce(sum(size), 0) from ${media}) as media_bytes,
      (select coalesce(sum(reactions_total), 0) from ${messages}) as reactions`,
  );
  const n = (key: string) => Number(row?.[key] ?? 0);
  return {
    chats: n('chats'),
    users: n('users'),
    messages: n('messages'),
    deleted: n('deleted'),
    edited: n('edited'),
    versions: n('versions'),
    withMedia: n('with_media'),
    mediaFiles: n('media_files'),
    mediaBytes: n('media_bytes'),
    reactions: n('reactions'),
  };
}
