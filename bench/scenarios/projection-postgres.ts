// Projection throughput on PostgreSQL: a fresh read-model schema catching up over 100,000 generated
// events read from a SQLite event log, with `projections run`'s default batch size. Needs
// BENCH_DATABASE_URL or TEST_DATABASE_URL; the schema is dropped afterwards.
import pg from 'pg';
import { DEFAULT_BATCH_SIZE } from '../../projections/batch-sizes.ts';
import { catchUp, generatedLog } from '../projection/support.ts';
import type { Measurement, ScenarioContext, Skipped } from '../scenario.ts';
import { perSecond } from '../support.ts';

export const name = 'projection-postgres';
export const description = 'Projector catch-up into a PostgreSQL read model, 100,000 events';

const TOTAL = 100_000;

export async function run(context: ScenarioContext): Promise<Measurement | Skipped> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) return { skipped: 'set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL database' };
  const schema = `read_model_bench_${process.pid}`;
  const store = await generatedLog(context, TOTAL, 'bench-projection');
  try {
    context.log(`${TOTAL} events written; projecting`);
    const result = await catchUp(store, { kind: 'postgres', url }, schema);
    if (result.events !== TOTAL) throw new Error(`projected ${result.events} events, expected ${TOTAL}`);
    return {
      value: perSecond(result.events, result.seconds),
      unit: 'events/s',
      target: 15_000,
      details: {
        ...result,
        nodeCpuMicrosecondsPerEvent: Math.round((result.cpuSeconds / result.events) * 1e6),
        batchSize: DEFAULT_BATCH_SIZE,
        source: 'SQLite event log',
      },
    };
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`drop schema if exists "${schema}" cascade`);
    } finally {
      await client.end();
    }
  }
}
