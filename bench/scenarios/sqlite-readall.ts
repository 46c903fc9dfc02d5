// SQLite readAll throughput: a reader (projector, relay, export) paging through the whole log,
// 1,000 events per call, every event decoded. The log is written first, untimed.
import { join } from 'node:path';
import type { GlobalPosition } from '../../src/events/envelope.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import type { Measurement, ScenarioContext } from '../scenario.ts';
import { appendBatches, perSecond, Stopwatch } from '../support.ts';

export const name = 'sqlite-readall';
export const description = 'SQLite readAll from the start, pages of 1,000 events';

const TOTAL = 200_000;

export async function run(context: ScenarioContext): Promise<Measurement> {
  const store = openSqliteEventStore({ path: join(context.tmpDir, 'events.sqlite') });
  try {
    for (const batch of appendBatches(TOTAL, 1000, 'bench-read')) await store.appendBatch(batch);
    context.log(`${TOTAL} events written; reading`);
    const watch = new Stopwatch();
    let read = 0;
    let after: GlobalPosition | undefined;
    for (;;) {
      const page = await watch.time(() => store.readAll({ after, limit: 1000 }));
      read += page.length;
      if (page.length < 1000) break;
      after = page.at(-1)!.globalPosition;
    }
    if (read !== TOTAL) throw new Error(`read ${read} events, expected ${TOTAL}`);
    return {
      value: perSecond(read, watch.seconds),
      unit: 'events/s',
      target: 200_000,
      details: { events: read, pageSize: 1000, seconds: watch.seconds },
    };
  } finally {
    await store.close();
  }
}
