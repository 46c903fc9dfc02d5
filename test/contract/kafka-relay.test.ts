// The relay against a broker: the fake always, a real Kafka when KAFKA_BROKERS is set. Both must
// show the same delivery: every event once, keyed by stream, in stream order within a partition
// chosen by kafkajs's murmur2 partitioner, with the headers consumers rely on.
import { afterAll, describe, expect, it } from '@jest/globals';
import kafkajs from 'kafkajs';
import type { StoredEvent } from '../../src/events/envelope.ts';
import { MemoryCheckpointStore } from '../../src/relay/checkpoint/index.ts';
import { KafkaTopicMissingError } from '../../src/relay/kafka-errors.ts';
import { HEADERS } from '../../src/relay/message.ts';
import { KafkaPublisher, type TopicSettings } from '../../src/relay/publisher.ts';
import { runRelay } from '../../src/relay/relay.ts';
import { type KafkaSink, runKafkaSource } from '../../src/relay/source.ts';
import { describeKafka, fakeTarget, type KafkaTarget, realTarget } from '../support/kafka.ts';
import { captureLog } from '../support/log-capture.ts';
import { MemoryLog, seed } from '../support/memory-log.ts';
import { waitFor } from '../support/wait.ts';

function partitionOf(key: string, partitions: number): number {
  const partitioner = kafkajs.Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
}

function relayContract(makeTarget: () => KafkaTarget): void {
  const target = makeTarget();
  afterAll(() => target.close());

  const relay = async (log: MemoryLog, checkpoint: MemoryCheckpointStore, topic: TopicSettings) => {
    const { logger } = captureLog();
    const publisher = new KafkaPublisher(target.client, topic, logger);
    return runRelay({
      store: log,
      publisher,
      checkpoint,
      logger,
      signal: new AbortController().signal,
      untilCaughtUp: true,
      batchSize: 64,
    });
  };

  it('publishes every event once, keyed by stream, in stream order, partitioned like kafkajs', async () => {
    const topic = target.topicName('relay-order');
    await target.createTopic(topic, 4);
    const log = new MemoryLog();
    seed(log, 200, 7);
    const checkpoint = new MemoryCheckpointStore();
    const settings = { topic, create: false, partitions: 4, replicationFactor: 1 };
    const outcome = await relay(log, checkpoint, settings);
    expect(outcome).toMatchObject({ published: 200, stoppedBy: 'caught-up' });
    expect(checkpoint.position).toBe(log.events.at(-1)!.globalPosition);

    const records = await target.readBack(topic, 200);
    expect(records).toHaveLength(200);
    expect(new Set(records.map((r) => r.headers[HEADERS.eventId])).size).toBe(200);
    const byStream = new Map<string, typeof records>();
    for (const record of records) {
      const value = JSON.parse(record.value);
      expect(record.key).toBe(value.stream);
      expect(record.headers[HEADERS.eventId]).toBe(value.id);
      expect(record.headers[HEADERS.eventType]).toBe(value.type);
      expect(record.headers[HEADERS.globalPosition]).toBe(value.globalPosition);
      expect(record.headers[HEADERS.schemaVersion]).toBe('1');
      expect(record.partition).toBe(partitionOf(record.key, 4));
      byStream.set(record.key, [...(byStream.get(record.key) ?? []), record]);
    }
    expect(byStream.size).toBe(7);
    for (const list of byStream.values()) {
      const versions = list.map((r) => JSON.parse(r.value).streamVersion);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(versions).toEqual(versions.map((_, i) => i));
    }

    // A second run resumes after the checkpoint: only the new events are published.
    seed(log, 30, 7);
    const again = await relay(log, checkpoint, settings);
    expect(again.published).toBe(30);
    const all = await target.readBack(topic, 230);
    expect(all).toHaveLength(230);
    expect(new Set(all.map((r) => r.headers[HEADERS.eventId])).size).toBe(230);
  }, 60_000);

  it('creates the topic when asked, with the chosen partitions and room for the largest event', async () => {
    const topic = target.topicName('relay-create');
    const log = new MemoryLog();
    log.add({ stream: 'message-1.u1.1', data: { blob: 'x'.repeat(1_100_000) } });
    log.add({ stream: 'message-1.u1.2' });
    const outcome = await relay(log, new MemoryCheckpointStore(), {
      topic,
      create: true,
      partitions: 3,
      replicationFactor: 1,
    });
    expect(outcome.published).toBe(2);
    expect(await target.partitionCount(topic)).toBe(3);
    const records = await target.readBack(topic, 2);
    expect(records.map((r) => JSON.parse(r.value).data.blob?.length ?? 0).sort()).toEqual([0, 1_100_000]);
  }, 60_000);

  it('a consumer group reads every event back through the source, and resumes from the sink', async () => {
    const topic = target.topicName('relay-source');
    await target.createTopic(topic, 3);
    const log = new MemoryLog();
    seed(log, 60, 6);
    const settings = { topic, create: false, partitions: 3, replicationFactor: 1 };
    await relay(log, new MemoryCheckpointStore(), settings);
    const applied: StoredEvent[] = [];
    const offsets = new Map<number, string>();
    const sink: KafkaSink = {
      description: 'test sink',
      offsets: async () => new Map(offsets),
      apply: async (batch) => {
        applied.push(...batch.events);
        offsets.set(batch.partition, batch.nextOffset);
      },
      fatal: () => undefined,
    };
    const consume = async (expected: number) => {
      const controller = new AbortController();
      const running = runKafkaSource({
        client: target.client,
        topic,
        groupId: target.topicName('group'),
        sink,
        logger: captureLog().logger,
        signal: controller.signal,
        backoff: { initialMs: 50, maxMs: 500 },
      });
      try {
        await waitFor(() => applied.length >= expected, `${expected} events through the source`, 30_000, 20);
      } finally {
        controller.abort();
      }
      return running;
    };
    await consume(60);
    expect(new Set(applied.map((e) => e.id)).size).toBe(60);
    seed(log, 6, 6);
    await relay(log, new MemoryCheckpointStore(log.events[59]!.globalPosition), settings);
    // A new group: Kafka knows nothing of it, the sink's offsets say where to resume.
    await consume(66);
    expect(applied).toHaveLength(66);
    expect(
      applied
        .slice(60)
        .map((e) => e.id)
        .sort(),
    ).toEqual(
      log.events
        .slice(60)
        .map((e) => e.id)
        .sort(),
    );
  }, 90_000);

  it('refuses a missing topic when creation is off, naming the fix', async () => {
    const topic = target.topicName('relay-missing');
    const publisher = new KafkaPublisher(
      target.client,
      { topic, create: false, partitions: 1, replicationFactor: 1 },
      captureLog().logger,
    );
    const attempt = publisher.connect();
    await expect(attempt).rejects.toBeInstanceOf(KafkaTopicMissingError);
    await expect(attempt).rejects.toThrow(/KAFKA_CREATE_TOPIC=true/);
    await publisher.disconnect();
  }, 60_000);
}

describe('relay contract: fake Kafka', () => {
  relayContract(() => fakeTarget());
});

describeKafka('relay contract: real Kafka', () => {
  relayContract(realTarget);
});
