// The wire format of an event on the topic, both ways. Key: the stream name, so one stream's
// events share a partition and keep their order. Value: the JSON envelope, exactly the stored
// event. Headers repeat what a consumer needs to route or dedupe without parsing the value.
import { isEventType } from '../events/catalogue.ts';
import type { StoredEvent } from '../events/envelope.ts';
import type { ConsumedMessage, HeaderValue, ProducedMessage } from './kafka-client.ts';

export const HEADERS = {
  eventId: 'event-id',
  eventType: 'event-type',
  globalPosition: 'global-position',
  schemaVersion: 'schema-version',
  streamVersion: 'stream-version',
  contentType: 'content-type',
} as const;

export const CONTENT_TYPE = 'application/json';

/** The JSON value of a message: the stored event with a fixed field order. */
export function envelopeOf(event: StoredEvent): Record<string, unknown> {
  return {
    id: event.id,
    type: event.type,
    stream: event.stream,
    streamVersion: event.streamVersion,
    globalPosition: event.globalPosition,
    ...(event.sequence === undefined ? {} : { sequence: event.sequence }),
    recordedAt: event.recordedAt,
    data: event.data,
    metadata: event.metadata,
  };
}

export function toKafkaMessage(event: StoredEvent): ProducedMessage {
  return {
    key: event.stream,
    value: JSON.stringify(envelopeOf(event)),
    headers: {
      [HEADERS.eventId]: event.id,
      [HEADERS.eventType]: event.type,
      [HEADERS.globalPosition]: event.globalPosition,
      [HEADERS.schemaVersion]: String(event.metadata.schemaVersion),
      [HEADERS.streamVersion]: String(event.streamVersion),
      [HEADERS.contentType]: CONTENT_TYPE,
    },
  };
}

/** Bytes a message puts on the wire, near enough to keep a request under the broker's limit. */
export function messageBytes(message: ProducedMessage): number {
  let bytes = Buffer.byteLength(message.key) + Buffer.byteLength(message.value) + 70;
  for (const [name, value] of Object.entries(message.headers))
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 2;
  return bytes;
}

/** A message on the topic that is not a telegram-archive event, with where it sits. */
export class MalformedEventMessageError extends Error {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  constructor(topic: string, partition: number, offset: string, reason: string) {
    super(`Message at ${topic}/${partition}@${offset} is not a telegram-archive event: ${reason}`);
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.name = 'MalformedEventMessageError';
  }
}

export function headerText(value: HeaderValue): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  if (one === undefined) return undefined;
  return typeof one === 'string' ? one : one.toString('utf8');
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses and checks one consumed message; the value must agree with its key and headers. */
export function fromKafkaMessage(
  message: ConsumedMessage,
  where: { topic: string; partition: number },
): StoredEvent {
  const fail = (reason: string) =>
    new MalformedEventMessageError(where.topic, where.partition, message.offset, reason);
  if (!message.value) throw fail('the value is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.value.toString('utf8'));
  } catch (error) {
    throw fail(`the value is not JSON (${(error as Error).message})`);
  }
  if (!isObject(parsed)) throw fail('the value is not a JSON object');
  const { id, type, stream, streamVersion, globalPosition, sequence, recordedAt, data, metadata } = parsed;
  if (typeof id !== 'string' || id === '') throw fail('"id" is missing');
  if (typeof type !== 'string' || !isEventType(type))
    throw fail(`unknown event type ${JSON.stringify(type)}`);
  if (typeof stream !== 'string' || stream === '') throw fail('"stream" is missing');
  if (typeof streamVersion !== 'number' || !Number.isInteger(streamVersion) || streamVersion < 0)
    throw fail('"streamVersion" is not a non-negative integer');
  if (typeof globalPosition !== 'string' || globalPosition === '') throw fail('"globalPosition" is missing');
  if (sequence !== undefined && (typeof sequence !== 'number' || !Number.isSafeInteger(sequence)))
    throw fail('"sequence" is not an integer');
  if (typeof recordedAt !== 'string') throw fail('"recordedAt" is missing');
  if (!isObject(data)) throw fail('"data" is not an object');
  if (!isObject(metadata) || typeof metadata.schemaVersion !== 'number')
    throw fail('"metadata.schemaVersion" is missing');
  const key = message.key?.toString('utf8');
  if (key !== undefined && key !== stream) throw fail(`the key '${key}' differs from the stream '${stream}'`);
  const headerId = headerText(message.headers?.[HEADERS.eventId]);
  if (headerId !== undefined && headerId !== id)
    throw fail(`the event-id header '${headerId}' differs from the id '${id}'`);
  return {
    id,
    type,
    stream,
    streamVersion,
    globalPosition,
    ...(sequence === undefined ? {} : { sequence }),
    recordedAt,
    data,
    metadata,
  } as unknown as StoredEvent;
}
