// SQLite append throughput: appendBatch calls of 100 generated events, each batch spread over
// about as many streams (consecutive events of a live archive rarely share a stream), into a new
// file. Only the appendBatch calls are timed.
import { join } from 'node:path';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import type { Measurement, ScenarioContext } from '../scenario.ts';
import { appendBatches, perSecond, Stopwatch } from '../support.ts';

export const name = 'sqlite-append';
export const description = 'SQLite appendBatch, 100 events over ~100 streams per call';

const TOTAL = 200_000;

export async function run(context: ScenarioContext): Promise<Measurement> {
  const store = openSqliteEventStore({ path: join(context.tmpDir, 'events.sqlite') });
  const watch = new Stopwatch();
  let events = 0;
  let requests = 0;
  let batches = 0;
  try {
    for (const batch of appendBatches(TOTAL, 100)) {
      await watch.time(() => store.appendBatch(batch));
      batches += 1;
      requests += batch.length;
      events += batch.reduce((n, r) => n + r.events.length, 0);
      if (batches % 500 === 0) context.log(`${events} events appended`);
    }
  } finally {
    await store.close();
  }
  return {
    value: perSecond(events, watch.seconds),
    unit: 'events/s',
    target: 100_000,
    details: {
      events,
      batches,
      streamsPerBatch: Math.round((requests / batches) * 10) / 10,
      seconds: watch.seconds,
    },
  };
}
