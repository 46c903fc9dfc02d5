// PostgreSQL append throughput, same batches as sqlite-append, into a fresh schema that is dropped
// afterwards. Needs BENCH_DATABASE_URL or TEST_DATABASE_URL; without one it is skipped, not passed.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { EventStore } from '../../src/eventstore/port.ts';
import type { Measurement, ScenarioContext, Skipped } from '../scenario.ts';
import { appendBatches, perSecond, Stopwatch } from '../support.ts';

export const name = 'postgres-append';
export const description = 'PostgreSQL appendBatch, 100 events over ~100 streams per call';

const TOTAL = 100_000;

export async function run(context: ScenarioContext): Promise<Measurement | Skipped> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) return { skipped: 'set BENCH_DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL database' };
  const schema = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const { openPostgresEventStore } = await import('../../src/eventstore/postgres.ts');
  const store: EventStore = await openPostgresEventStore({ url, schema });
  const watch = new Stopwatch();
  let events = 0;
  let batches = 0;
  try {
    for (const batch of appendBatches(TOTAL, 100)) {
      await watch.time(() => store.appendBatch(batch));
      batches += 1;
      events += batch.reduce((n, r) => n + r.events.length, 0);
      if (batches % 200 === 0) context.log(`${events} events appended`);
    }
  } finally {
    await store.close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => admin.end());
  }
  return {
    value: perSecond(events, watch.seconds),
    unit: 'events/s',
    target: 30_000,
    details: { events, batches, seconds: watch.seconds },
  };
}
