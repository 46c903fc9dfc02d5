// Reactions of a page of messages in one query: the current counts, or the snapshot that was in
// force at an earlier moment (reaction_snapshots keeps every snapshot Telegram sent).
import { groupMomentKeys, momentKey } from './moment-keys.ts';
import type { ReactionRow, ReactionSnapshotRow } from './rows.ts';
import { placeholders, rowsWithKeys, type SqlReader } from './sql.ts';

export interface ReactionCountShape {
  readonly reaction: string;
  readonly count: number;
  readonly chosenByMe?: boolean | null;
}

export async function loadReactions(
  sql: SqlReader,
  keys: readonly string[],
): Promise<ReactionCountShape[][]> {
  const { current, past } = groupMomentKeys(keys);
  const found = new Map<string, ReactionCountShape[]>();
  const rows = await rowsWithKeys<ReactionRow>(
    sql,
    'reactions',
    'message_pk',
    current,
    'message_pk, count desc, reaction',
  );
  for (const row of rows) {
    const key = momentKey(row.message);
    const list = found.get(key) ?? [];
    list.push({ reaction: row.reaction, count: row.count, chosenByMe: row.chosenByMe });
    found.set(key, list);
  }
  for (const [ms, pks] of past) {
    const asOf = new Date(ms);
    // Newest first per message: the first snapshot seen for a message is the one in force.
    const snapshots = await sql.rows<ReactionSnapshotRow>(
      'reactionSnapshots',
      `select * from ${sql.table('reactionSnapshots')} where message_pk in (${placeholders(pks.length)}) and observed_at <= ? order by message_pk, observed_at desc`,
      [...pks, asOf],
    );
    for (const snapshot of snapshots) {
      const key = momentKey(snapshot.message, asOf);
      if (found.has(key)) continue;
      found.set(
        key,
        [...snapshot.reactions].sort((a, b) => b.count - a.count || a.reaction.localeCompare(b.reaction)),
      );
    }
  }
  return keys.map((key) => found.get(key) ?? []);
}
