// One page of a chat's messages, newest first, by keyset on Telegram's message id (one indexed
// range scan per page at any depth), with the filters and the "as of" view applied in SQL.
import type { MessageView } from './message-view.ts';
import type { MessageRow, VersionRow } from './rows.ts';
import { placeholders, type SqlReader } from './sql.ts';

export interface MessageFilter {
  readonly includeDeleted: boolean;
  readonly onlyDeleted: boolean;
  readonly onlyEdited: boolean;
  readonly hasMedia?: boolean;
  readonly mediaType?: string;
  /** Typed peer key of the sender (`u…`, `c…`). */
  readonly senderPeer?: string;
  readonly since?: Date;
  readonly until?: Date;
}

export interface PageWindow {
  /** Only messages older than this Telegram message id. */
  readonly olderThan?: number;
  /** Only messages newer than this Telegram message id. */
  readonly newerThan?: number;
  readonly limit: number;
  /** Oldest first (for `last`); the caller restores the newest-first order. */
  readonly oldestFirst: boolean;
}

export async function loadMessagePage(
  sql: SqlReader,
  chat: string,
  filter: MessageFilter,
  window: PageWindow,
  asOf?: Date,
): Promise<MessageView[]> {
  const where = ['m.chat_id = ?'];
  const params: unknown[] = [chat];
  const add = (condition: string, ...values: unknown[]) => {
    where.push(condition);
    params.push(...values);
  };
  if (window.olderThan !== undefined) add('m.message_id < ?', window.olderThan);
  if (window.newerThan !== undefined) add('m.message_id > ?', window.newerThan);
  if (filter.since) add('m.date >= ?', filter.since);
  if (filter.until) add('m.date <= ?', filter.until);
  if (filter.senderPeer !== undefined) add('m.sender_peer = ?', filter.senderPeer);
  if (filter.hasMedia === true) add('m.media_kind is not null');
  if (filter.hasMedia === false) add('m.media_kind is null');
  if (filter.mediaType !== undefined) add('m.media_kind = ?', filter.mediaType);
  if (asOf === undefined) {
    if (!filter.includeDeleted) add('m.deleted_at is null');
    if (filter.onlyDeleted) add('m.deleted_at is not null');
    if (filter.onlyEdited) add('m.edit_count > 0');
  } else {
    // Messages sent after the moment did not exist yet; a deletion or edit counts only once it happened.
    add('m.date is not null and m.date <= ?', asOf);
    if (!filter.includeDeleted) add('(m.deleted_at is null or m.deleted_at > ?)', asOf);
    if (filter.onlyDeleted) add('m.deleted_at is not null and m.deleted_at <= ?', asOf);
    if (filter.onlyEdited) {
      add(
        `m.edit_count > 0 and exists (select 1 from ${sql.table('messageVersions')} v where v.message_pk = m.id and v.version_no > 0 and v.valid_from <= ?)`,
        asOf,
      );
    }
  }
  const rows = await sql.rows<MessageRow>(
    'messages',
    `select m.* from ${sql.table('messages')} m where ${where.join(' and ')} order by m.message_id ${window.oldestFirst ? 'asc' : 'desc'} limit ?`,
    [...params, window.limit],
  );
  if (asOf === undefined) return rows.map((row) => ({ row }));
  const versions = await versionsAt(
    sql,
    rows.map((row) => row.id),
    asOf,
  );
  return rows.map((row) => ({ row, asOf, version: versions.get(row.id) }));
}

/**
 * The content version of each message valid at `asOf`: the newest version that began by then, or
 * (for a message the archive first saw later, e.g. by backfill) the earliest version known.
 */
export async function versionsAt(
  sql: SqlReader,
  messagePks: readonly number[],
  asOf: Date,
): Promise<Map<number, VersionRow>> {
  const found = new Map<number, VersionRow>();
  if (messagePks.length === 0) return found;
  const versions = await sql.rows<VersionRow>(
    'messageVersions',
    `select * from ${sql.table('messageVersions')} where message_pk in (${placeholders(messagePks.length)}) and (valid_from <= ? or version_no = 0) order by message_pk, version_no desc`,
    [...messagePks, asOf],
  );
  // Newest first per message: the first row seen is the newest that had begun, or version 0.
  for (const version of versions) {
    if (!found.has(version.message)) found.set(version.message, version);
  }
  return found;
}
