// Checks every adapter runs before it touches storage: a valid stream name, a known type, a UUID id,
// plain-object data and metadata, and a size within MAX_EVENT_BYTES. Each event is serialized here
// exactly once; adapters store the JSON text as is, so the hot path never stringifies twice.
import { type EventType, isEventType } from '../events/catalogue.ts';
import type { NewEvent } from '../events/envelope.ts';
import { InvalidStreamNameError, parseStream } from '../events/peers.ts';
import type { Upcasters } from '../events/upcasters.ts';
import { EventTooLargeError, InvalidEventError, UnknownEventTypeError } from './errors.ts';
import { type AppendRequest, type ExpectedVersion, MAX_EVENT_BYTES } from './port.ts';

/** An event ready to store: validated, with `data` and `metadata` as JSON text. */
export interface PreparedEvent {
  readonly id: string;
  readonly type: EventType;
  readonly data: string;
  /** Always carries `schemaVersion`. */
  readonly metadata: string;
}

export interface PreparedRequest {
  readonly stream: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly PreparedEvent[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// The common, well-formed names pass this one expression; anything else goes through parseStream,
// which accepts or explains. Every name matched here is one that parseStream accepts.
const WELL_FORMED_STREAM =
  /^(?:message-[0-9]{1,20}\.[ugc][0-9]{1,20}\.[1-9][0-9]{0,9}|chat-[0-9]{1,20}\.[ugc][0-9]{1,20}|user-[0-9]{1,20}\.[0-9]{1,20}|account-[0-9]{1,20})$/;

/** Throws InvalidStreamNameError naming the offender. */
export function validateStreamName(stream: unknown): asserts stream is string {
  if (typeof stream !== 'string') throw new InvalidStreamNameError(String(stream), 'not a string');
  if (!WELL_FORMED_STREAM.test(stream)) parseStream(stream);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function serialize(value: unknown, id: string, what: string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new InvalidEventError(
      id,
      `${what} cannot be serialized as JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/**
 * Validates one event for `stream` and serializes it, filling `metadata.schemaVersion` with the
 * current version when the writer left it out.
 */
export function validateNewEvent(stream: string, event: NewEvent, upcasters: Upcasters): PreparedEvent {
  validateStreamName(stream);
  return prepareEvent(event, upcasters);
}

function prepareEvent(event: NewEvent, upcasters: Upcasters): PreparedEvent {
  if (!isPlainObject(event)) throw new InvalidEventError('', 'expected an event object');
  const { id, type, data, metadata } = event as {
    id: unknown;
    type: unknown;
    data: unknown;
    metadata: unknown;
  };
  if (typeof id !== 'string' || !UUID.test(id))
    throw new InvalidEventError(String(id), 'the id must be a lowercase UUID (see events/ids.ts)');
  if (typeof type !== 'string' || !isEventType(type)) throw new UnknownEventTypeError(String(type));
  if (!isPlainObject(data)) throw new InvalidEventError(id, 'data must be a JSON object');
  if (!isPlainObject(metadata)) throw new InvalidEventError(id, 'metadata must be a JSON object');
  const current = upcasters.currentVersion(type);
  const written = metadata.schemaVersion;
  if (
    written !== undefined &&
    (!Number.isInteger(written) || (written as number) < 1 || (written as number) > current)
  )
    throw new InvalidEventError(
      id,
      `metadata.schemaVersion ${String(written)} is not a version of ${type} (1..${current})`,
    );
  const dataJson = serialize(data, id, 'data');
  let metadataJson = serialize(metadata, id, 'metadata');
  if (written === undefined)
    metadataJson =
      metadataJson === '{}'
        ? `{"schemaVersion":${current}}`
        : `{"schemaVersion":${current},${metadataJson.slice(1)}`;
  // A UTF-16 unit never takes more than 3 bytes in UTF-8, so most events skip the exact count.
  if ((dataJson.length + metadataJson.length) * 3 > MAX_EVENT_BYTES) {
    const bytes = Buffer.byteLength(dataJson) + Buffer.byteLength(metadataJson);
    if (bytes > MAX_EVENT_BYTES) throw new EventTooLargeError(id, bytes, MAX_EVENT_BYTES);
  }
  return { id, type, data: dataJson, metadata: metadataJson };
}

export function validateExpectedVersion(stream: string, expected: unknown): ExpectedVersion {
  if (expected === undefined || expected === 'any') return 'any';
  if (expected === 'no-stream' || expected === -1) return 'no-stream';
  if (expected === 'exists') return expected;
  if (typeof expected === 'number' && Number.isInteger(expected) && expected >= 0) return expected;
  throw new RangeError(
    `Expected version for '${stream}' must be 'any', 'no-stream', 'exists' or a version >= 0, not ${String(expected)}`,
  );
}

/** Validates and serializes a whole batch; throws before anything is written. */
export function prepareAppend(requests: readonly AppendRequest[], upcasters: Upcasters): PreparedRequest[] {
  if (!Array.isArray(requests)) throw new TypeError('appendBatch expects an array of requests');
  const prepared: PreparedRequest[] = new Array(requests.length);
  for (let r = 0; r < requests.length; r++) {
    const request = requests[r]!;
    validateStreamName(request.stream);
    if (!Array.isArray(request.events))
      throw new TypeError(`events for '${request.stream}' must be an array`);
    const events: PreparedEvent[] = new Array(request.events.length);
    for (let i = 0; i < events.length; i++) events[i] = prepareEvent(request.events[i]!, upcasters);
    prepared[r] = {
      stream: request.stream,
      expectedVersion: validateExpectedVersion(request.stream, request.expectedVersion),
      events,
    };
  }
  return prepared;
}
