// Read-model lookups for the listener and the deciders. Telegram reports deletions in private chats
// and basic groups without the chat: their message ids share one sequence per account, so the id
// alone names the message. Both lookups take a page of ids and cost one query.
import type { MediaDescriptor, MessageEntity } from '../src/events/payloads.ts';
import { type PeerRef, parsePeerKey, peerKey } from '../src/events/peers.ts';
import type { ReadModelCopy } from './db/open.ts';
import { decodeRow } from './db/tables.ts';
import { chatKey } from './keys.ts';
import type { MessageRow } from './model.ts';

/** Ids per statement: far below every engine's parameter limit, large enough for a page. */
const CHUNK = 500;

function chunked<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

const placeholders = (copy: ReadModelCopy, from: number, count: number): string =>
  Array.from({ length: count }, (_, i) => (copy.dialect === 'sqlite' ? '?' : `$${from + i}`)).join(', ');

/**
 * The chat of each message id in the account's shared id space (private chats and basic groups).
 * Ids found in no chat, or (against Telegram's rules) in more than one, are left out, so the
 * caller records them as unresolved instead of deleting the wrong message.
 */
export async function findChatsForMessageIds(
  copy: ReadModelCopy,
  account: string,
  messageIds: readonly number[],
): Promise<Map<number, PeerRef>> {
  const ids = [...new Set(messageIds)];
  const found = new Map<number, PeerRef>();
  if (ids.length === 0) return found;
  const ambiguous = new Set<number>();
  const m = copy.tables.messages.sql;
  const rows: { message_id: number; chat_peer: string }[] = [];
  for (const page of chunked(ids))
    rows.push(
      ...(await copy.query<{ message_id: number; chat_peer: string }>(
        `select message_id, chat_peer from ${m}
         where account = ${copy.dialect === 'sqlite' ? '?' : '$1'} and message_id in (${placeholders(copy, 2, page.length)})
           and chat_kind in ('user', 'group')`,
        [account, ...page],
      )),
    );
  for (const row of rows) {
    const id = Number(row.message_id);
    const peer = parsePeerKey(row.chat_peer);
    if (!peer) continue;
    const known = found.get(id);
    if (known && peerKey(known) !== row.chat_peer) ambiguous.add(id);
    else found.set(id, peer);
  }
  for (const id of ambiguous) found.delete(id);
  return found;
}

/** What a decider compares an observation with. */
export interface MessageState {
  readonly chat: PeerRef;
  readonly messageId: number;
  /** Version of the last event of the message's stream, for optimistic concurrency on append. */
  readonly streamVersion: number;
  /** False when only later facts (a deletion, reactions) are known, never the message itself. */
  readonly created: boolean;
  readonly date: Date | null;
  readonly text: string;
  readonly entities: readonly MessageEntity[];
  readonly media: MediaDescriptor | null;
  readonly lastEditedAt: Date | null;
  readonly versionCount: number;
  readonly deletedAt: Date | null;
  readonly pinned: boolean;
  readonly reactionsHash: string | null;
  readonly mediaSha256: string | null;
  readonly mediaSkipReason: string | null;
}

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

/** Current state of a page of messages of one chat, in one query; ids not in the read model are absent. */
export async function loadMessageStates(
  copy: ReadModelCopy,
  account: string,
  chat: PeerRef,
  messageIds: readonly number[],
): Promise<Map<number, MessageState>> {
  const ids = [...new Set(messageIds)];
  const states = new Map<number, MessageState>();
  if (ids.length === 0) return states;
  const table = copy.tables.messages;
  const rows: Record<string, unknown>[] = [];
  for (const page of chunked(ids))
    rows.push(
      ...(await copy.query<Record<string, unknown>>(
        `select * from ${table.sql} where chat_id = ${copy.dialect === 'sqlite' ? '?' : '$1'} and message_id in (${placeholders(copy, 2, page.length)})`,
        [chatKey(account, chat), ...page],
      )),
    );
  for (const raw of rows) {
    const row = decodeRow<MessageRow>(table, raw);
    states.set(row.messageId, {
      chat,
      messageId: row.messageId,
      streamVersion: row.streamVersion,
      created: row.date !== null,
      date: date(row.date),
      text: row.text,
      entities: row.entities,
      media: row.media,
      lastEditedAt: date(row.lastEditedAt),
      versionCount: row.versionCount,
      deletedAt: date(row.deletedAt),
      pinned: row.pinned,
      reactionsHash: row.reactionsHash,
      mediaSha256: row.mediaSha256,
      mediaSkipReason: row.mediaSkipReason,
    });
  }
  return states;
}
