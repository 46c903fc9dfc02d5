// Kafka as a projection source, against the fake broker and a sink that behaves like the read
// model: offsets stored with the writes, a stream-version guard that makes a repeat a no-op.
import { afterEach, describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../../../src/events/envelope.ts';
import { MemoryCheckpointStore } from '../../../src/relay/checkpoint/index.ts';
import { KafkaPublisher } from '../../../src/relay/publisher.ts';
import { runRelay } from '../../../src/relay/relay.ts';
import {
  dropRepeats,
  type KafkaSink,
  KafkaSourceStoppedError,
  runKafkaSource,
  type SinkBatch,
  type SourceState,
} from '../../../src/relay/source.ts';
import { FakeKafkaCluster, unreachableError } from '../../support/fake-kafka.ts';
import { captureLog } from '../../support/log-capture.ts';
import { MemoryLog, seed } from '../../support/memory-log.ts';
import { waitFor } from '../../support/wait.ts';

const TOPIC = 'telegram-archive.events';

class PoisonError extends Error {}

/** What the read model does, in memory: per stream the applied versions, guarded; offsets per partition. */
class MemorySink implements KafkaSink {
  readonly description = 'memory sink';
  readonly streams = new Map<string, number[]>();
  readonly stored = new Map<number, string>();
  readonly batches: SinkBatch[] = [];
  failures: Error[] = [];
  applications = 0;

  async offsets(): Promise<ReadonlyMap<number, string>> {
    return new Map(this.stored);
  }

  async apply(batch: SinkBatch): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.batches.push(batch);
    for (const event of batch.events) {
      const versions = this.streams.get(event.stream) ?? [];
      if (versions.length > 0 && event.streamVersion <= versions.at(-1)!) continue; // redelivery
      versions.push(event.streamVersion);
      this.streams.set(event.stream, versions);
      this.applications += 1;
    }
    this.stored.set(batch.partition, batch.nextOffset);
  }

  fatal(error: unknown): Error | undefined {
    return error instanceof PoisonError ? error : undefined;
  }
}

const relayCheckpoints = new WeakMap<FakeKafkaCluster, MemoryCheckpointStore>();

/** Runs the relay until it caught up; one checkpoint per cluster, as one relay would keep. */
async function publish(cluster: FakeKafkaCluster, log: MemoryLog) {
  const checkpoint = relayCheckpoints.get(cluster) ?? new MemoryCheckpointStore();
  relayCheckpoints.set(cluster, checkpoint);
  await relayOnce(cluster, log, checkpoint, 16);
}

/** One relay run from `checkpoint` until it caught up. */
async function relayOnce(
  cluster: FakeKafkaCluster,
  log: MemoryLog,
  checkpoint: MemoryCheckpointStore,
  batchSize?: number,
) {
  const { logger } = captureLog();
  await runRelay({
    store: log,
    publisher: new KafkaPublisher(
      cluster.client(),
      { topic: TOPIC, create: false, partitions: 4, replicationFactor: 1 },
      logger,
    ),
    checkpoint,
    logger,
    signal: new AbortController().signal,
    untilCaughtUp: true,
    ...(batchSize === undefined ? {} : { batchSize }),
  });
}

/** Sources a failed test left running are stopped, so the run ends instead of hanging. */
const liveSources = new Set<AbortController>();
afterEach(() => {
  for (const controller of liveSources) controller.abort();
  liveSources.clear();
});

function setup() {
  const cluster = new FakeKafkaCluster();
  cluster.createTopic(TOPIC, 4);
  const log = new MemoryLog();
  const sink = new MemorySink();
  const captured = captureLog();
  const states: SourceState[] = [];
  const start = (
    controller: AbortController,
    overrides: Partial<Parameters<typeof runKafkaSource>[0]> = {},
  ) => {
    liveSources.add(controller);
    return runKafkaSource({
      client: cluster.client(),
      topic: TOPIC,
      groupId: 'projector',
      sink,
      logger: captured.logger,
      signal: controller.signal,
      backoff: { initialMs: 1, maxMs: 5, jitter: 0 },
      onStatus: (state) => states.push(state),
      ...overrides,
    });
  };
  return { cluster, log, sink, captured, states, start };
}

const allInOrder = (sink: MemorySink, expectedStreams: number, perStream: number) => {
  expect(sink.streams.size).toBe(expectedStreams);
  for (const versions of sink.streams.values())
    expect(versions).toEqual(Array.from({ length: perStream }, (_, i) => i));
};

describe('the Kafka source', () => {
  it('applies every event once, each stream in order, with the offset stored alongside', async () => {
    const { cluster, log, sink, states, start } = setup();
    seed(log, 70, 7);
    await publish(cluster, log);
    const controller = new AbortController();
    const running = start(controller);
    await waitFor(() => sink.applications === 70, 'all 70 applied');
    allInOrder(sink, 7, 10);
    for (let p = 0; p < 4; p++)
      expect(sink.stored.get(p) ?? '0').toBe(String(cluster.records(TOPIC, p).length));
    expect(cluster.committed('projector', TOPIC, 0)).toBe(sink.stored.get(0));
    controller.abort();
    await expect(running).resolves.toEqual({ applied: 70, repeats: 0 });
    expect(states).toEqual(expect.arrayContaining(['connecting', 'connected']));
    expect(states.at(-1)).toBe('stopped');
  });

  it('drops the repeats a crashed relay published twice', async () => {
    const { cluster, log, sink, start } = setup();
    seed(log, 40, 5);
    await publish(cluster, log);
    // The relay crashed before saving its checkpoint: a new relay republished the tail.
    await relayOnce(cluster, log, new MemoryCheckpointStore(log.events[24]!.globalPosition));
    expect(cluster.allRecords(TOPIC)).toHaveLength(55);
    const controller = new AbortController();
    const running = start(controller);
    await waitFor(
      () =>
        [0, 1, 2, 3].every((p) => (sink.stored.get(p) ?? '0') === String(cluster.records(TOPIC, p).length)),
      'every partition consumed',
    );
    controller.abort();
    const outcome = await running;
    expect(sink.applications).toBe(40);
    allInOrder(sink, 5, 8);
    // Within a fetched batch repeats go before the sink sees them; the rest meet the sink's guard.
    expect(outcome.applied + outcome.repeats).toBe(55);
  });

  it('resumes from the offsets in the sink after a restart, without applying anything twice', async () => {
    const { cluster, log, sink, start } = setup();
    seed(log, 30, 3);
    await publish(cluster, log);
    const first = new AbortController();
    const running = start(first);
    await waitFor(() => sink.applications === 30, 'first 30');
    first.abort();
    await running;
    seed(log, 12, 3);
    await publish(cluster, log);
    const batchesBefore = sink.batches.length;
    const second = new AbortController();
    const resumed = start(second);
    await waitFor(() => sink.applications === 42, 'the next 12');
    second.abort();
    await expect(resumed).resolves.toMatchObject({ applied: 12 });
    const appliedAgain = sink.batches.slice(batchesBefore).flatMap((b) => b.events);
    expect(appliedAgain).toHaveLength(12);
  });

  it("trusts the sink when Kafka's committed offsets fell behind: nothing is applied twice", async () => {
    const { cluster, log, sink, start } = setup();
    seed(log, 20, 4);
    await publish(cluster, log);
    cluster.failNext('commitOffsets', { error: unreachableError() }, 1000);
    const first = new AbortController();
    const running = start(first);
    await waitFor(() => sink.applications === 20, 'all 20');
    first.abort();
    await running;
    for (let p = 0; p < 4; p++) expect(cluster.committed('projector', TOPIC, p)).toBeUndefined();
    cluster.clearFaults('commitOffsets');
    seed(log, 1, 4);
    await publish(cluster, log);
    const second = new AbortController();
    const resumed = start(second);
    await waitFor(() => sink.applications === 21, 'the new one');
    second.abort();
    await expect(resumed).resolves.toMatchObject({ applied: 1 });
  });

  it("trusts the sink when it is behind Kafka's committed offsets: a reset read model is filled again", async () => {
    const { cluster, log, sink, start } = setup();
    seed(log, 20, 4);
    await publish(cluster, log);
    const first = new AbortController();
    const running = start(first);
    await waitFor(() => sink.applications === 20, 'all 20');
    first.abort();
    await running;
    for (let p = 0; p < 4; p++)
      expect(cluster.committed('projector', TOPIC, p) ?? '0').toBe(String(cluster.records(TOPIC, p).length));
    const fresh = new MemorySink();
    const second = new AbortController();
    const replay = start(second, { sink: fresh });
    await waitFor(() => fresh.applications === 20, 'a full replay into the empty sink', 3000);
    second.abort();
    await replay;
    expect(fresh.streams).toEqual(sink.streams);
  });

  it('stops at a message that is not an event, naming where it sits, and applies nothing after it', async () => {
    const { cluster, log, sink, start } = setup();
    seed(log, 8, 1); // one stream: one partition
    await publish(cluster, log);
    const partition = cluster.allRecords(TOPIC)[0]!.partition;
    const producer = cluster.client().producer({});
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: [{ key: 'message-1.u0.1', value: 'not json' }] });
    seed(log, 2, 1);
    await publish(cluster, log);
    const attempt = start(new AbortController());
    await expect(attempt).rejects.toBeInstanceOf(KafkaSourceStoppedError);
    await expect(attempt).rejects.toThrow(
      new RegExp(`${TOPIC}/${partition}@8 is not a telegram-archive event.*--source log`),
    );
    expect(sink.applications).toBe(8);
    expect(sink.stored.get(partition)).toBe('8');
  });

  it('retries a sink that is briefly down, and stops on a fatal one', async () => {
    const { cluster, log, sink, captured, start } = setup();
    seed(log, 10, 2);
    await publish(cluster, log);
    sink.failures.push(new Error('connection refused'), new Error('connection refused'));
    const controller = new AbortController();
    const running = start(controller);
    await waitFor(() => sink.applications === 10, 'all applied after retries');
    controller.abort();
    await running;
    expect(captured.lines.some((l) => l.level === 50 && /connection refused; retrying/.test(l.msg))).toBe(
      true,
    );

    const poisoned = setup();
    seed(poisoned.log, 3, 1);
    await publish(poisoned.cluster, poisoned.log);
    poisoned.sink.failures.push(new PoisonError('event e1 cannot be projected'));
    await expect(poisoned.start(new AbortController())).rejects.toThrow(/e1 cannot be projected/);
  });

  it('waits for a broker that is down at start, then consumes', async () => {
    const { cluster, log, sink, captured, start } = setup();
    seed(log, 6, 2);
    await publish(cluster, log);
    cluster.reachable = false;
    const controller = new AbortController();
    const running = start(controller);
    await waitFor(
      () => captured.lines.filter((l) => /joining consumer group/.test(l.msg)).length >= 2,
      'retries',
    );
    expect(captured.lines.find((l) => l.level === 50)?.msg).toMatch(/ECONNREFUSED/);
    cluster.reachable = true;
    await waitFor(() => sink.applications === 6, 'consumed once reachable');
    controller.abort();
    await running;
  });

  it('stops promptly when asked while idle', async () => {
    const { start } = setup();
    const controller = new AbortController();
    const running = start(controller);
    await new Promise((resolve) => setImmediate(resolve));
    const asked = Date.now();
    controller.abort();
    await expect(running).resolves.toEqual({ applied: 0, repeats: 0 });
    expect(Date.now() - asked).toBeLessThan(2000);
  });
});

describe('dropRepeats', () => {
  it('keeps the first occurrence of each id, in order', () => {
    const [a, b, c] = new MemoryLog().add({ stream: 'x' }, { stream: 'x' }, { stream: 'y' }) as [
      StoredEvent,
      StoredEvent,
      StoredEvent,
    ];
    expect(dropRepeats([a, b, a, c, b])).toEqual({ events: [a, b, c], repeats: 2 });
  });
});
