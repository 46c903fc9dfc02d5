// The chats with the most archived messages, with their stats, in one grouped query.
import type { SqlReader } from './sql.ts';
import { type ChatStatsRow, loadChatStats } from './stats.ts';

export async function loadBusiestChats(sql: SqlReader, limit: number): Promise<ChatStatsRow[]> {
  const rows = await sql.records<{ chat: string }>(
    `select chat_id as chat from ${sql.table('messages')} group by chat_id order by count(*) desc, chat_id asc limit ?`,
    [limit],
  );
  return rows.length === 0
    ? []
    : loadChatStats(
        sql,
        rows.map((row) => String(row.chat)),
      );
}
