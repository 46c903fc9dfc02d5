// A faithful in-process stand-in for the parts of kafkajs 2.2.4 that src/relay uses: producer
// (connect/send/disconnect), admin (connect/createTopics/fetchTopicMetadata/disconnect) and
// consumer (connect/subscribe/run with eachBatch/commitOffsets/stop/disconnect/on).
// What it keeps from the real thing:
// - kafkajs's own error classes and protocol errors (retriable flags included), thrown where
//   kafkajs throws them, with the same wrapping (NumberOfRetriesExceeded around a connection error);
// - kafkajs's own DefaultPartitioner (murmur2, Java-compatible), so keys land where they would;
// - the idempotent producer protocol: a producer id per session, sequence numbers per partition,
//   broker-side dedupe of a resent batch, OUT_OF_ORDER_SEQUENCE_NUMBER for a gap; kafkajs's
//   client-side checks (acks must be -1 when idempotent, a value is required, not while disconnected);
// - several brokers leading different partitions, so one request can half succeed;
// - the message size limit (max.message.bytes per record batch) and MESSAGE_TOO_LARGE.
// Faults are scripted per operation. `violations` collects what a careful client must never do
// (overlapping sends, which could reorder; an idempotent producer allowing > 1 request in flight).
import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';

const require = createRequire(import.meta.url);
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as {
  createErrorFromCode: (code: number) => Error & { type: string; retriable: boolean };
};
const {
  KafkaJSAggregateError,
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSRequestTimeoutError,
  Partitioners,
} = kafkajs as any;

export const PROTOCOL = {
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  NOT_LEADER_FOR_PARTITION: 6,
  REQUEST_TIMED_OUT: 7,
  MESSAGE_TOO_LARGE: 10,
  NOT_ENOUGH_REPLICAS: 19,
  TOPIC_AUTHORIZATION_FAILED: 29,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_REPLICATION_FACTOR: 38,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
} as const;

export const protocolError = (code: number): Error & { type: string; retriable: boolean } =>
  createErrorFromCode(code);

/** What kafkajs throws after its own retries when no broker answers. */
export function unreachableError(broker = '127.0.0.1:9092'): Error {
  const cause = new KafkaJSConnectionError(`Connection error: connect ECONNREFUSED ${broker}`, {
    broker,
    code: 'ECONNREFUSED',
  });
  return new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 5, retryTime: 3000 });
}

export function requestTimeoutError(broker = '127.0.0.1:9092'): Error {
  return new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out', { broker });
}

/** What kafkajs throws when the broker answers a produce request with an error code, after retries. */
export function produceFailure(code: number): Error {
  const error = protocolError(code);
  return error.retriable
    ? new KafkaJSNumberOfRetriesExceeded(error, { retryCount: 5, retryTime: 3000 })
    : error;
}

export interface FakeRecord {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, Buffer>;
  readonly timestamp: string;
  readonly producerId: number;
}

interface Topic {
  readonly name: string;
  readonly partitions: FakeRecord[][];
  readonly config: Record<string, string>;
}

/**
 * - error: thrown by the operation.
 * - written (send only): 'none' nothing reached the log; 'all' the broker wrote everything but the
 *   answer was lost (kafkajs rolls its sequence numbers back, so a resend is deduplicated);
 *   'some' the brokers leading some partitions wrote and answered, the others failed.
 * - hold: the operation waits until `release()` is called (a slow broker).
 */
export interface Fault {
  readonly error?: Error;
  readonly written?: 'none' | 'all' | 'some';
  readonly hold?: boolean;
}

type Operation =
  | 'producer.connect'
  | 'send'
  | 'admin.connect'
  | 'createTopics'
  | 'fetchTopicMetadata'
  | 'consumer.connect'
  | 'commitOffsets';

interface SequenceState {
  next: number;
  recent: Array<{ firstSequence: number; count: number; baseOffset: number }>;
}

interface GroupState {
  readonly committed: Map<string, string>;
  readonly members: Set<FakeConsumer>;
  generation: number;
}

export class FakeKafkaCluster {
  readonly topics = new Map<string, Topic>();
  readonly violations: string[] = [];
  /** Every send a producer made, in order: the client-side view. */
  readonly sendLog: Array<{ producerId: number; topic: string; messages: number; acks: number | undefined }> =
    [];
  /** Producer and consumer settings as the client passed them. */
  readonly producerSettings: Array<Record<string, unknown>> = [];
  readonly consumerSettings: Array<Record<string, unknown>> = [];
  reachable = true;
  brokerCount: number;
  /** Broker default message.max.bytes. */
  messageMaxBytes = 1_048_588;
  readonly groups = new Map<string, GroupState>();
  readonly #faults = new Map<Operation, Fault[]>();
  readonly #sequences = new Map<string, SequenceState>();
  readonly #held: Array<() => void> = [];
  #nextProducerId = 1000;
  #listeners = new Set<() => void>();

  constructor(options: { brokers?: number } = {}) {
    this.brokerCount = options.brokers ?? 3;
  }

  client(): FakeKafkaClient {
    return new FakeKafkaClient(this);
  }

  createTopic(name: string, partitions: number, config: Record<string, string> = {}): void {
    if (this.topics.has(name)) throw new Error(`fake: topic ${name} exists`);
    this.topics.set(name, { name, partitions: Array.from({ length: partitions }, () => []), config });
  }

  /** Script the next call of `operation` to fail or stall. Faults queue up in order. */
  failNext(operation: Operation, fault: Fault, times = 1): void {
    const queue = this.#faults.get(operation) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.#faults.set(operation, queue);
  }

  clearFaults(operation: Operation): void {
    this.#faults.delete(operation);
  }

  pendingFaults(operation: Operation): number {
    return this.#faults.get(operation)?.length ?? 0;
  }

  /** Lets every held operation continue. */
  release(): void {
    for (const resume of this.#held.splice(0)) resume();
  }

  get heldOperations(): number {
    return this.#held.length;
  }

  records(topic: string, partition: number): FakeRecord[] {
    return this.#topic(topic).partitions[partition] ?? [];
  }

  /** Every record of the topic, partition by partition. */
  allRecords(topic: string): Array<FakeRecord & { partition: number }> {
    return this.#topic(topic).partitions.flatMap((records, partition) =>
      records.map((record) => ({ ...record, partition })),
    );
  }

  committed(groupId: string, topic: string, partition: number): string | undefined {
    return this.groups.get(groupId)?.committed.get(`${topic}/${partition}`);
  }

  /** Where kafkajs's default partitioner puts a key, for assertions. */
  partitionFor(topic: string, key: string): number {
    const partitioner = Partitioners.DefaultPartitioner();
    return partitioner({
      topic,
      partitionMetadata: this.#partitionMetadata(topic),
      message: { key, value: '' },
    });
  }

  // ---- internals used by the fake clients ----

  takeFault(operation: Operation): Fault | undefined {
    return this.#faults.get(operation)?.shift();
  }

  async hold(): Promise<void> {
    await new Promise<void>((resolve) => this.#held.push(resolve));
  }

  newProducerId(): number {
    return this.#nextProducerId++;
  }

  brokerFor(partition: number): number {
    return partition % this.brokerCount;
  }

  group(groupId: string): GroupState {
    let group = this.groups.get(groupId);
    if (!group) {
      group = { committed: new Map(), members: new Set(), generation: 0 };
      this.groups.set(groupId, group);
    }
    return group;
  }

  onAppend(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  topicOrThrow(name: string): Topic {
    const topic = this.topics.get(name);
    if (!topic) {
      // kafkajs: metadata for an unknown topic fails, and the cluster wrapper bails non-retriably.
      const cause = protocolError(PROTOCOL.UNKNOWN_TOPIC_OR_PARTITION);
      throw new KafkaJSNonRetriableError(cause, { cause });
    }
    return topic;
  }

  #topic(name: string): Topic {
    const topic = this.topics.get(name);
    if (!topic) throw new Error(`fake: no topic ${name}`);
    return topic;
  }

  #partitionMetadata(topic: string) {
    return this.#topic(topic).partitions.map((_, partitionId) => ({
      partitionId,
      leader: this.brokerFor(partitionId),
      partitionErrorCode: 0,
      replicas: [],
      isr: [],
    }));
  }

  maxMessageBytes(topic: Topic): number {
    return Number(topic.config['max.message.bytes'] ?? this.messageMaxBytes);
  }

  /**
   * The broker side of a produce request for one partition. Returns the base offset, or throws the
   * protocol error the broker would answer with.
   */
  brokerAppend(
    topic: Topic,
    partition: number,
    producerId: number,
    firstSequence: number | undefined,
    messages: readonly { key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer> }[],
  ): number {
    const log = topic.partitions[partition]!;
    const bytes = messages.reduce(
      (sum, m) =>
        sum +
        (m.key?.length ?? 0) +
        (m.value?.length ?? 0) +
        Object.entries(m.headers).reduce((h, [k, v]) => h + k.length + v.length, 0) +
        20,
      61,
    );
    if (bytes > this.maxMessageBytes(topic)) throw protocolError(PROTOCOL.MESSAGE_TOO_LARGE);
    if (firstSequence !== undefined) {
      const key = `${producerId}/${topic.name}/${partition}`;
      const state = this.#sequences.get(key) ?? { next: 0, recent: [] };
      this.#sequences.set(key, state);
      if (firstSequence < state.next) {
        const same = state.recent.find(
          (b) => b.firstSequence === firstSequence && b.count === messages.length,
        );
        if (same) return same.baseOffset; // a resend of a batch we hold: acknowledged, not written again
        throw protocolError(PROTOCOL.OUT_OF_ORDER_SEQUENCE_NUMBER);
      }
      if (firstSequence > state.next) throw protocolError(PROTOCOL.OUT_OF_ORDER_SEQUENCE_NUMBER);
      state.next += messages.length;
      state.recent.push({ firstSequence, count: messages.length, baseOffset: log.length });
      if (state.recent.length > 5) state.recent.shift();
    }
    const baseOffset = log.length;
    const timestamp = String(Date.now());
    for (const message of messages)
      log.push({ offset: String(log.length), ...message, timestamp, producerId });
    for (const listener of this.#listeners) listener();
    return baseOffset;
  }

  recordViolation(text: string): void {
    this.violations.push(text);
  }
}

const toBuffer = (value: Buffer | string | null | undefined): Buffer | null =>
  value === null || value === undefined ? null : Buffer.isBuffer(value) ? value : Buffer.from(String(value));

export class FakeKafkaClient {
  readonly cluster: FakeKafkaCluster;
  constructor(cluster: FakeKafkaCluster) {
    this.cluster = cluster;
  }
  producer(settings: Record<string, any> = {}): FakeProducer {
    this.cluster.producerSettings.push({ ...settings });
    return new FakeProducer(this.cluster, settings);
  }
  admin(): FakeAdmin {
    return new FakeAdmin(this.cluster);
  }
  consumer(settings: Record<string, any>): FakeConsumer {
    this.cluster.consumerSettings.push({ ...settings });
    return new FakeConsumer(this.cluster, settings);
  }
}

async function applyConnectFault(cluster: FakeKafkaCluster, operation: Operation): Promise<void> {
  const fault = cluster.takeFault(operation);
  if (fault?.hold) await cluster.hold();
  if (fault?.error) throw fault.error;
  if (!cluster.reachable) throw unreachableError();
}

export class FakeProducer {
  readonly #cluster: FakeKafkaCluster;
  readonly settings: Record<string, any>;
  readonly #partitioner: (args: any) => number;
  readonly #idempotent: boolean;
  #status: 'disconnected' | 'connected' | 'disconnecting' = 'disconnected';
  #producerId = -1;
  #sequence = new Map<string, number>();
  #inFlight = 0;

  constructor(cluster: FakeKafkaCluster, settings: Record<string, any>) {
    this.#cluster = cluster;
    this.settings = settings;
    this.#idempotent = settings.idempotent === true;
    // kafkajs refuses an idempotent producer without retries; in-flight > 1 only risks order.
    if (this.#idempotent && (settings.maxInFlightRequests ?? Number.POSITIVE_INFINITY) > 1)
      cluster.recordViolation('idempotent producer allows more than one request in flight');
    this.#partitioner = (settings.createPartitioner ?? Partitioners.DefaultPartitioner)();
  }

  get producerId(): number {
    return this.#producerId;
  }

  async connect(): Promise<void> {
    await applyConnectFault(this.#cluster, 'producer.connect');
    // InitProducerId: every connect of an idempotent producer starts a new session.
    if (this.#idempotent && this.#status !== 'connected') {
      this.#producerId = this.#cluster.newProducerId();
      this.#sequence.clear();
    }
    this.#status = 'connected';
  }

  async disconnect(): Promise<void> {
    this.#status = 'disconnecting';
    this.#status = 'disconnected';
  }

  async send({
    topic,
    messages,
    acks = -1,
  }: {
    topic: string;
    messages: Array<{
      key?: Buffer | string | null;
      value: Buffer | string | null;
      headers?: Record<string, any>;
    }>;
    acks?: number;
    timeout?: number;
  }): Promise<Array<{ topicName: string; partition: number; errorCode: number; baseOffset: string }>> {
    // The same checks, in the same order, as kafkajs's messageProducer.sendBatch.
    if (!topic) throw new KafkaJSNonRetriableError('Invalid topic');
    if (this.#idempotent && acks !== -1)
      throw new KafkaJSNonRetriableError(
        `Not requiring ack for all messages invalidates the idempotent producer's EoS guarantees`,
      );
    if (!messages)
      throw new KafkaJSNonRetriableError(`Invalid messages array [${messages}] for topic "${topic}"`);
    const withoutValue = messages.find((m) => m.value === undefined);
    if (withoutValue)
      throw new KafkaJSNonRetriableError(
        `Invalid message without value for topic "${topic}": ${JSON.stringify(withoutValue)}`,
      );
    if (this.#status === 'disconnecting')
      throw new KafkaJSNonRetriableError(
        `The producer is disconnecting; therefore, it can't safely accept messages anymore`,
      );
    if (this.#status === 'disconnected') throw new KafkaJSError('The producer is disconnected');

    this.#inFlight += 1;
    if (this.#inFlight > 1) this.#cluster.recordViolation('a send started while another was in flight');
    this.#cluster.sendLog.push({ producerId: this.#producerId, topic, messages: messages.length, acks });
    try {
      return await this.#produce(topic, messages);
    } finally {
      this.#inFlight -= 1;
    }
  }

  async #produce(
    topicName: string,
    messages: Array<{
      key?: Buffer | string | null;
      value: Buffer | string | null;
      headers?: Record<string, any>;
    }>,
  ) {
    const fault = this.#cluster.takeFault('send');
    if (fault?.hold) await this.#cluster.hold();
    if (!this.#cluster.reachable) throw unreachableError();
    const topic = this.#cluster.topics.get(topicName);
    if (!topic)
      throw new KafkaJSNumberOfRetriesExceeded(protocolError(PROTOCOL.UNKNOWN_TOPIC_OR_PARTITION), {});
    const partitionMetadata = topic.partitions.map((_, partitionId) => ({
      partitionId,
      leader: this.#cluster.brokerFor(partitionId),
      partitionErrorCode: 0,
      replicas: [],
      isr: [],
    }));
    // groupMessagesPerPartition: order within a partition is the order of the messages array.
    const perPartition = new Map<
      number,
      Array<{ key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer> }>
    >();
    for (const message of messages) {
      const partition = this.#partitioner({ topic: topicName, partitionMetadata, message });
      const headers: Record<string, Buffer> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = toBuffer(value)!;
      const list = perPartition.get(partition) ?? [];
      list.push({ key: toBuffer(message.key), value: toBuffer(message.value), headers });
      perPartition.set(partition, list);
    }
    // One request per leading broker, as kafkajs sends them.
    const brokers = new Map<number, number[]>();
    for (const partition of [...perPartition.keys()].sort((a, b) => a - b)) {
      const broker = this.#cluster.brokerFor(partition);
      brokers.set(broker, [...(brokers.get(broker) ?? []), partition]);
    }
    const brokerIds = [...brokers.keys()].sort((a, b) => a - b);
    const succeeding =
      fault?.written === 'some'
        ? new Set(brokerIds.slice(0, Math.max(1, Math.floor(brokerIds.length / 2))))
        : undefined;
    const results: Array<{ topicName: string; partition: number; errorCode: number; baseOffset: string }> =
      [];
    let failure: Error | undefined;
    for (const broker of brokerIds) {
      if (fault?.error && fault.written !== 'all' && !succeeding?.has(broker)) {
        failure ??= fault.error;
        continue;
      }
      try {
        for (const partition of brokers.get(broker)!) {
          const batch = perPartition.get(partition)!;
          const key = `${topicName}/${partition}`;
          const first = this.#idempotent ? (this.#sequence.get(key) ?? 0) : undefined;
          const baseOffset = this.#cluster.brokerAppend(topic, partition, this.#producerId, first, batch);
          if (fault?.written === 'all' && fault.error) continue; // written, but the answer is lost
          if (first !== undefined) this.#sequence.set(key, first + batch.length);
          results.push({ topicName, partition, errorCode: 0, baseOffset: String(baseOffset) });
        }
      } catch (error) {
        failure ??= error as Error;
      }
    }
    if (fault?.written === 'all' && fault.error) throw fault.error;
    if (failure) throw failure;
    return results;
  }
}

export class FakeAdmin {
  readonly #cluster: FakeKafkaCluster;
  #connected = false;
  constructor(cluster: FakeKafkaCluster) {
    this.#cluster = cluster;
  }

  async connect(): Promise<void> {
    await applyConnectFault(this.#cluster, 'admin.connect');
    this.#connected = true;
  }

  async disconnect(): Promise<void> {
    this.#connected = false;
  }

  async createTopics({
    topics,
  }: {
    topics: Array<{
      topic: string;
      numPartitions?: number;
      replicationFactor?: number;
      configEntries?: Array<{ name: string; value: string }>;
    }>;
    waitForLeaders?: boolean;
    timeout?: number;
  }): Promise<boolean> {
    if (!topics || !Array.isArray(topics))
      throw new KafkaJSNonRetriableError(`Invalid topics array ${topics}`);
    this.#requireConnected();
    const fault = this.#cluster.takeFault('createTopics');
    if (fault?.error) throw fault.error;
    if (!this.#cluster.reachable) throw unreachableError();
    const errors: Error[] = [];
    let created = 0;
    for (const spec of topics) {
      if (this.#cluster.topics.has(spec.topic)) {
        errors.push(protocolError(PROTOCOL.TOPIC_ALREADY_EXISTS));
        continue;
      }
      if ((spec.replicationFactor ?? 1) > this.#cluster.brokerCount) {
        errors.push(protocolError(PROTOCOL.INVALID_REPLICATION_FACTOR));
        continue;
      }
      const config = Object.fromEntries((spec.configEntries ?? []).map((e) => [e.name, e.value]));
      this.#cluster.createTopic(spec.topic, spec.numPartitions ?? 1, config);
      created += 1;
    }
    if (errors.length > 0) {
      // kafkajs: all "already exists" means false; anything else bails with the aggregate.
      if (errors.every((e) => (e as any).type === 'TOPIC_ALREADY_EXISTS') && created === 0) return false;
      const aggregate = new KafkaJSAggregateError('Topic creation errors', errors);
      throw new KafkaJSNonRetriableError(aggregate, { cause: aggregate });
    }
    return true;
  }

  async fetchTopicMetadata({ topics }: { topics: string[] }) {
    this.#requireConnected();
    const fault = this.#cluster.takeFault('fetchTopicMetadata');
    if (fault?.error) throw fault.error;
    if (!this.#cluster.reachable) throw unreachableError();
    return {
      topics: topics.map((name) => {
        const topic = this.#cluster.topicOrThrow(name);
        return {
          name,
          partitions: topic.partitions.map((_, partitionId) => ({
            partitionId,
            leader: this.#cluster.brokerFor(partitionId),
            partitionErrorCode: 0,
            replicas: [],
            isr: [],
          })),
        };
      }),
    };
  }

  #requireConnected(): void {
    // kafkajs's admin reconnects lazily; calling before connect() is a client bug we want to see.
    if (!this.#connected) this.#cluster.recordViolation('admin used before connect()');
  }
}

type EachBatch = (args: any) => Promise<void>;

export class FakeConsumer {
  readonly groupId: string;
  readonly #cluster: FakeKafkaCluster;
  readonly #retries: number;
  readonly #listeners = new Map<string, Set<(event: any) => void>>();
  #connected = false;
  #topics: string[] = [];
  #fromBeginning = false;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #positions = new Map<string, number>();
  #assignment: number[] = [];
  #generation = -1;
  #stopRequested = false;
  readonly memberId: string;
  /** Batches delivered and crash restarts, for assertions. */
  delivered = 0;
  restarts = 0;
  readonly seeks: Array<{ topic: string; partition: number; offset: string }> = [];

  constructor(cluster: FakeKafkaCluster, settings: Record<string, any>) {
    if (!settings?.groupId)
      throw new KafkaJSNonRetriableError('Consumer groupId must be a non-empty string.');
    this.#cluster = cluster;
    this.groupId = settings.groupId;
    this.#retries = settings.retry?.retries ?? 5;
    this.memberId = `${settings.groupId}-${Math.random().toString(36).slice(2, 10)}`;
  }

  async connect(): Promise<void> {
    await applyConnectFault(this.#cluster, 'consumer.connect');
    this.#connected = true;
  }

  async subscribe({
    topics,
    fromBeginning = false,
  }: {
    topics: string[];
    fromBeginning?: boolean;
  }): Promise<void> {
    if (this.#running)
      throw new KafkaJSNonRetriableError('Cannot subscribe to topic while consumer is running');
    if (!topics) throw new KafkaJSNonRetriableError('Missing required argument "topics"');
    if (!Array.isArray(topics)) throw new KafkaJSNonRetriableError('Argument "topics" must be an array');
    for (const topic of topics) this.#cluster.topicOrThrow(topic);
    this.#topics = [...topics];
    this.#fromBeginning = fromBeginning;
  }

  on(event: string, listener: (event: any) => void): () => void {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener);
    this.#listeners.set(event, set);
    return () => set.delete(listener);
  }

  async run({
    eachBatch,
    autoCommit = true,
    eachBatchAutoResolve = true,
  }: {
    eachBatch: EachBatch;
    autoCommit?: boolean;
    eachBatchAutoResolve?: boolean;
  }): Promise<void> {
    if (this.#running) return;
    if (this.#topics.length !== 1)
      throw new Error('fake: the consumer supports exactly one subscribed topic');
    if (!this.#connected) this.#cluster.recordViolation('consumer.run before connect()');
    this.#running = true;
    this.#stopRequested = false;
    const group = this.#cluster.group(this.groupId);
    group.members.add(this);
    group.generation += 1;
    this.#loop = this.#consume(eachBatch, autoCommit, eachBatchAutoResolve);
  }

  async commitOffsets(offsets: Array<{ topic: string; partition: number; offset: string }>): Promise<void> {
    const fault = this.#cluster.takeFault('commitOffsets');
    if (fault?.error) throw fault.error;
    if (!this.#cluster.reachable) throw unreachableError();
    const group = this.#cluster.group(this.groupId);
    for (const { topic, partition, offset } of offsets) group.committed.set(`${topic}/${partition}`, offset);
  }

  /** kafkajs: only for a running consumer; the next fetch of that partition starts there. */
  seek({ topic, partition, offset }: { topic: string; partition: number; offset: string }): void {
    if (!this.#running)
      throw new KafkaJSNonRetriableError(
        'Consumer group was not initialized, consumer#run must be called first',
      );
    if (!/^-?\d+$/.test(String(offset)))
      throw new KafkaJSNonRetriableError(`Invalid offset, expected a long received ${offset}`);
    const log = this.#cluster.topicOrThrow(topic).partitions[partition];
    if (!log) throw new KafkaJSNonRetriableError(`Invalid partition ${partition}`);
    // An offset outside the log resets to the earliest (fromBeginning) or latest record, as the broker would.
    const wanted = Number(offset);
    const start = wanted < 0 || wanted > log.length ? (this.#fromBeginning ? 0 : log.length) : wanted;
    this.#positions.set(`${topic}/${partition}`, start);
    this.seeks.push({ topic, partition, offset: String(offset) });
  }

  async stop(): Promise<void> {
    this.#stopRequested = true;
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
    this.#cluster.group(this.groupId).members.delete(this);
    this.#cluster.group(this.groupId).generation += 1;
    this.#emit('consumer.stop', null);
  }

  async disconnect(): Promise<void> {
    if (this.#running) await this.stop();
    this.#connected = false;
    this.#emit('consumer.disconnect', null);
  }

  #emit(event: string, payload: any): void {
    for (const listener of this.#listeners.get(event) ?? []) listener({ type: event, payload });
  }

  /** Range assignment over the members in join order; recomputed when the generation changes. */
  #rebalanceIfNeeded(): void {
    const group = this.#cluster.group(this.groupId);
    if (group.generation === this.#generation) return;
    this.#generation = group.generation;
    const topic = this.#cluster.topicOrThrow(this.#topics[0]!);
    const members = [...group.members];
    const index = members.indexOf(this);
    this.#assignment = topic.partitions.map((_, p) => p).filter((p) => p % members.length === index);
    this.#positions.clear();
    for (const partition of this.#assignment) {
      const committed = group.committed.get(`${topic.name}/${partition}`);
      const start =
        committed !== undefined
          ? Number(committed)
          : this.#fromBeginning
            ? 0
            : topic.partitions[partition]!.length;
      this.#positions.set(`${topic.name}/${partition}`, start);
    }
    this.#emit('consumer.group_join', {
      groupId: this.groupId,
      memberId: this.memberId,
      memberAssignment: { [topic.name]: [...this.#assignment] },
    });
  }

  async #consume(eachBatch: EachBatch, autoCommit: boolean, autoResolve: boolean): Promise<void> {
    const topicName = this.#topics[0]!;
    let failures = 0;
    while (this.#running) {
      let deliveredSomething = false;
      try {
        this.#rebalanceIfNeeded();
        const topic = this.#cluster.topicOrThrow(topicName);
        for (const partition of this.#assignment) {
          if (!this.#running) break;
          const key = `${topicName}/${partition}`;
          const position = this.#positions.get(key)!;
          const log = topic.partitions[partition]!;
          if (position >= log.length) continue;
          const records = log.slice(position, position + 50);
          let resolved: number | undefined;
          const batch = {
            topic: topicName,
            partition,
            highWatermark: String(log.length),
            messages: records.map((r) => ({ ...r, attributes: 0 })),
            isEmpty: () => records.length === 0,
            firstOffset: () => records[0]?.offset ?? null,
            lastOffset: () => records.at(-1)!.offset,
            offsetLag: () => String(log.length - 1 - Number(records.at(-1)!.offset)),
            offsetLagLow: () => String(log.length - 1 - Number(records[0]!.offset)),
          };
          deliveredSomething = true;
          this.delivered += 1;
          try {
            await eachBatch({
              batch,
              resolveOffset: (offset: string) => {
                resolved = Number(offset);
              },
              heartbeat: async () => {},
              pause: () => () => {},
              commitOffsetsIfNecessary: async () => {},
              uncommittedOffsets: () => ({ topics: [] }),
              isRunning: () => this.#running,
              isStale: () => this.#cluster.group(this.groupId).generation !== this.#generation,
            });
            if (autoResolve) resolved = Number(batch.lastOffset());
          } finally {
            if (resolved !== undefined) {
              this.#positions.set(key, resolved + 1);
              if (autoCommit) this.#cluster.group(this.groupId).committed.set(key, String(resolved + 1));
            }
          }
          failures = 0;
        }
      } catch (error) {
        // kafkajs retries the fetch loop, then crashes and (for retriable causes) restarts itself.
        failures += 1;
        if (failures <= this.#retries) continue;
        const crash = new KafkaJSNumberOfRetriesExceeded(error, { retryCount: this.#retries, retryTime: 20 });
        this.#emit('consumer.crash', { error: crash, groupId: this.groupId, restart: true });
        // kafkajs disconnects, waits retryTime and starts over from the committed offsets.
        failures = 0;
        this.#generation = -1;
        this.restarts += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      if (this.#stopRequested || !this.#running) break;
      if (!deliveredSomething) await this.#idle();
    }
  }

  async #idle(): Promise<void> {
    await new Promise<void>((resolve) => {
      const off = this.#cluster.onAppend(() => done());
      const timer = setTimeout(() => done(), 50); // like maxWaitTimeInMs: also notice rebalances
      const done = () => {
        off();
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      this.#wake = done;
    });
  }
}
