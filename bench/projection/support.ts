// Shared by the projection scenarios: a SQLite event log filled with a generated archive (untimed),
// and a catch-up of a fresh read-model copy from it, timed.
import { join } from 'node:path';
import { initCheckpoints } from '../../projections/apply.ts';
import { DEFAULT_BATCH_SIZE } from '../../projections/batch-sizes.ts';
import { openCopy, type ReadModelLocation } from '../../projections/db/open.ts';
import { ProjectionRunner } from '../../projections/runner.ts';
import { openSqliteEventStore, type SqliteEventStore } from '../../src/eventstore/sqlite.ts';
import type { ScenarioContext } from '../scenario.ts';
import { appendBatches } from '../support.ts';

export async function generatedLog(
  context: ScenarioContext,
  total: number,
  seed: string,
): Promise<SqliteEventStore> {
  const store = openSqliteEventStore({ path: join(context.tmpDir, 'events.sqlite') });
  let written = 0;
  let reported = 0;
  for (const batch of appendBatches(total, 2000, seed)) {
    await store.appendBatch(batch);
    for (const request of batch) written += request.events.length;
    if (written - reported >= 200_000) {
      reported = written;
      context.log(`${written} events written`);
    }
  }
  return store;
}

export interface CatchUp {
  readonly events: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
}

/** Projects the whole log into a new copy named `copyName`, as `projections run` does. */
export async function catchUp(
  store: SqliteEventStore,
  location: ReadModelLocation,
  copyName: string,
  batchSize = DEFAULT_BATCH_SIZE,
  bulk = false,
): Promise<CatchUp> {
  const copy = await openCopy(location, copyName, { create: true, bulk });
  try {
    await initCheckpoints(copy);
    const runner = new ProjectionRunner({ store, copy, batchSize });
    const cpu = process.cpuUsage();
    const started = performance.now();
    const events = await runner.catchUp();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return { events, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
  } finally {
    await copy.close();
  }
}
