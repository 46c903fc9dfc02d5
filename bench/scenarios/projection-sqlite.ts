// Projection throughput on SQLite: a fresh read model catching up over 200,000 generated events read
// from a SQLite event log, with the settings of `projections run` (its default batch size).
import { DEFAULT_BATCH_SIZE } from '../../projections/batch-sizes.ts';
import { catchUp, generatedLog } from '../projection/support.ts';
import type { Measurement, ScenarioContext } from '../scenario.ts';
import { perSecond } from '../support.ts';

export const name = 'projection-sqlite';
export const description = 'Projector catch-up into a SQLite read model, 200,000 events';

const TOTAL = 200_000;

export async function run(context: ScenarioContext): Promise<Measurement> {
  const store = await generatedLog(context, TOTAL, 'bench-projection');
  try {
    context.log(`${TOTAL} events written; projecting`);
    const result = await catchUp(store, { kind: 'sqlite', directory: context.tmpDir }, 'read_model_1');
    if (result.events !== TOTAL) throw new Error(`projected ${result.events} events, expected ${TOTAL}`);
    return {
      value: perSecond(result.events, result.seconds),
      unit: 'events/s',
      target: 30_000,
      details: {
        ...result,
        cpuMicrosecondsPerEvent: Math.round((result.cpuSeconds / result.events) * 1e6),
        batchSize: DEFAULT_BATCH_SIZE,
      },
    };
  } finally {
    await store.close();
  }
}
