// `projections rebuild` on SQLite over 1,000,000 generated events: the time to a complete new copy,
// measured in a child process that does nothing else, so its peak RSS is the rebuild's own. The
// target is 60 s; a peak RSS above 500 MB fails the scenario as well.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generatedLog } from '../projection/support.ts';
import type { Measurement, ScenarioContext } from '../scenario.ts';

export const name = 'projection-rebuild-sqlite';
export const description =
  'Rebuild of a SQLite read model from 1,000,000 events (<= 60 s, peak RSS <= 500 MB)';

const TOTAL = 1_000_000;
const RSS_LIMIT_MB = 500;
const CHILD = fileURLToPath(new URL('../projection/rebuild-child.ts', import.meta.url));

export async function run(context: ScenarioContext): Promise<Measurement> {
  const store = await generatedLog(context, TOTAL, 'bench-rebuild');
  await store.close();
  context.log(`${TOTAL} events written; rebuilding in a child process`);
  const directory = join(context.tmpDir, 'read-model');
  mkdirSync(directory);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--no-warnings', CHILD, join(context.tmpDir, 'events.sqlite'), directory],
    { maxBuffer: 1024 * 1024 },
  );
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    events: number;
    seconds: number;
    cpuSeconds: number;
    peakRssMb: number;
  };
  if (result.events !== TOTAL) throw new Error(`rebuilt from ${result.events} events, expected ${TOTAL}`);
  if (result.peakRssMb > RSS_LIMIT_MB)
    throw new Error(
      `peak RSS ${result.peakRssMb} MB is over the ${RSS_LIMIT_MB} MB limit (rebuild took ${result.seconds.toFixed(1)} s)`,
    );
  return {
    value: Math.round(result.seconds * 10) / 10,
    unit: 's',
    target: 60,
    better: 'lower',
    details: {
      ...result,
      eventsPerSecond: Math.round(result.events / result.seconds),
      rssLimitMb: RSS_LIMIT_MB,
    },
  };
}
