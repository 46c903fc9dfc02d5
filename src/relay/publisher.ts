// What the relay needs from a message broker, and its kafkajs implementation: an idempotent
// producer (one request in flight, acks from all in-sync replicas) that reports success only
// once the broker has acknowledged every message, plus optional topic creation.
import type { Logger } from '../log/logger.ts';
import {
  type AdminLike,
  DEFAULT_PARTITIONER,
  type KafkaClientLike,
  type ProducedMessage,
  type ProducerLike,
} from './kafka-client.ts';
import { hasErrorType, KafkaTopicMissingError, needsNewProducerSession } from './kafka-errors.ts';

export interface Publisher {
  /** Connects and checks (or creates) the topic. Rejects when the cluster cannot be reached. */
  connect(): Promise<void>;
  /** Resolves once the broker acknowledged every message; on rejection any subset may be written. */
  publish(messages: readonly ProducedMessage[]): Promise<void>;
  disconnect(): Promise<void>;
  readonly description: string;
}

export interface TopicSettings {
  readonly topic: string;
  readonly create: boolean;
  readonly partitions: number;
  readonly replicationFactor: number;
}

/** Topic-level limit for a created topic: the largest event (1 MiB of data + metadata) plus its envelope. */
export const TOPIC_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

/** The settings the guarantees rest on; a test holds the real client to them. */
export const PRODUCER_SETTINGS = {
  idempotent: true,
  maxInFlightRequests: 1,
  // A topic must exist with the partitions chosen for it, never appear with broker defaults.
  allowAutoTopicCreation: false,
  createPartitioner: DEFAULT_PARTITIONER,
} as const;

export const REQUIRED_ACKS = -1;

export class KafkaPublisher implements Publisher {
  readonly description: string;
  readonly #client: KafkaClientLike;
  readonly #topic: TopicSettings;
  readonly #logger: Logger;
  #producer: ProducerLike | undefined;
  #connected = false;
  #renewSession = false;

  constructor(client: KafkaClientLike, topic: TopicSettings, logger: Logger, description = 'Kafka') {
    this.#client = client;
    this.#topic = topic;
    this.#logger = logger;
    this.description = `${description} topic ${topic.topic}`;
  }

  async connect(): Promise<void> {
    await this.#prepareTopic();
    this.#producer ??= this.#client.producer(PRODUCER_SETTINGS);
    await this.#producer.connect();
    this.#connected = true;
  }

  async publish(messages: readonly ProducedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (!this.#producer || !this.#connected) await this.connect();
    if (this.#renewSession) await this.#newSession();
    try {
      const results = await this.#producer!.send({
        topic: this.#topic.topic,
        messages: [...messages],
        acks: REQUIRED_ACKS,
      });
      const failed = results.find((r) => r.errorCode !== 0);
      if (failed)
        throw new Error(`Kafka answered error code ${failed.errorCode} for partition ${failed.partition}`);
    } catch (error) {
      if (needsNewProducerSession(error)) this.#renewSession = true;
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    this.#connected = false;
    await producer?.disconnect();
  }

  /** The broker forgot our producer id or sequence: start over with a fresh one. */
  async #newSession(): Promise<void> {
    this.#logger.warn('starting a new idempotent producer session');
    await this.disconnect().catch(() => undefined);
    this.#renewSession = false;
    await this.connect();
  }

  async #prepareTopic(): Promise<void> {
    const admin = this.#client.admin();
    await admin.connect();
    try {
      if (this.#topic.create) await this.#createTopic(admin);
      else await this.#requireTopic(admin);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async #createTopic(admin: AdminLike): Promise<void> {
    const { topic, partitions, replicationFactor } = this.#topic;
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: partitions,
          replicationFactor,
          configEntries: [
            { name: 'max.message.bytes', value: String(TOPIC_MAX_MESSAGE_BYTES) },
            // The topic mirrors the log: a consumer that starts late (a new projector) needs all of it.
            { name: 'retention.ms', value: '-1' },
          ],
        },
      ],
    });
    if (created) this.#logger.info({ topic, partitions, replicationFactor }, 'created the Kafka topic');
    else this.#logger.debug({ topic }, 'the Kafka topic exists');
  }

  async #requireTopic(admin: AdminLike): Promise<void> {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [this.#topic.topic] });
      if (topics.some((t) => t.name === this.#topic.topic && t.partitions.length > 0)) return;
    } catch (error) {
      if (!hasErrorType(error, 'UNKNOWN_TOPIC_OR_PARTITION')) throw error;
    }
    throw new KafkaTopicMissingError(this.#topic.topic);
  }
}
