import { describe, expect, it } from '@jest/globals';
import kafkajs from 'kafkajs';
import {
  describeKafkaError,
  fatalKafkaError,
  hasErrorType,
  isTransientKafkaError,
  KafkaFatalError,
  needsNewProducerSession,
} from '../../../src/relay/kafka-errors.ts';
import {
  PROTOCOL,
  produceFailure,
  protocolError,
  requestTimeoutError,
  unreachableError,
} from '../../support/fake-kafka.ts';

const k = kafkajs as any;

describe('telling a Kafka outage from a verdict', () => {
  it.each([
    ['broker unreachable after kafkajs retries', unreachableError()],
    ['a request timeout', requestTimeoutError()],
    ['leader moved, retries exhausted', produceFailure(PROTOCOL.NOT_LEADER_FOR_PARTITION)],
    ['too few in-sync replicas', produceFailure(PROTOCOL.NOT_ENOUGH_REPLICAS)],
    ['a bare connection error', new k.KafkaJSConnectionError('Connection error: socket hang up')],
    ['a lock timeout', new k.KafkaJSLockTimeout('Timeout while acquiring lock')],
    ['an unknown non-Kafka error', new Error('ECONNRESET')],
  ])('%s is transient', (_what, error) => {
    expect(isTransientKafkaError(error)).toBe(true);
    expect(fatalKafkaError(error)).toBeUndefined();
  });

  it.each([
    ['an event too large for the topic', protocolError(PROTOCOL.MESSAGE_TOO_LARGE), /max\.message\.bytes/],
    ['no write permission', protocolError(PROTOCOL.TOPIC_AUTHORIZATION_FAILED), /Grant this client Write/],
    [
      'a replication factor above the broker count (inside an aggregate)',
      new k.KafkaJSNonRetriableError('Topic creation errors', {
        cause: new k.KafkaJSAggregateError('Topic creation errors', [
          protocolError(PROTOCOL.INVALID_REPLICATION_FACTOR),
        ]),
      }),
      /KAFKA_REPLICATION_FACTOR/,
    ],
    ['a client-side refusal', new k.KafkaJSNonRetriableError('Invalid topic'), /Invalid topic/],
    ['a programming error inside the client', new TypeError('x is not a function'), /Internal error/],
  ])('%s is fatal, with the fix', (_what, error, fix) => {
    const verdict = fatalKafkaError(error);
    expect(verdict).toBeInstanceOf(KafkaFatalError);
    expect(verdict!.message).toMatch(fix);
    expect(isTransientKafkaError(error)).toBe(false);
  });

  it('finds protocol types anywhere in the chain', () => {
    const wrapped = new k.KafkaJSNonRetriableError(protocolError(PROTOCOL.UNKNOWN_TOPIC_OR_PARTITION), {
      cause: protocolError(PROTOCOL.UNKNOWN_TOPIC_OR_PARTITION),
    });
    expect(hasErrorType(wrapped, 'UNKNOWN_TOPIC_OR_PARTITION')).toBe(true);
    expect(hasErrorType(wrapped, 'MESSAGE_TOO_LARGE')).toBe(false);
  });

  it('asks for a new producer session after a sequence error only', () => {
    expect(needsNewProducerSession(protocolError(PROTOCOL.OUT_OF_ORDER_SEQUENCE_NUMBER))).toBe(true);
    expect(needsNewProducerSession(unreachableError())).toBe(false);
  });

  it('describes the root cause in one line', () => {
    expect(describeKafkaError(unreachableError('kafka:9092'))).toBe(
      'KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED kafka:9092',
    );
    expect(describeKafkaError(new Error('plain'))).toBe('Error: plain');
  });
});
