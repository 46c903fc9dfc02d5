// `projections run --source kafka` through the CLI: option checks, the copy it needs, and a run
// against the fake broker that brings a log-built copy up to date from the topic.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { generateArchive } from '../../../bench/generator.ts';
import { readCheckpoints } from '../../../projections/db/operations.ts';
import { readKafkaOffsets } from '../../../projections/kafka.ts';
import { rebuildReadModel } from '../../../projections/manage.ts';
import { openReadModel, readModelLocation } from '../../../projections/read-model.ts';
import type { Command } from '../../../src/cli/command.ts';
import { commands } from '../../../src/cli/commands/index.ts';
import { runKafkaProjector } from '../../../src/cli/projections/kafka.ts';
import { loadConfig } from '../../../src/config/index.ts';
import { openSqliteEventStore } from '../../../src/eventstore/sqlite.ts';
import { readRoleStatus } from '../../../src/health/status-file.ts';
import { silentLogger } from '../../../src/log/logger.ts';
import { MemoryCheckpointStore } from '../../../src/relay/checkpoint/index.ts';
import { KafkaPublisher } from '../../../src/relay/publisher.ts';
import { runRelay } from '../../../src/relay/relay.ts';
import { runCommands } from '../../support/cli-in-process.ts';
import { FakeKafkaCluster } from '../../support/fake-kafka.ts';
import { waitFor } from '../../support/wait.ts';

const TOPIC = 'telegram-archive.events';
const archive = [...generateArchive({ seed: 'kafka-projector', totalEvents: 120 })];
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'ta-kafka-proj-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}) => ({
  DATA_DIR: dataDir,
  KAFKA_BROKERS: '127.0.0.1:9092',
  LOG_LEVEL: 'error',
  ...extra,
});

async function cli(
  list: readonly Command[],
  argv: string[],
  extra: Record<string, string> = {},
  signal?: AbortSignal,
) {
  return runCommands(list, argv, { cwd: dataDir, env: env(extra), signal }, '0.0.0-test');
}

async function append(from: number, to: number) {
  const store = openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
  try {
    for (const { stream, event } of archive.slice(from, to)) await store.append(stream, [event]);
    return store.readAll();
  } finally {
    await store.close();
  }
}

describe('projections run --source kafka', () => {
  it('checks its options', async () => {
    const bad = await cli(commands, ['projections', 'run', '--source', 'carrier-pigeon']);
    expect(bad).toMatchObject({ code: 2 });
    expect(bad.err).toMatch(/--source must be 'log' or 'kafka', got 'carrier-pigeon'/);
    expect((await cli(commands, ['projections', 'run', '--group', 'g'])).err).toMatch(
      /--group applies to --source kafka only/,
    );
    const mixed = await cli(commands, ['projections', 'run', '--source', 'kafka', '--batch-size', '10']);
    expect(mixed.err).toMatch(/--skip-event and --batch-size apply to --source log only/);
    const noBrokers = await cli(commands, ['projections', 'run', '--source', 'kafka'], { KAFKA_BROKERS: '' });
    expect(noBrokers).toMatchObject({ code: 1 });
    expect(noBrokers.err).toMatch(/KAFKA_BROKERS is empty/);
  });

  it('needs a copy built from the log first, and says how to get one', async () => {
    await append(0, 5);
    const result = await cli(commands, ['projections', 'run', '--source', 'kafka']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /no copy is active yet.*build one from the log first with 'telegram-archive projections rebuild'/,
    );
  });

  it('keeps a log-built copy current from the topic, reporting in its status file', async () => {
    const first = await append(0, 80);
    const { config } = loadConfig({ env: env(), cwd: dataDir });
    const location = readModelLocation(config);
    const store = openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
    await rebuildReadModel({ location, store });
    await store.close();
    const all = await append(80, 120);
    expect(first).toHaveLength(80);

    const cluster = new FakeKafkaCluster();
    cluster.createTopic(TOPIC, 3);
    const relayStore = openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
    await runRelay({
      store: relayStore,
      publisher: new KafkaPublisher(
        cluster.client(),
        { topic: TOPIC, create: false, partitions: 3, replicationFactor: 1 },
        silentLogger,
      ),
      checkpoint: new MemoryCheckpointStore(),
      logger: silentLogger,
      signal: new AbortController().signal,
      untilCaughtUp: true,
    });
    await relayStore.close();

    const projector: Command = {
      name: 'kafka-projector',
      summary: 'test',
      run: (context) =>
        runKafkaProjector(context, { location, groupId: 'g', createClient: () => cluster.client() }),
    };
    const controller = new AbortController();
    const running = cli([projector], ['kafka-projector'], {}, controller.signal);
    const copy = await openReadModel(location);
    try {
      await waitFor(async () => {
        const offsets = await readKafkaOffsets(copy, TOPIC);
        return [0, 1, 2].every((p) => (offsets.get(p) ?? '0') === String(cluster.records(TOPIC, p).length));
      }, 'the topic applied');
      expect(readRoleStatus(dataDir, 'projector')?.state).toBe('connected');
      const [checkpoint] = await copy.read((ops) => readCheckpoints(ops));
      // 80 events from the log, then all 120 from Kafka: the first 80 are repeats the guard passes over.
      expect(checkpoint!.eventCount).toBe(all.length);
    } finally {
      controller.abort();
      await copy.close();
    }
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.err).toMatch(
      /Projecting Kafka topic telegram-archive\.events \(group g\) into read_model_\d+/,
    );
    expect(readRoleStatus(dataDir, 'projector')?.state).toBe('stopped');
  });
});
