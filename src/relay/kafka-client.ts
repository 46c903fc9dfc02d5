// The slice of kafkajs we use, as structural types: the real `Kafka` client satisfies them, and so
// does the fake in test/support/fake-kafka.ts. Nothing else in the code base imports kafkajs types.
import { Kafka, logLevel as KafkaLogLevel, type LogEntry, Partitioners } from 'kafkajs';
import type { Logger } from '../log/logger.ts';

export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

export interface ProducedMessage {
  readonly key: string;
  readonly value: string | Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ProducerLike {
  connect(): Promise<void>;
  send(record: {
    topic: string;
    messages: ProducedMessage[];
    acks?: number;
    timeout?: number;
  }): Promise<Array<{ topicName: string; partition: number; errorCode: number; baseOffset?: string }>>;
  disconnect(): Promise<void>;
}

export interface ProducerSettings {
  readonly idempotent: boolean;
  readonly maxInFlightRequests: number;
  readonly allowAutoTopicCreation: boolean;
  readonly createPartitioner?: typeof Partitioners.DefaultPartitioner;
}

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly configEntries?: Array<{ name: string; value: string }>;
}

export interface AdminLike {
  connect(): Promise<void>;
  createTopics(options: {
    topics: TopicSpec[];
    waitForLeaders?: boolean;
    timeout?: number;
  }): Promise<boolean>;
  fetchTopicMetadata(options: {
    topics: string[];
  }): Promise<{ topics: Array<{ name: string; partitions: Array<{ partitionId: number }> }> }>;
  disconnect(): Promise<void>;
}

export interface ConsumedMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: string;
  readonly timestamp: string;
  readonly headers?: Readonly<Record<string, HeaderValue>>;
}

export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  readonly messages: ConsumedMessage[];
}

export interface EachBatchArgs {
  readonly batch: ConsumedBatch;
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
}

export interface CrashEvent {
  readonly payload: { readonly error: Error; readonly groupId: string; readonly restart: boolean };
}

export interface GroupJoinEvent {
  readonly payload: { readonly memberAssignment: Readonly<Record<string, number[]>> };
}

export interface ConsumerLike {
  connect(): Promise<void>;
  subscribe(subscription: { topics: string[]; fromBeginning?: boolean }): Promise<void>;
  run(config: {
    autoCommit?: boolean;
    eachBatchAutoResolve?: boolean;
    eachBatch: (args: EachBatchArgs) => Promise<void>;
  }): Promise<void>;
  commitOffsets(offsets: Array<{ topic: string; partition: number; offset: string }>): Promise<void>;
  /** Where the next fetch of an assigned partition starts; call after run(), e.g. on group join. */
  seek(position: { topic: string; partition: number; offset: string }): void;
  stop(): Promise<void>;
  disconnect(): Promise<void>;
  on(event: 'consumer.crash', listener: (event: CrashEvent) => void): () => void;
  on(event: 'consumer.group_join', listener: (event: GroupJoinEvent) => void): () => void;
}

export interface ConsumerSettings {
  readonly groupId: string;
  readonly allowAutoTopicCreation?: boolean;
  readonly sessionTimeout?: number;
  readonly retry?: { retries?: number; initialRetryTime?: number; maxRetryTime?: number };
}

export interface KafkaClientLike {
  producer(settings: ProducerSettings): ProducerLike;
  admin(): AdminLike;
  consumer(settings: ConsumerSettings): ConsumerLike;
}

export interface KafkaConnection {
  readonly brokers: readonly string[];
  readonly clientId: string;
}

/**
 * kafkajs warnings that do not apply to us. "Limiting retries…": kafkajs fears that a caller who gives
 * up reorders messages; the relay never gives up on a request, it resends the same one, alone.
 */
const QUIETED = [/Limiting retries for the idempotent producer/];

/** The real client. kafkajs logs through our pino logger, one level quieter (we log outcomes ourselves). */
export function createKafkaClient(connection: KafkaConnection, logger: Logger): KafkaClientLike {
  const log = logger.child({ component: 'kafkajs' });
  const kafka = new Kafka({
    clientId: connection.clientId,
    brokers: [...connection.brokers],
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    // A few quick retries inside kafkajs; after that our own loop takes over, reports the outage and
    // keeps retrying forever (src/relay/retry.ts).
    retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 3 },
    logLevel: KafkaLogLevel.INFO,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...fields } = entry;
        // kafkajs logs each failed attempt of its own retries as an error, which floods the log during
        // an outage; our retry loops report every outcome. Its warnings (rebalances…) stay visible.
        if (level === KafkaLogLevel.WARN && !QUIETED.some((pattern) => pattern.test(message)))
          log.warn(fields, message);
        else log.debug(fields, message);
      },
  });
  return kafka;
}

export const DEFAULT_PARTITIONER = Partitioners.DefaultPartitioner;
