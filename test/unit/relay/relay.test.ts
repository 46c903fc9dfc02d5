// The relay loop under faults, against the fake broker: outages, lost acknowledgements, half-done
// requests, crashes between ack and checkpoint, stop requests, and failures no retry can fix.
import { afterEach, describe, expect, it } from '@jest/globals';
import type { GlobalPosition } from '../../../src/events/envelope.ts';
import {
  CorruptEventError,
  InvalidPositionError,
  StoreUnavailableError,
} from '../../../src/eventstore/errors.ts';
import { type CheckpointStore, MemoryCheckpointStore } from '../../../src/relay/checkpoint/index.ts';
import { HEADERS } from '../../../src/relay/message.ts';
import { KafkaPublisher, PRODUCER_SETTINGS } from '../../../src/relay/publisher.ts';
import {
  chunkMessages,
  type RelayOptions,
  type RelayStatus,
  RelayStoppedError,
  runRelay,
} from '../../../src/relay/relay.ts';
import {
  FakeKafkaCluster,
  PROTOCOL,
  protocolError,
  requestTimeoutError,
  unreachableError,
} from '../../support/fake-kafka.ts';
import { captureLog } from '../../support/log-capture.ts';
import { MemoryLog, seed } from '../../support/memory-log.ts';
import { waitFor } from '../../support/wait.ts';

const TOPIC = 'telegram-archive.events';

/** Relays a failed test left running are stopped, so the run ends instead of hanging. */
const liveRelays = new Set<AbortController>();
afterEach(() => {
  for (const controller of liveRelays) controller.abort();
  liveRelays.clear();
});

function setup(options: { partitions?: number; topic?: boolean } = {}) {
  const cluster = new FakeKafkaCluster();
  if (options.topic !== false) cluster.createTopic(TOPIC, options.partitions ?? 4);
  const log = new MemoryLog();
  const checkpoint = new MemoryCheckpointStore();
  const captured = captureLog();
  const controller = new AbortController();
  liveRelays.add(controller);
  const statuses: RelayStatus[] = [];
  const start = (overrides: Partial<RelayOptions> = {}) =>
    runRelay({
      store: log,
      publisher: new KafkaPublisher(
        cluster.client(),
        { topic: TOPIC, create: false, partitions: 4, replicationFactor: 1 },
        captured.logger,
      ),
      checkpoint,
      logger: captured.logger,
      signal: controller.signal,
      backoff: { initialMs: 1, maxMs: 5, jitter: 0 },
      idleWaitMs: 50,
      onStatus: (s) => statuses.push(s),
      ...overrides,
    });
  /** Event ids in the order they sit in each partition, and their count over all partitions. */
  const published = () => cluster.allRecords(TOPIC).map((r) => r.headers[HEADERS.eventId]!.toString());
  return { cluster, log, checkpoint, captured, controller, statuses, start, published };
}

/** Per stream: the order in which a consumer that drops repeated ids would apply events. */
function deduplicatedStreams(cluster: FakeKafkaCluster): Map<string, number[]> {
  const seen = new Set<string>();
  const streams = new Map<string, number[]>();
  for (const record of cluster.allRecords(TOPIC)) {
    const id = record.headers[HEADERS.eventId]!.toString();
    if (seen.has(id)) continue;
    seen.add(id);
    const value = JSON.parse(record.value!.toString());
    streams.set(value.stream, [...(streams.get(value.stream) ?? []), value.streamVersion]);
  }
  return streams;
}

const inOrder = (versions: number[]) => versions.every((v, i) => v === i);

describe('the relay loop', () => {
  it('uses the idempotent producer settings and never overlaps requests', async () => {
    const { cluster, log, start } = setup();
    seed(log, 120);
    await start({ untilCaughtUp: true, batchSize: 10, maxRequestBytes: 2000 });
    expect(cluster.producerSettings).toEqual([
      expect.objectContaining({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }),
    ]);
    expect(PRODUCER_SETTINGS.createPartitioner).toBeDefined();
    expect(cluster.sendLog.length).toBeGreaterThan(12); // the byte bound split the rounds
    expect(cluster.sendLog.every((s) => s.acks === -1)).toBe(true);
    expect(cluster.violations).toEqual([]);
  });

  it('keeps following the log after catching up, and saves the checkpoint after each ack', async () => {
    const { log, checkpoint, controller, start, published } = setup();
    seed(log, 5);
    const running = start();
    await waitFor(() => checkpoint.position === log.events.at(-1)!.globalPosition, 'first five published');
    seed(log, 3);
    await waitFor(() => published().length === 8, 'three more published');
    await waitFor(() => checkpoint.position === log.events.at(-1)!.globalPosition, 'checkpoint at the end');
    controller.abort();
    await expect(running).resolves.toMatchObject({ published: 8, stoppedBy: 'signal' });
  });

  it('waits out a broker that is down at start, logging a clear error, and loses nothing', async () => {
    const { cluster, log, captured, statuses, start, published } = setup();
    seed(log, 20);
    cluster.reachable = false;
    const running = start({ untilCaughtUp: true });
    await waitFor(() => statuses.filter((s) => s.state === 'retrying').length >= 3, 'three retries');
    const firstError = captured.lines.find((l) => l.level === 50);
    expect(firstError?.msg).toMatch(
      /connecting to Kafka topic telegram-archive.events failed: .*ECONNREFUSED.*retrying/,
    );
    expect(statuses.find((s) => s.state === 'retrying')?.detail).toMatch(/ECONNREFUSED/);
    cluster.reachable = true;
    await expect(running).resolves.toMatchObject({ published: 20, stoppedBy: 'caught-up' });
    expect(published()).toHaveLength(20);
    expect(captured.lines.some((l) => /succeeded after retrying/.test(l.msg))).toBe(true);
  });

  it('keeps its place through an outage in the middle: no checkpoint moves until the broker acks', async () => {
    const { cluster, log, checkpoint, start, published } = setup();
    const events = seed(log, 30);
    cluster.failNext('send', { error: unreachableError() }, 2); // the second round meets an outage
    const saved: GlobalPosition[] = [];
    const tracking: CheckpointStore = {
      description: 'tracking',
      load: () => checkpoint.load(),
      save: async (p) => {
        saved.push(p);
        await checkpoint.save(p);
      },
      close: async () => {},
    };
    await start({ untilCaughtUp: true, batchSize: 10, checkpoint: tracking });
    expect(saved).toEqual([
      events[9]!.globalPosition,
      events[19]!.globalPosition,
      events[29]!.globalPosition,
    ]);
    expect(published()).toHaveLength(30);
    expect(cluster.sendLog).toHaveLength(5); // three rounds, two of them failed first
  });

  it('a lost acknowledgement is resent in the same producer session and the broker drops the copy', async () => {
    const { cluster, log, start, published } = setup();
    seed(log, 25);
    cluster.failNext('send', { error: requestTimeoutError(), written: 'all' });
    await start({ untilCaughtUp: true, batchSize: 10 });
    expect(cluster.sendLog.length).toBe(4);
    expect(published()).toHaveLength(25);
    expect(new Set(published()).size).toBe(25);
  });

  it('a half-done request is resent: repeats appear, but deduplication by id restores every stream in order', async () => {
    const { cluster, log, start, published } = setup({ partitions: 6 });
    seed(log, 60, 9);
    cluster.failNext('send', { error: unreachableError(), written: 'some' });
    cluster.failNext('send', { error: unreachableError(), written: 'some' });
    await start({ untilCaughtUp: true, batchSize: 20 });
    const ids = published();
    expect(ids.length).toBeGreaterThan(60); // at-least-once: the written part came twice
    expect(new Set(ids).size).toBe(60);
    const streams = deduplicatedStreams(cluster);
    expect(streams.size).toBe(9);
    for (const versions of streams.values()) expect(inOrder(versions)).toBe(true);
  });

  it('after a crash between ack and checkpoint, a new relay republishes at most the unacknowledged tail', async () => {
    const { cluster, log, checkpoint, controller, start, published } = setup();
    const events = seed(log, 40);
    let saves = 0;
    const crashing: CheckpointStore = {
      description: 'crashing',
      load: () => checkpoint.load(),
      save: async (p) => {
        saves += 1;
        if (saves >= 3) throw new StoreUnavailableError('db', 'the process died here');
        await checkpoint.save(p);
      },
      close: async () => {},
    };
    const first = start({ batchSize: 10, checkpoint: crashing });
    await waitFor(() => saves >= 4, 'the third round acked but its checkpoint failing');
    controller.abort();
    await first;
    expect(checkpoint.position).toBe(events[19]!.globalPosition);
    expect(published()).toHaveLength(30);

    const restarted = new AbortController();
    liveRelays.add(restarted);
    const second = runRelay({
      store: log,
      publisher: new KafkaPublisher(
        cluster.client(),
        { topic: TOPIC, create: false, partitions: 4, replicationFactor: 1 },
        captureLog().logger,
      ),
      checkpoint,
      logger: captureLog().logger,
      signal: restarted.signal,
      batchSize: 10,
      untilCaughtUp: true,
    });
    await expect(second).resolves.toMatchObject({ published: 20 });
    const ids = published();
    expect(ids).toHaveLength(50);
    const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(new Set(repeated)).toEqual(new Set(events.slice(20, 30).map((e) => e.id)));
    for (const versions of deduplicatedStreams(cluster).values()) expect(inOrder(versions)).toBe(true);
  });

  it('stops on a stop request within the grace period even while the broker stalls, keeping the old checkpoint', async () => {
    const { cluster, log, checkpoint, controller, start } = setup();
    seed(log, 10);
    cluster.failNext('send', { hold: true });
    const running = start({ stopGraceMs: 100 });
    await waitFor(() => cluster.heldOperations === 1, 'the send to stall');
    const stopAsked = Date.now();
    controller.abort();
    await expect(running).resolves.toMatchObject({ published: 0, stoppedBy: 'signal' });
    expect(Date.now() - stopAsked).toBeLessThan(2000);
    expect(checkpoint.position).toBeUndefined();
    cluster.release();
  });

  it('a send that completes during the grace period still moves the checkpoint', async () => {
    const { cluster, log, checkpoint, controller, start } = setup();
    const events = seed(log, 10);
    cluster.failNext('send', { hold: true });
    const running = start({ stopGraceMs: 5000 });
    await waitFor(() => cluster.heldOperations === 1, 'the send to stall');
    controller.abort();
    cluster.release();
    await expect(running).resolves.toMatchObject({ published: 10, stoppedBy: 'signal' });
    expect(checkpoint.position).toBe(events[9]!.globalPosition);
  });

  it('stops with the fix when an event is too large for the topic, without moving past it', async () => {
    const { cluster, log, checkpoint, start } = setup();
    const events = log.add(
      { stream: 'message-1.u1.1' },
      { stream: 'message-1.u1.2', data: { big: 'x'.repeat(1_200_000) } },
    );
    const attempt = start({ untilCaughtUp: true });
    await expect(attempt).rejects.toBeInstanceOf(RelayStoppedError);
    await expect(attempt).rejects.toThrow(/MESSAGE_TOO_LARGE.*max\.message\.bytes/);
    expect(checkpoint.position).toBe(events[0]!.globalPosition);
    expect(cluster.allRecords(TOPIC)).toHaveLength(1);
  });

  it('refuses for good on a permission error', async () => {
    const { cluster, log, start } = setup();
    seed(log, 3);
    cluster.failNext('send', { error: protocolError(PROTOCOL.TOPIC_AUTHORIZATION_FAILED) });
    await expect(start({ untilCaughtUp: true })).rejects.toThrow(/Grant this client Write/);
  });

  it('starts a new producer session after an out-of-order sequence error', async () => {
    const { cluster, log, start, published } = setup();
    seed(log, 5);
    cluster.failNext('send', { error: protocolError(PROTOCOL.OUT_OF_ORDER_SEQUENCE_NUMBER) });
    await start({ untilCaughtUp: true });
    const sessions = new Set(cluster.sendLog.map((s) => s.producerId));
    expect(sessions.size).toBe(2);
    expect(new Set(published()).size).toBe(5);
  });

  it('retries a store that is briefly unreachable, and stops on a corrupt event', async () => {
    const { log, start, published } = setup();
    seed(log, 4);
    log.readFailures.push(
      new StoreUnavailableError('db', 'restarting'),
      new StoreUnavailableError('db', 'restarting'),
    );
    await expect(start({ untilCaughtUp: true })).resolves.toMatchObject({ published: 4 });
    expect(published()).toHaveLength(4);

    const broken = setup();
    broken.log.readFailures.push(new CorruptEventError('e1', '3', 'bad JSON'));
    await expect(broken.start({ untilCaughtUp: true })).rejects.toThrow(/e1 at position 3 cannot be read/);
  });

  it('stops with the fix when its checkpoint belongs to another store', async () => {
    const { log, start } = setup();
    seed(log, 2);
    log.readFailures.push(new InvalidPositionError('9:9', 'a row id'));
    await expect(start({ untilCaughtUp: true })).rejects.toThrow(
      /does not belong to this event store.*delete the relay checkpoint/,
    );
  });

  it('resumes from a stored checkpoint', async () => {
    const { log, checkpoint, start, published } = setup();
    const events = seed(log, 10);
    checkpoint.position = events[6]!.globalPosition;
    await expect(start({ untilCaughtUp: true })).resolves.toMatchObject({ published: 3 });
    expect(published()).toEqual(expect.arrayContaining(events.slice(7).map((e) => e.id)));
    expect(published()).toHaveLength(3);
  });
});

describe('chunking a round into requests', () => {
  it('keeps order, respects the byte bound, and sends an oversized event alone', () => {
    const log = new MemoryLog();
    const events = log.add(
      { stream: 'a', data: { x: 'y'.repeat(400) } },
      { stream: 'b', data: { x: 'y'.repeat(400) } },
      { stream: 'c', data: { x: 'y'.repeat(5000) } },
      { stream: 'd' },
    );
    const chunks = chunkMessages(events, 2200);
    expect(chunks.map((c) => c.events.map((e) => e.stream))).toEqual([['a', 'b'], ['c'], ['d']]);
    expect(chunks.flatMap((c) => c.messages.map((m) => m.key))).toEqual(['a', 'b', 'c', 'd']);
  });
});
