// A page of chats, most recently active first (chats without messages last), by keyset on
// (last message date, id) so that paging stays correct while new messages arrive.
import type { FilterQuery } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sqlite';
import { Chat } from '../../../projections/index.ts';
import { type ChatRow, selectRows } from './rows.ts';
import { containsIgnoringCase } from './text-match.ts';

export interface ChatFilter {
  readonly type?: string;
  readonly search?: string;
}

/** A position in the chat order: the last message date in ms (null for chats without any) and the id. */
export interface ChatPosition {
  readonly lastMessageMs: number | null;
  readonly id: string;
}

export interface ChatWindow {
  readonly after?: ChatPosition;
  readonly before?: ChatPosition;
  readonly limit: number;
  /** Reverse order (for `last`); the caller restores it. */
  readonly reversed: boolean;
}

export const chatPosition = (chat: ChatRow): ChatPosition => ({
  lastMessageMs: chat.lastMessageDate ? chat.lastMessageDate.getTime() : null,
  id: chat.id,
});

/** Chats strictly after `p` in the order (date desc nulls last, id asc). */
function afterPosition(p: ChatPosition): FilterQuery<Chat> {
  if (p.lastMessageMs === null) return { lastMessageDate: null, id: { $gt: p.id } };
  const date = new Date(p.lastMessageMs);
  return {
    $or: [
      { lastMessageDate: { $lt: date } },
      { lastMessageDate: date, id: { $gt: p.id } },
      { lastMessageDate: null },
    ],
  };
}

/** Chats strictly before `p` in the order. */
function beforePosition(p: ChatPosition): FilterQuery<Chat> {
  if (p.lastMessageMs === null) {
    return { $or: [{ lastMessageDate: { $ne: null } }, { lastMessageDate: null, id: { $lt: p.id } }] };
  }
  const date = new Date(p.lastMessageMs);
  return { $or: [{ lastMessageDate: { $gt: date } }, { lastMessageDate: date, id: { $lt: p.id } }] };
}

export async function loadChatPage(
  em: SqlEntityManager,
  filter: ChatFilter,
  window: ChatWindow,
): Promise<ChatRow[]> {
  const conditions: FilterQuery<Chat>[] = [];
  if (filter.type !== undefined) conditions.push({ type: filter.type });
  const search = filter.search?.trim().replace(/^@/, '');
  if (search) {
    conditions.push(containsIgnoringCase<Chat>(['title', 'username'], search));
  }
  if (window.after) conditions.push(afterPosition(window.after));
  if (window.before) conditions.push(beforePosition(window.before));
  return selectRows<ChatRow, Chat>(em, Chat, {
    where: { $and: conditions },
    orderBy: [
      { lastMessageDate: window.reversed ? 'asc nulls first' : 'desc nulls last' },
      { id: window.reversed ? 'desc' : 'asc' },
    ],
    limit: window.limit,
  });
}
