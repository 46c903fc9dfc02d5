// Whether messages were pinned at a past moment, from the pin history, in one query per moment.
import { groupMomentKeys, momentKey } from './moment-keys.ts';
import type { PinRow } from './rows.ts';
import { placeholders, type SqlReader } from './sql.ts';

/** Keys are always "as of" keys (`<pk>@<ms>`): the current state is on the message row. */
export async function loadPinnedAsOf(sql: SqlReader, keys: readonly string[]): Promise<boolean[]> {
  const { past } = groupMomentKeys(keys);
  const pinned = new Map<string, boolean>();
  for (const [ms, pks] of past) {
    const asOf = new Date(ms);
    const pins = await sql.rows<PinRow>(
      'pins',
      `select * from ${sql.table('pins')} where message_pk in (${placeholders(pks.length)}) and observed_at <= ? order by message_pk, observed_at desc`,
      [...pks, asOf],
    );
    for (const pin of pins) {
      const key = momentKey(pin.message, asOf);
      if (!pinned.has(key)) pinned.set(key, pin.pinned);
    }
  }
  return keys.map((key) => pinned.get(key) ?? false);
}
