// The relay loop: read the log in global order after the checkpoint, publish, and move the
// checkpoint only after the broker acknowledged. Outages of the broker, the store or the
// checkpoint are waited out with backoff, forever, without losing the place; only a failure that
// retrying cannot fix (a typed fatal error) ends the loop. Delivery is at least once: after a
// crash the unacknowledged tail is published again, and consumers drop repeats by event id.
import type { GlobalPosition, StoredEvent } from '../events/envelope.ts';
import { CorruptEventError, InvalidPositionError, StoreClosedError } from '../eventstore/errors.ts';
import type { EventStore } from '../eventstore/port.ts';
import type { Logger } from '../log/logger.ts';
import { type BackoffOptions, withTimeout } from '../pacing/backoff.ts';
import { CheckpointCorruptError, type CheckpointStore } from './checkpoint/index.ts';
import type { ProducedMessage } from './kafka-client.ts';
import { describeKafkaError, fatalKafkaError } from './kafka-errors.ts';
import { messageBytes, toKafkaMessage } from './message.ts';
import type { Publisher } from './publisher.ts';
import { retryUntil, STOPPED, type Stopped } from './retry.ts';

export type RelayState = 'connecting' | 'publishing' | 'idle' | 'retrying' | 'stopped';

export interface RelayStatus {
  readonly state: RelayState;
  readonly published: number;
  readonly position: GlobalPosition | undefined;
  /** What is being retried and why, while state is 'retrying'. */
  readonly detail?: string;
}

export interface RelayOptions {
  readonly store: Pick<EventStore, 'readAll' | 'waitForEvents'>;
  readonly publisher: Publisher;
  readonly checkpoint: CheckpointStore;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Events read from the log per round (default 500). */
  readonly batchSize?: number;
  /** Upper bound for one produce request (default 900 KiB); a single larger event goes alone. */
  readonly maxRequestBytes?: number;
  /** How long one wait for new events lasts before it looks again (default 30 s). */
  readonly idleWaitMs?: number;
  /** After a stop request, how long an in-flight publish may still finish (default 7 s). */
  readonly stopGraceMs?: number;
  /** How long disconnecting may take at the end (default 2 s). */
  readonly disconnectTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  /** Stop once everything in the log is published (`relay --once`). */
  readonly untilCaughtUp?: boolean;
  readonly onStatus?: (status: RelayStatus) => void;
}

export interface RelayOutcome {
  readonly published: number;
  readonly position: GlobalPosition | undefined;
  readonly stoppedBy: 'signal' | 'caught-up';
}

/** A failure the relay cannot wait out; the message says what to do. */
export class RelayStoppedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RelayStoppedError';
  }
}

/** Splits a round into produce requests under the byte bound, in order. */
export function chunkMessages(
  events: readonly StoredEvent[],
  maxBytes: number,
): Array<{ events: StoredEvent[]; messages: ProducedMessage[] }> {
  const chunks: Array<{ events: StoredEvent[]; messages: ProducedMessage[]; bytes: number }> = [];
  for (const event of events) {
    const message = toKafkaMessage(event);
    const bytes = messageBytes(message);
    const last = chunks.at(-1);
    if (last && last.bytes + bytes <= maxBytes) {
      last.events.push(event);
      last.messages.push(message);
      last.bytes += bytes;
    } else chunks.push({ events: [event], messages: [message], bytes });
  }
  return chunks;
}

export async function runRelay(options: RelayOptions): Promise<RelayOutcome> {
  const { store, publisher, checkpoint, logger, signal } = options;
  const batchSize = options.batchSize ?? 500;
  const maxRequestBytes = options.maxRequestBytes ?? 900 * 1024;
  const idleWaitMs = options.idleWaitMs ?? 30_000;
  const stopGraceMs = options.stopGraceMs ?? 7_000;
  let published = 0;
  let position: GlobalPosition | undefined;
  let lastProgressLog = Date.now();

  const status = (state: RelayState, detail?: string) =>
    options.onStatus?.({ state, published, position, detail });

  const persist = <T>(
    what: string,
    attempt: () => Promise<T | Stopped>,
    fatal: (error: unknown) => Error | undefined,
  ): Promise<T | Stopped> =>
    retryUntil(what, attempt, {
      signal,
      logger,
      fatal,
      backoff: options.backoff,
      fields: () => ({ position: position ?? null }),
      note: 'the relay keeps its place',
      onRetry: (reason) => status('retrying', reason),
    });

  const kafkaFatal = (error: unknown) => {
    const verdict = fatalKafkaError(error);
    return verdict ? new RelayStoppedError(verdict.message, { cause: error }) : undefined;
  };
  const storeFatal = (error: unknown) => {
    if (error instanceof InvalidPositionError)
      return new RelayStoppedError(
        `The relay checkpoint (${checkpoint.description}) does not belong to this event store: ${error.message}. ` +
          'After moving to another store, delete the relay checkpoint to publish the whole log again (consumers drop repeats by event id)',
        { cause: error },
      );
    if (
      error instanceof CorruptEventError ||
      error instanceof CheckpointCorruptError ||
      error instanceof StoreClosedError
    )
      return new RelayStoppedError(error.message, { cause: error });
    return undefined;
  };

  const finish = async (stoppedBy: RelayOutcome['stoppedBy']): Promise<RelayOutcome> => {
    status('stopped');
    await withTimeout(publisher.disconnect(), options.disconnectTimeoutMs ?? 2_000).catch((error: unknown) =>
      logger.warn({ reason: describeKafkaError(error) }, 'disconnecting from Kafka failed'),
    );
    logger.info({ published, position: position ?? null, stoppedBy }, 'relay stopped');
    return { published, position, stoppedBy };
  };

  status('connecting');
  const loaded = await persist('loading the relay checkpoint', () => checkpoint.load(), storeFatal);
  if (loaded === STOPPED) return finish('signal');
  position = loaded;
  logger.info(
    { checkpoint: checkpoint.description, position: position ?? null, publisher: publisher.description },
    position === undefined
      ? 'relay starting at the beginning of the log'
      : 'relay resuming after its checkpoint',
  );

  const connected = await persist(
    `connecting to ${publisher.description}`,
    () => publisher.connect(),
    kafkaFatal,
  );
  if (connected === STOPPED) return finish('signal');

  let caughtUp = false;
  for (;;) {
    const events = await persist(
      'reading the event log',
      () => store.readAll({ after: position, limit: batchSize }),
      storeFatal,
    );
    if (events === STOPPED) return finish('signal');
    if (events.length === 0) {
      if (!caughtUp) {
        caughtUp = true;
        logger.info({ published, position: position ?? null }, 'relay caught up with the log');
      }
      if (options.untilCaughtUp) return finish('caught-up');
      status('idle');
      const woke = await persist(
        'waiting for new events',
        async () => store.waitForEvents(position, { signal, timeoutMs: idleWaitMs }),
        storeFatal,
      );
      if (woke === STOPPED || signal.aborted) return finish('signal');
      continue;
    }
    caughtUp = false;
    status('publishing');
    for (const chunk of chunkMessages(events, maxRequestBytes)) {
      const acked = await persist(
        `publishing ${chunk.messages.length} events to ${publisher.description}`,
        async () => {
          const outcome = await settleWithin(publisher.publish(chunk.messages), signal, stopGraceMs);
          if (outcome === 'abandoned') return STOPPED;
          return outcome;
        },
        kafkaFatal,
      );
      if (acked === STOPPED) return finish('signal');
      const next = chunk.events.at(-1)!.globalPosition;
      // Saved once the broker acknowledged; a stop request still lets this one save complete.
      const saved = signal.aborted
        ? await checkpoint.save(next).then(
            () => true,
            (error: unknown) =>
              logger.warn({ reason: String(error) }, 'could not save the checkpoint while stopping'),
          )
        : await persist(
            'saving the relay checkpoint',
            () => checkpoint.save(next).then(() => true),
            storeFatal,
          );
      if (saved === true) {
        position = next;
        published += chunk.events.length;
      }
      if (saved !== true || signal.aborted) return finish('signal');
    }
    if (Date.now() - lastProgressLog >= 10_000) {
      lastProgressLog = Date.now();
      logger.info({ published, position }, 'relay progress');
    }
  }
}

/**
 * Waits for `work`. Once the signal aborts, `work` still gets `graceMs` to finish; after that it is
 * abandoned (its late result is ignored) so that a stop request is honoured in bounded time.
 */
export function settleWithin<T>(
  work: Promise<T>,
  signal: AbortSignal,
  graceMs: number,
): Promise<T | 'abandoned'> {
  return new Promise<T | 'abandoned'>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const startGrace = () => {
      timer = setTimeout(() => resolve('abandoned'), graceMs);
    };
    if (signal.aborted) startGrace();
    else signal.addEventListener('abort', startGrace, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', startGrace);
    });
  });
}
