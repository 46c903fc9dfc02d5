// Sender: who wrote a message or whom a forward came from: a user, or a chat posting as itself.
import type { ChatRow, UserRow } from '../../queries/rows.ts';
import { rowsWithKeys } from '../../queries/sql.ts';
import { builder } from '../builder.ts';
import { ChatNode } from './chat.ts';
import { UserNode } from './user.ts';

/** Key of a sender: `<account>.<typed peer>`, e.g. 777.u42 or 777.c1001. */
export const senderKey = (account: string, peer: string): string => `${account}.${peer}`;

export const SenderUnion = builder.loadableUnion('Sender', {
  // A thunk: chat.ts and this file import each other.
  types: () => [UserNode, ChatNode],
  description: 'A user, or a channel or group that posted under its own name',
  load: async (keys: string[], { sql }) => {
    const userKeys: string[] = [];
    const chatKeys: string[] = [];
    for (const key of keys) {
      const dot = key.indexOf('.');
      const peer = key.slice(dot + 1);
      if (peer.startsWith('u')) userKeys.push(`${key.slice(0, dot)}.${peer.slice(1)}`);
      else chatKeys.push(key);
    }
    const users = await rowsWithKeys<UserRow>(sql, 'users', 'id', userKeys);
    const chats = await rowsWithKeys<ChatRow>(sql, 'chats', 'id', chatKeys);
    const found = new Map<string, UserRow | ChatRow>();
    for (const user of users) found.set(senderKey(user.account, `u${user.userId}`), user);
    for (const chat of chats) found.set(chat.id, chat);
    return keys.map((key) => found.get(key) ?? null) as (UserRow | ChatRow)[];
  },
  resolveType: (sender) => ('userId' in sender ? 'User' : 'Chat'),
});
