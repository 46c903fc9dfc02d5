// Sorting Kafka failures into "wait and try again" and "a person must act". kafkajs marks its
// errors with `retriable`, but wraps exhausted retries in a non-retriable error whose cause was a
// transient one: that is still an outage, not a verdict.

/** A failure that retrying cannot fix: the relay or projector stops and says what to change. */
export class KafkaFatalError extends Error {
  readonly fix: string;
  constructor(message: string, fix: string, options?: { cause?: unknown }) {
    super(`${message}. ${fix}`, options);
    this.fix = fix;
    this.name = 'KafkaFatalError';
  }
}

/** Topic missing while creation is off: retried (someone may create it), reported at error level. */
export class KafkaTopicMissingError extends Error {
  readonly topic: string;
  constructor(topic: string) {
    super(
      `Kafka topic '${topic}' does not exist. Create it (partitions keyed by stream) or set KAFKA_CREATE_TOPIC=true`,
    );
    this.topic = topic;
    this.name = 'KafkaTopicMissingError';
  }
}

interface KafkaLikeError {
  readonly name?: string;
  readonly message?: string;
  readonly retriable?: boolean;
  readonly type?: string;
  readonly code?: string | number;
  readonly cause?: unknown;
}

const asKafkaError = (error: unknown): KafkaLikeError | undefined =>
  typeof error === 'object' && error !== null ? (error as KafkaLikeError) : undefined;

/** The error and everything it wraps: kafkajs nests failures under `cause` and `errors`. */
export function* errorChain(error: unknown): Generator<KafkaLikeError> {
  const queue: unknown[] = [error];
  const seen = new Set<unknown>();
  while (queue.length > 0 && seen.size < 20) {
    const current = queue.shift();
    const e = asKafkaError(current);
    if (!e || seen.has(e)) continue;
    seen.add(e);
    yield e;
    if (e.cause !== undefined) queue.push(e.cause);
    const nested = (e as { errors?: unknown }).errors;
    if (Array.isArray(nested)) queue.push(...nested);
  }
}

/** The innermost cause along `cause` links. */
export function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 10; depth++) {
    const next = asKafkaError(current)?.cause;
    if (next === undefined || next === null || next === current) return current;
    current = next;
  }
  return current;
}

/** The protocol error type (UNKNOWN_TOPIC_OR_PARTITION…) anywhere in the chain. */
export function hasErrorType(error: unknown, type: string): boolean {
  for (const e of errorChain(error)) if (e.type === type) return true;
  return false;
}

/** Protocol errors that mean our configuration is wrong, with the fix an operator needs. */
const FATAL_PROTOCOL_ERRORS: Readonly<Record<string, string>> = {
  MESSAGE_TOO_LARGE:
    "An event is larger than the topic's max.message.bytes. Raise it on the topic (kafka-configs --alter --entity-type topics --add-config max.message.bytes=2097152) and restart",
  RECORD_LIST_TOO_LARGE: "Raise the topic's max.message.bytes (2097152 covers the largest event) and restart",
  TOPIC_AUTHORIZATION_FAILED: 'Grant this client Write and Describe on the topic',
  CLUSTER_AUTHORIZATION_FAILED:
    'Grant this client IdempotentWrite on the cluster (needed by the idempotent producer)',
  GROUP_AUTHORIZATION_FAILED: 'Grant this client Read on the consumer group',
  INVALID_TOPIC_EXCEPTION: 'Choose a valid KAFKA_TOPIC',
  INVALID_REPLICATION_FACTOR: 'Set KAFKA_REPLICATION_FACTOR to at most the number of brokers',
  INVALID_PARTITIONS: 'Set KAFKA_PARTITIONS to a positive number',
  POLICY_VIOLATION: "The broker's topic policy refused the topic: create it by hand",
  UNSUPPORTED_VERSION: 'The broker is too old for this client: use Kafka 2.x or newer',
  INVALID_REQUIRED_ACKS: 'The broker refused acks=-1: check min.insync.replicas',
};

/**
 * True for failures that go away by themselves: broker down, leader election, timeouts, a network
 * cut, kafkajs giving up after its own retries. Everything unknown counts as transient, so that an
 * outage never ends the process; the typed fatal cases are listed above.
 */
export function isTransientKafkaError(error: unknown): boolean {
  return fatalKafkaError(error) === undefined;
}

/** Programming errors: retrying the same call gives the same bug. */
const BUG_NAMES = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);
/** kafkajs marks these non-retriable, yet they only mean "the cluster was too slow just now". */
const SLOW_NOT_BROKEN = new Set(['KafkaJSTimeout', 'KafkaJSLockTimeout', 'KafkaJSNumberOfRetriesExceeded']);

/** The fatal form of an error, or undefined when it is worth retrying. */
export function fatalKafkaError(error: unknown): KafkaFatalError | undefined {
  if (error instanceof KafkaFatalError) return error;
  for (const e of errorChain(error)) {
    const fix = e.type ? FATAL_PROTOCOL_ERRORS[e.type] : undefined;
    if (fix)
      return new KafkaFatalError(`Kafka refused the request: ${e.type} (${e.message})`, fix, {
        cause: error,
      });
    if (e.name === 'KafkaJSSASLAuthenticationError')
      return new KafkaFatalError(`Kafka authentication failed (${e.message})`, 'Check the credentials', {
        cause: error,
      });
    if (e.name === 'KafkaJSServerDoesNotSupportApiKey')
      return new KafkaFatalError(
        `The Kafka broker lacks a needed API (${e.message})`,
        'Use Kafka 2.x or newer',
        {
          cause: error,
        },
      );
  }
  const root = asKafkaError(rootCause(error));
  if (root?.name && BUG_NAMES.has(root.name))
    return new KafkaFatalError(
      `Internal error talking to Kafka: ${root.name}: ${root.message}`,
      'Please report it',
      {
        cause: error,
      },
    );
  // A protocol error (it has a `type`) not listed above may clear up, e.g. after a leader moves.
  const refusedForGood =
    root?.retriable === false && root.type === undefined && !SLOW_NOT_BROKEN.has(root.name ?? '');
  if (refusedForGood)
    return new KafkaFatalError(
      `The Kafka client refused the request: ${root.message}`,
      'Check the Kafka settings',
      {
        cause: error,
      },
    );
  return undefined;
}

/** Errors after which an idempotent producer must start a new session (new producer id). */
export function needsNewProducerSession(error: unknown): boolean {
  return ['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH'].some((type) =>
    hasErrorType(error, type),
  );
}

/** One line for logs: name, message and the root cause when it differs. */
export function describeKafkaError(error: unknown): string {
  const top = asKafkaError(error);
  const root = asKafkaError(rootCause(error));
  const head = `${top?.name ?? 'Error'}: ${top?.message ?? String(error)}`;
  if (!root || root === top || root.message === top?.message) return head;
  return `${head} (caused by ${root.name ?? 'Error'}: ${root.message ?? String(root)})`;
}
