// Kafka as a source of events for a consumer of ours (the projector): a consumer group reads the
// relay's topic, and a sink applies each partition's events together with the partition's next
// offset in one transaction of its own. The sink's offsets are the truth: on every group join the
// consumer seeks to them, and anything below them is passed over, so Kafka's committed offsets
// (kept only for monitoring) may be lost or stale without harm. Repeats the relay published after
// a crash are dropped by event id within a batch, and the sink's own guards (stream versions in
// the read model) make any later repeat a no-op.
import type { StoredEvent } from '../events/envelope.ts';
import type { Logger } from '../log/logger.ts';
import { type BackoffOptions, createBackoff, pause, withTimeout } from '../pacing/backoff.ts';
import type { EachBatchArgs, KafkaClientLike } from './kafka-client.ts';
import { describeKafkaError, fatalKafkaError } from './kafka-errors.ts';
import { fromKafkaMessage, MalformedEventMessageError } from './message.ts';
import { retryUntil, STOPPED } from './retry.ts';

export interface SinkBatch {
  readonly topic: string;
  readonly partition: number;
  /** In partition order, repeats within the batch removed. May be empty (all repeats). */
  readonly events: readonly StoredEvent[];
  /** The offset to resume from after this batch: the last message's offset + 1. */
  readonly nextOffset: string;
}

export interface KafkaSink {
  readonly description: string;
  /** Per partition, the offset to resume from; a partition never applied is absent. */
  offsets(topic: string): Promise<ReadonlyMap<number, string>>;
  /** Applies the events and stores `nextOffset` for the partition, atomically. */
  apply(batch: SinkBatch): Promise<void>;
  /** The error in its fatal form when no retry can fix it (e.g. an event the handlers reject). */
  fatal(error: unknown): Error | undefined;
}

export type SourceState = 'connecting' | 'connected' | 'disconnected' | 'stopped';

export interface KafkaSourceOptions {
  readonly client: KafkaClientLike;
  readonly topic: string;
  readonly groupId: string;
  readonly sink: KafkaSink;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly backoff?: BackoffOptions;
  /** How long stopping the consumer may take (default 5 s). */
  readonly stopTimeoutMs?: number;
  readonly onStatus?: (state: SourceState, detail?: string) => void;
}

export interface SourceOutcome {
  readonly applied: number;
  readonly repeats: number;
}

/** The source stopped for a reason no retry can fix; the message says which. */
export class KafkaSourceStoppedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaSourceStoppedError';
  }
}

/** Keeps the first occurrence of each event id, in order. */
export function dropRepeats(events: readonly StoredEvent[]): { events: StoredEvent[]; repeats: number } {
  const seen = new Set<string>();
  const kept = events.filter((event) => !seen.has(event.id) && seen.add(event.id));
  return { events: kept, repeats: events.length - kept.length };
}

export async function runKafkaSource(options: KafkaSourceOptions): Promise<SourceOutcome> {
  const { client, topic, groupId, sink, logger, signal } = options;
  const status = options.onStatus ?? (() => undefined);
  let applied = 0;
  let repeats = 0;
  let fatal: Error | undefined;
  const stopNow = new AbortController();
  const stopping = AbortSignal.any([signal, stopNow.signal]);
  const fail = (error: Error) => {
    fatal ??= error;
    stopNow.abort();
  };

  /** Retries `attempt` until it works; undefined when the source stops (a fatal error calls fail()). */
  const persist = async <T>(what: string, attempt: () => Promise<T>, heartbeat?: () => Promise<void>) => {
    try {
      const result = await retryUntil(what, attempt, {
        signal: stopping,
        logger,
        backoff: options.backoff,
        fatal: (error) => {
          const verdict = sink.fatal(error) ?? fatalKafkaError(error);
          return verdict ? new KafkaSourceStoppedError(verdict.message, { cause: error }) : undefined;
        },
        onRetry: (reason) => status('disconnected', reason),
        beforeWait: heartbeat,
      });
      return result === STOPPED ? undefined : { value: result as T };
    } catch (error) {
      fail(error as Error);
      return undefined;
    }
  };

  while (!stopping.aborted) {
    status('connecting');
    const consumer = client.consumer({
      groupId,
      allowAutoTopicCreation: false,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 30_000 },
    });
    let offsets = new Map<number, string>();
    const started = await persist(`joining consumer group ${groupId} on topic ${topic}`, async () => {
      offsets = new Map(await sink.offsets(topic));
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
    });
    if (!started) {
      await consumer.disconnect().catch(() => undefined);
      break;
    }

    const crashed = new AbortController();
    consumer.on('consumer.group_join', ({ payload }) => {
      // The sink's offsets decide where each assigned partition resumes, whatever Kafka remembers.
      for (const partition of payload.memberAssignment[topic] ?? [])
        consumer.seek({ topic, partition, offset: offsets.get(partition) ?? '0' });
      status('connected');
      logger.info(
        { topic, groupId, partitions: payload.memberAssignment[topic] ?? [] },
        'joined the consumer group',
      );
    });
    consumer.on('consumer.crash', ({ payload }) => {
      const reason = describeKafkaError(payload.error);
      status('disconnected', reason);
      if (payload.restart) logger.warn({ reason }, 'the Kafka consumer crashed and restarts itself');
      else {
        logger.error({ reason }, 'the Kafka consumer crashed for good; starting a new one');
        crashed.abort();
      }
    });

    const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchArgs) => {
      const partition = batch.partition;
      if (!isRunning() || isStale() || stopping.aborted) return;
      const from = BigInt(offsets.get(partition) ?? '0');
      const fresh = batch.messages.filter((m) => BigInt(m.offset) >= from);
      if (fresh.length === 0) {
        // All applied before: let kafkajs move past them.
        if (batch.messages.length > 0) resolveOffset(batch.messages.at(-1)!.offset);
        return;
      }
      // Decode up to the first message that is not an event: what comes before it is still applied.
      const events: StoredEvent[] = [];
      let malformed: MalformedEventMessageError | undefined;
      for (const message of fresh) {
        try {
          events.push(fromKafkaMessage(message, { topic, partition }));
        } catch (error) {
          if (!(error instanceof MalformedEventMessageError)) throw error;
          malformed = error;
          break;
        }
      }
      const stopAtMalformed = () => {
        if (malformed)
          fail(
            new KafkaSourceStoppedError(
              `${malformed.message}. Nothing after it was applied; remove it from the topic or project from the event log (--source log)`,
              { cause: malformed },
            ),
          );
      };
      if (events.length === 0) return stopAtMalformed();
      const last = fresh[events.length - 1]!.offset;
      const unique = dropRepeats(events);
      const nextOffset = (BigInt(last) + 1n).toString();
      const done = await persist(
        `applying ${unique.events.length} events from ${topic}/${partition}`,
        () => sink.apply({ topic, partition, events: unique.events, nextOffset }),
        heartbeat,
      );
      if (!done) return;
      offsets.set(partition, nextOffset);
      applied += unique.events.length;
      repeats += unique.repeats;
      resolveOffset(last);
      // For monitoring only (kafka-consumer-groups shows the lag); the sink holds the truth.
      await consumer
        .commitOffsets([{ topic, partition, offset: nextOffset }])
        .catch((error: unknown) =>
          logger.debug({ reason: describeKafkaError(error) }, 'offset commit failed'),
        );
      stopAtMalformed();
    };

    const running = await persist('starting the Kafka consumer', () =>
      consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch }),
    );
    if (running) {
      await new Promise<void>((resolve) => {
        if (stopping.aborted || crashed.signal.aborted) return resolve();
        const done = () => resolve();
        stopping.addEventListener('abort', done, { once: true });
        crashed.signal.addEventListener('abort', done, { once: true });
      });
    }
    await withTimeout(consumer.disconnect(), options.stopTimeoutMs ?? 5_000).catch((error: unknown) =>
      logger.warn({ reason: describeKafkaError(error) }, 'disconnecting the consumer failed'),
    );
    if (!stopping.aborted) await pause(createBackoff(options.backoff).next(), stopping);
  }
  status('stopped', fatal?.message);
  logger.info({ applied, repeats }, 'Kafka source stopped');
  if (fatal) throw fatal;
  return { applied, repeats };
}
