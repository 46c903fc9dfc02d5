// The Kafka source end to end on the read model: a realistic archive goes through the relay (with a
// crash that republishes a tail) into the fake broker, a consumer group applies it to a copy with
// the projector's handlers, and the result must hold what projecting the log directly gives.
import { afterEach, describe, expect, it } from '@jest/globals';
import { generateArchive } from '../../../bench/generator.ts';
import { ProjectionHaltedError } from '../../../projections/apply.ts';
import type { ReadModelCopy } from '../../../projections/db/open.ts';
import { readCheckpoints } from '../../../projections/db/operations.ts';
import { applyPartitionBatch, kafkaOffsetRowName, readKafkaOffsets } from '../../../projections/kafka.ts';
import type { StoredEvent } from '../../../src/events/envelope.ts';
import { MemoryEventStore } from '../../../src/eventstore/memory.ts';
import { MemoryCheckpointStore } from '../../../src/relay/checkpoint/index.ts';
import { KafkaPublisher } from '../../../src/relay/publisher.ts';
import { runRelay } from '../../../src/relay/relay.ts';
import { type KafkaSink, runKafkaSource } from '../../../src/relay/source.ts';
import { FakeKafkaCluster } from '../../support/fake-kafka.ts';
import { captureLog } from '../../support/log-capture.ts';
import { waitFor } from '../../support/wait.ts';
import { freshCopy, projectAll, rows } from '../projections/support.ts';

const TOPIC = 'telegram-archive.events';
const open: ReadModelCopy[] = [];
const live = new Set<AbortController>();
afterEach(async () => {
  for (const controller of live) controller.abort();
  live.clear();
  for (const copy of open.splice(0)) await copy.close();
});

async function copy(): Promise<ReadModelCopy> {
  const made = await freshCopy();
  open.push(made);
  return made;
}

const sinkFor = (target: ReadModelCopy): KafkaSink => ({
  description: target.name,
  offsets: (topic) => readKafkaOffsets(target, topic),
  apply: async (batch) => {
    await applyPartitionBatch(target, batch, 0);
  },
  fatal: (error) => (error instanceof ProjectionHaltedError ? error : undefined),
});

/** The read model by natural keys, so that copies built in another order compare equal. */
async function content(target: ReadModelCopy) {
  const messages = await rows<Record<string, unknown>>(target, 'messages');
  const key = new Map(messages.map((m) => [m.id, `${m.chat}.${m.messageId}`]));
  const natural = (row: Record<string, unknown>) => {
    const { id: _id, message, ...rest } = row;
    return { ...rest, message: key.get(message) ?? message };
  };
  const sorted = (list: unknown[]) => list.map((r) => JSON.stringify(r)).sort();
  return {
    chats: sorted(await rows(target, 'chats')),
    users: sorted(await rows(target, 'users')),
    userNames: sorted(
      (await rows<Record<string, unknown>>(target, 'userNames')).map(({ id: _id, ...r }) => r),
    ),
    messages: sorted(messages.map(({ id: _id, ...r }) => r)),
    messageVersions: sorted((await rows<Record<string, unknown>>(target, 'messageVersions')).map(natural)),
    reactions: sorted((await rows<Record<string, unknown>>(target, 'reactions')).map(natural)),
    pins: sorted((await rows<Record<string, unknown>>(target, 'pins')).map(natural)),
    // media.firstSeenAt is "the first file reference applied", so it depends on the order across
    // streams, which Kafka's partitions do not keep. Known and reported; everything else must match.
    media: sorted(
      (await rows<Record<string, unknown>>(target, 'media')).map(({ firstSeenAt: _f, ...r }) => r),
    ),
  };
}

describe('projecting from Kafka', () => {
  it('gives the same read model as projecting the log, despite repeats and interleaved partitions', async () => {
    const store = new MemoryEventStore();
    for (const { stream, event } of generateArchive({ seed: 'kafka-source', totalEvents: 1200 }))
      await store.append(stream, [event]);
    const events: StoredEvent[] = await store.readAll();
    expect(events).toHaveLength(1200);

    const fromLog = await copy();
    await projectAll(fromLog, events, { batchSize: 250 });

    const cluster = new FakeKafkaCluster();
    cluster.createTopic(TOPIC, 4);
    const { logger } = captureLog();
    const relay = (checkpoint: MemoryCheckpointStore) =>
      runRelay({
        store,
        publisher: new KafkaPublisher(
          cluster.client(),
          { topic: TOPIC, create: false, partitions: 4, replicationFactor: 1 },
          logger,
        ),
        checkpoint,
        logger,
        signal: new AbortController().signal,
        untilCaughtUp: true,
        batchSize: 100,
      });
    await relay(new MemoryCheckpointStore());
    // A relay that crashed before saving its checkpoint publishes the tail once more.
    await relay(new MemoryCheckpointStore(events[999]!.globalPosition));
    expect(cluster.allRecords(TOPIC)).toHaveLength(1400);

    const fromKafka = await copy();
    const controller = new AbortController();
    live.add(controller);
    const running = runKafkaSource({
      client: cluster.client(),
      topic: TOPIC,
      groupId: 'projector',
      sink: sinkFor(fromKafka),
      logger,
      signal: controller.signal,
    });
    await waitFor(async () => {
      const offsets = await readKafkaOffsets(fromKafka, TOPIC);
      return [0, 1, 2, 3].every((p) => (offsets.get(p) ?? '0') === String(cluster.records(TOPIC, p).length));
    }, 'every partition applied');
    controller.abort();
    await running;

    expect(await content(fromKafka)).toEqual(await content(fromLog));
    const checkpoints = await fromKafka.read((ops) => readCheckpoints(ops));
    expect(checkpoints.map((c) => c.name).sort()).toEqual(['chats', 'messages', 'search']);
    // Every event counted once, repeats not at all; the log position is left alone.
    expect(checkpoints.every((c) => c.eventCount === checkpoints[0]!.eventCount && c.position === null)).toBe(
      true,
    );
    const logCounts = await fromLog.read((ops) => readCheckpoints(ops));
    expect(checkpoints[0]!.eventCount).toBe(logCounts[0]!.eventCount);
    const all = await rows<{ name: string; position: string }>(fromKafka, 'checkpoints');
    expect(all.find((r) => r.name === kafkaOffsetRowName(TOPIC, 0))?.position).toBe(
      String(cluster.records(TOPIC, 0).length),
    );
  }, 60_000);

  it('stops at an event the handlers reject, writing nothing of its batch', async () => {
    const target = await copy();
    const store = new MemoryEventStore();
    const [first] = [...generateArchive({ seed: 'poison', totalEvents: 1 })];
    await store.append(first!.stream, [first!.event]);
    const [stored] = await store.readAll();
    const broken = { ...stored!, data: { nonsense: true } } as unknown as StoredEvent;
    const attempt = applyPartitionBatch(target, {
      topic: TOPIC,
      partition: 0,
      events: [broken],
      nextOffset: '1',
    });
    await expect(attempt).rejects.toBeInstanceOf(ProjectionHaltedError);
    expect(await readKafkaOffsets(target, TOPIC)).toEqual(new Map());
  });
});
