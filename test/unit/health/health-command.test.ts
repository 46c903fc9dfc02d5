// `telegram-archive health` against real SQLite files: the event log, a read model built by the
// projector, and status files written as the roles write them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { generateArchive } from '../../../bench/generator.ts';
import { rebuildReadModel } from '../../../projections/manage.ts';
import { openReadModel, readModelLocation } from '../../../projections/read-model.ts';
import { healthCommand } from '../../../src/cli/commands/health.ts';
import { loadConfig } from '../../../src/config/index.ts';
import { openEventStore } from '../../../src/eventstore/index.ts';
import { openSqliteEventStore } from '../../../src/eventstore/sqlite.ts';
import { gatherHealth } from '../../../src/health/gather.ts';
import { createStatusReporter, writeRoleStatus } from '../../../src/health/status-file.ts';
import { silentLogger } from '../../../src/log/logger.ts';
import { SqliteCheckpointStore } from '../../../src/relay/checkpoint/sqlite.ts';
import { runCommands } from '../../support/cli-in-process.ts';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'ta-health-'));
  appended = 0;
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const archive = [...generateArchive({ seed: 'health', totalEvents: 20 })];
let appended = 0;

/** Appends the next `count` events of a small realistic archive. */
async function seed(count: number): Promise<void> {
  const store = openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
  try {
    for (const { stream, event } of archive.slice(appended, appended + count))
      await store.append(stream, [event]);
    appended += count;
  } finally {
    await store.close();
  }
}

async function buildReadModel(): Promise<void> {
  const { config } = loadConfig({ env: { DATA_DIR: dataDir }, cwd: dataDir });
  const store = await openEventStore(config, silentLogger);
  try {
    await rebuildReadModel({ location: readModelLocation(config), store });
  } finally {
    await store.close();
  }
}

async function health(args: string[] = []) {
  return runCommands([healthCommand], ['health', ...args], {
    cwd: dataDir,
    env: { DATA_DIR: dataDir, LOG_LEVEL: 'error' },
  });
}

describe('telegram-archive health', () => {
  it('fails without an event log, and does not create one', async () => {
    const result = await health();
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /^FAIL {2}store {2}no event log at .*events\.sqlite \(wrong DATA_DIR, or nothing archived yet\)\nUNHEALTHY\n$/,
    );
  });

  it('is healthy with just a reachable store, and prints JSON on request', async () => {
    await seed(3);
    const result = await health(['--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.out);
    expect(json).toMatchObject({
      healthy: true,
      checks: [{ name: 'store', status: 'ok', facts: { head: '3' } }],
    });
    expect(json.checks).toHaveLength(1);
  });

  it('requires what --check names', async () => {
    await seed(1);
    const result = await health(['--check', 'projector', '--check', 'listener']);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/FAIL {2}projector {2}no read model at .*: has the projector run\?/);
    expect(result.out).toMatch(
      /FAIL {2}listener {3}no status file: the listener has not run with this DATA_DIR/,
    );
  });

  it('judges the projector by the age of the oldest event it has not applied', async () => {
    await seed(4);
    await buildReadModel();
    const caughtUp = await health(['--check', 'projector']);
    expect(caughtUp.code).toBe(0);
    expect(caughtUp.out).toMatch(/ok {4}projector {2}read_model_\d+: caught up with the event log/);

    await seed(2);
    const { config } = loadConfig({ env: { DATA_DIR: dataDir }, cwd: dataDir });
    const deps = { openStore: openEventStore, openReadModel };
    const soon = await gatherHealth(
      config,
      silentLogger,
      { checks: ['projector'], maxLagSeconds: 300, timeoutMs: 8000 },
      deps,
    );
    expect(soon[1]).toMatchObject({ name: 'projector', status: 'ok', facts: { behind: 2 } });
    const later = await gatherHealth(
      config,
      silentLogger,
      {
        checks: ['projector'],
        maxLagSeconds: 300,
        timeoutMs: 8000,
        now: () => new Date(Date.now() + 3_600_000),
      },
      deps,
    );
    expect(later[1]).toMatchObject({ name: 'projector', status: 'fail' });
    expect(later[1]!.detail).toMatch(
      /2 events behind; the oldest waits for 60 min \(limit 5 min\): is the projector running\?/,
    );
  });

  it('checks the listener and the relay when their status files exist', async () => {
    await seed(2);
    const listener = createStatusReporter(dataDir, 'listener');
    listener.set('connected');
    writeRoleStatus(dataDir, {
      version: 1,
      role: 'relay',
      state: 'connected',
      since: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      pid: 1,
    });
    const checkpoint = new SqliteCheckpointStore(
      join(dataDir, 'events.sqlite'),
      'relay:telegram-archive.events',
    );
    await checkpoint.save('2');
    await checkpoint.close();
    const healthy = await health();
    expect(healthy.code).toBe(0);
    expect(healthy.out).toMatch(/ok {4}listener {2}connected to Telegram for \d+ s/);
    expect(healthy.out).toMatch(/ok {4}relay {5}connected to Kafka for \d+ s; caught up with the event log/);

    listener.stop('shutting down');
    const stopped = await health();
    expect(stopped.code).toBe(1);
    expect(stopped.out).toMatch(/FAIL {2}listener {2}stopped \d+ s ago \(shutting down\)/);
  });

  it('rejects unknown checks and bad limits as usage errors', async () => {
    expect(await health(['--check', 'viewer'])).toMatchObject({ code: 2 });
    expect((await health(['--max-lag', '0'])).err).toMatch(/--max-lag must be a whole number/);
  });
});
