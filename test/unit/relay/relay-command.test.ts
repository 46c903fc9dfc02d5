// `telegram-archive relay` in process: the real command, configuration and SQLite store, with the
// fake broker in place of kafkajs's client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createRelayCommand } from '../../../src/cli/commands/relay.ts';
import { openSqliteEventStore } from '../../../src/eventstore/sqlite.ts';
import { readRoleStatus } from '../../../src/health/status-file.ts';
import { HEADERS } from '../../../src/relay/message.ts';
import { runCommands } from '../../support/cli-in-process.ts';
import { FakeKafkaCluster } from '../../support/fake-kafka.ts';
import { sampleEvent } from '../../support/sample-events.ts';

const TOPIC = 'telegram-archive.events';

let dataDir: string;
let cluster: FakeKafkaCluster;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'ta-relay-cmd-'));
  cluster = new FakeKafkaCluster();
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function seed(count: number, offset = 0): Promise<void> {
  const store = openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
  try {
    for (let i = offset; i < offset + count; i++)
      await store.append(`message-42.c100.${i + 1}`, [sampleEvent('MessageCreated')]);
  } finally {
    await store.close();
  }
}

async function relay(args: string[], env: Record<string, string> = {}, signal?: AbortSignal) {
  return runCommands(
    [createRelayCommand(() => cluster.client())],
    ['relay', ...args],
    {
      cwd: dataDir,
      signal,
      env: { DATA_DIR: dataDir, KAFKA_BROKERS: '127.0.0.1:9092', LOG_LEVEL: 'warn', ...env },
    },
    '0.0.0-test',
  );
}

describe('telegram-archive relay', () => {
  it('publishes the SQLite log once with --once and keeps its checkpoint in the same file', async () => {
    await seed(12);
    const first = await relay(['--once'], { KAFKA_CREATE_TOPIC: 'true', KAFKA_PARTITIONS: '3' });
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toMatch(
      /^Published 12 events to telegram-archive\.events; checkpoint at 12 \(sqlite .*relay_checkpoints/,
    );
    expect(cluster.topics.get(TOPIC)!.partitions).toHaveLength(3);
    expect(cluster.topics.get(TOPIC)!.config).toEqual({
      'max.message.bytes': '2097152',
      'retention.ms': '-1',
    });

    const db = new DatabaseSync(join(dataDir, 'events.sqlite'), { readOnly: true });
    expect(db.prepare('select name, position from relay_checkpoints').all()).toEqual([
      { name: `relay:${TOPIC}`, position: '12' },
    ]);
    db.close();

    await seed(3, 12);
    const second = await relay(['--once']);
    expect(second.out).toMatch(/^Published 3 events/);
    const records = cluster.allRecords(TOPIC);
    expect(records).toHaveLength(15);
    expect(new Set(records.map((r) => r.headers[HEADERS.eventId]!.toString())).size).toBe(15);
    expect(readRoleStatus(dataDir, 'relay')).toMatchObject({ role: 'relay', state: 'stopped' });
  });

  it('follows the log until stopped, reporting connected in its status file', async () => {
    await seed(2);
    cluster.createTopic(TOPIC, 2);
    const controller = new AbortController();
    const running = relay([], {}, controller.signal);
    const deadline = Date.now() + 10_000;
    while (cluster.allRecords(TOPIC).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(readRoleStatus(dataDir, 'relay')?.state).toBe('connected');
    await seed(1, 2);
    while (cluster.allRecords(TOPIC).length < 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(cluster.allRecords(TOPIC)).toHaveLength(3);
    controller.abort();
    await expect(running).resolves.toMatchObject({ code: 0 });
  });

  it('explains an empty KAFKA_BROKERS', async () => {
    const result = await relay(['--once'], { KAFKA_BROKERS: '' });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/KAFKA_BROKERS is empty: set it to the brokers to publish to/);
  });

  it('rejects a bad --batch-size as a usage error', async () => {
    for (const bad of ['0', 'ten', '1.5', '20000']) {
      const result = await relay(['--once', '--batch-size', bad]);
      expect([bad, result.code]).toEqual([bad, 2]);
      expect(result.err).toMatch(/--batch-size must be a whole number from 1 to 10000/);
    }
  });

  it('ends with exit 1 and the fix when the topic refuses an event', async () => {
    const store = openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
    await store.append('message-42.c100.1', [
      {
        ...sampleEvent('MessageCreated'),
        metadata: { source: 'live', observedAt: '2024-01-01T00:00:00Z', raw: 'x'.repeat(200_000) },
      },
    ]);
    await store.close();
    cluster.messageMaxBytes = 100_000; // a broker configured with a smaller limit
    cluster.createTopic(TOPIC, 1);
    const result = await relay(['--once']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /relay stopped: Kafka refused the request: MESSAGE_TOO_LARGE.*max\.message\.bytes/,
    );
  });
});
