// Kafka for tests. The contract and integration suites run against the fake always, and against a
// real broker when KAFKA_BROKERS points at one (docker-compose gives one: see README); without it
// the real-broker suites are skipped with a visible notice. No Kafka exists in CI, so CI skips too.
import { describe } from '@jest/globals';
import kafkajs from 'kafkajs';
import { silentLogger } from '../../src/log/logger.ts';
import { createKafkaClient, type KafkaClientLike } from '../../src/relay/kafka-client.ts';
import { FakeKafkaCluster } from './fake-kafka.ts';
import { waitFor } from './wait.ts';

export const kafkaBrokers = (process.env.KAFKA_BROKERS ?? '')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);

/** `describe` when a real broker is configured; otherwise a loud skip. */
export function describeKafka(name: string, body: () => void): void {
  if (kafkaBrokers.length > 0) {
    describe(name, body);
    return;
  }
  process.stderr.write(
    `\n[notice] skipping real-Kafka suite "${name}": set KAFKA_BROKERS=host:port to run it\n`,
  );
  describe.skip(name, body);
}

export interface ReadBackRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/** One Kafka to run a suite against: a client for the code under test plus what the test needs to look inside. */
export interface KafkaTarget {
  readonly name: string;
  readonly client: KafkaClientLike;
  /** A fresh topic name (the real broker keeps topics between runs). */
  topicName(prefix: string): string;
  createTopic(topic: string, partitions: number): Promise<void>;
  /** Every record of the topic once there are at least `count`, partition by partition. */
  readBack(topic: string, count: number): Promise<ReadBackRecord[]>;
  partitionCount(topic: string): Promise<number>;
  close(): Promise<void>;
}

const unique = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export function fakeTarget(cluster = new FakeKafkaCluster()): KafkaTarget & { cluster: FakeKafkaCluster } {
  return {
    name: 'fake Kafka',
    cluster,
    client: cluster.client(),
    topicName: unique,
    createTopic: async (topic, partitions) => cluster.createTopic(topic, partitions),
    readBack: async (topic, count) => {
      const records = cluster.allRecords(topic);
      if (records.length < count)
        throw new Error(`expected ${count} records, the topic holds ${records.length}`);
      return records.map((r) => ({
        partition: r.partition,
        offset: r.offset,
        key: r.key?.toString() ?? '',
        value: r.value?.toString() ?? '',
        headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.toString()])),
      }));
    },
    partitionCount: async (topic) => cluster.topics.get(topic)?.partitions.length ?? 0,
    close: async () => {},
  };
}

export function realTarget(): KafkaTarget {
  const client = createKafkaClient(
    { brokers: kafkaBrokers, clientId: 'telegram-archive-tests' },
    silentLogger,
  );
  const kafka = new kafkajs.Kafka({
    brokers: kafkaBrokers,
    clientId: 'telegram-archive-tests-reader',
    logLevel: 0,
  });
  return {
    name: `Kafka at ${kafkaBrokers.join(',')}`,
    client,
    topicName: unique,
    createTopic: async (topic, partitions) => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
      } finally {
        await admin.disconnect();
      }
    },
    readBack: async (topic, count) => {
      const consumer = kafka.consumer({ groupId: unique('reader') });
      const records: ReadBackRecord[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ partition, message }) => {
            records.push({
              partition,
              offset: message.offset,
              key: message.key?.toString() ?? '',
              value: message.value?.toString() ?? '',
              headers: Object.fromEntries(
                Object.entries(message.headers ?? {}).map(([k, v]) => [
                  k,
                  String(Array.isArray(v) ? v[0] : v),
                ]),
              ),
            });
          },
        });
        await waitFor(() => records.length >= count, `${count} records on ${topic}`, 30_000, 50);
      } finally {
        await consumer.disconnect();
      }
      return records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
    },
    partitionCount: async (topic) => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        return topics[0]?.partitions.length ?? 0;
      } finally {
        await admin.disconnect();
      }
    },
    close: async () => {},
  };
}
