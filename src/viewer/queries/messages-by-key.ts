// Batch loading of messages addressed by (chat, Telegram message id), as replies and a chat's last
// message refer to them: one query for a whole page of references.
import { currentView, type MessageView } from './message-view.ts';
import type { MessageRow } from './rows.ts';
import { placeholders, type SqlReader } from './sql.ts';

export const chatMessageKey = (chat: string, messageId: number): string => `${chat}#${messageId}`;

function parseKey(key: string): { chat: string; messageId: number } {
  const hash = key.lastIndexOf('#');
  const messageId = Number(key.slice(hash + 1));
  if (hash < 0 || !Number.isSafeInteger(messageId)) throw new Error(`Malformed chat message key '${key}'`);
  return { chat: key.slice(0, hash), messageId };
}

export async function loadMessagesByChatKey(
  sql: SqlReader,
  keys: readonly string[],
): Promise<(MessageView | null)[]> {
  const byChat = new Map<string, number[]>();
  for (const { chat, messageId } of keys.map(parseKey)) {
    const ids = byChat.get(chat) ?? [];
    ids.push(messageId);
    byChat.set(chat, ids);
  }
  const clauses = [...byChat].map(
    ([, ids]) => `(chat_id = ? and message_id in (${placeholders(ids.length)}))`,
  );
  const params = [...byChat].flatMap(([chat, ids]) => [chat, ...ids]);
  const rows = await sql.rows<MessageRow>(
    'messages',
    `select * from ${sql.table('messages')} where ${clauses.join(' or ')}`,
    params,
  );
  const found = new Map(rows.map((row) => [chatMessageKey(row.chat, row.messageId), row]));
  return keys.map((key) => {
    const row = found.get(key);
    return row ? currentView(row) : null;
  });
}
