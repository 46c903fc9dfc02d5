// Runs one read-model rebuild in its own process, so its peak memory is measured alone, and prints
// {events, seconds, cpuSeconds, peakRssMb} as JSON. Usage: node rebuild-child.ts <events.sqlite> <read-model dir>
import { rebuildReadModel } from '../../projections/manage.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';

const [storePath, directory] = process.argv.slice(2);
if (!storePath || !directory) throw new Error('usage: rebuild-child.ts <events.sqlite> <read-model dir>');
const store = openSqliteEventStore({ path: storePath });
try {
  const result = await rebuildReadModel({ location: { kind: 'sqlite', directory }, store });
  const usage = process.resourceUsage();
  const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  const peakRssMb = Math.round(usage.maxRSS / 1024);
  process.stdout.write(
    `${JSON.stringify({ events: result.events, seconds: result.seconds, cpuSeconds, peakRssMb })}\n`,
  );
} finally {
  await store.close();
}
