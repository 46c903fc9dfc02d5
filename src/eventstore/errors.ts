// Typed failures of the event store. Each names the offender so an operator can act on it.
import type { GlobalPosition } from '../events/envelope.ts';
import type { ExpectedVersion } from './port.ts';

export class WrongExpectedVersionError extends Error {
  readonly stream: string;
  readonly expected: ExpectedVersion;
  readonly actual: number;
  constructor(stream: string, expected: ExpectedVersion, actual: number) {
    super(
      `Wrong expected version for '${stream}': expected ${String(expected)}, stream is at ${actual === -1 ? 'no-stream' : actual}`,
    );
    this.name = 'WrongExpectedVersionError';
    this.stream = stream;
    this.expected = expected;
    this.actual = actual;
  }
}

export class UnknownEventTypeError extends Error {
  readonly eventType: string;
  constructor(eventType: string) {
    super(`Unknown event type '${eventType}'`);
    this.name = 'UnknownEventTypeError';
    this.eventType = eventType;
  }
}

export class EventTooLargeError extends Error {
  readonly eventId: string;
  readonly bytes: number;
  readonly limit: number;
  constructor(eventId: string, bytes: number, limit: number) {
    super(`Event ${eventId} is ${bytes} bytes, over the limit of ${limit}; nothing was written`);
    this.name = 'EventTooLargeError';
    this.eventId = eventId;
    this.bytes = bytes;
    this.limit = limit;
  }
}

/** An event id reused in a different stream, or with a different type: a bug in the id scheme. */
export class EventIdConflictError extends Error {
  readonly eventId: string;
  constructor(eventId: string, detail: string) {
    super(`Event id ${eventId} already exists ${detail}`);
    this.name = 'EventIdConflictError';
    this.eventId = eventId;
  }
}

/** An event the store refuses before writing anything: malformed id, data or metadata. */
export class InvalidEventError extends Error {
  readonly eventId: string;
  constructor(eventId: string, reason: string) {
    super(`Event ${eventId === '' ? '(no id)' : eventId} is invalid: ${reason}; nothing was written`);
    this.name = 'InvalidEventError';
    this.eventId = eventId;
  }
}

/** A position token this store did not issue (another store's checkpoint, a typo). */
export class InvalidPositionError extends Error {
  readonly position: string;
  constructor(position: string, expected: string) {
    super(`'${position}' is not a position of this event store: expected ${expected}`);
    this.name = 'InvalidPositionError';
    this.position = position;
  }
}

export class CorruptEventError extends Error {
  readonly eventId: string;
  readonly globalPosition: GlobalPosition;
  constructor(eventId: string, globalPosition: GlobalPosition, reason: string) {
    super(`Stored event ${eventId} at position ${globalPosition} cannot be read: ${reason}`);
    this.name = 'CorruptEventError';
    this.eventId = eventId;
    this.globalPosition = globalPosition;
  }
}

export class StoreUnavailableError extends Error {
  readonly location: string;
  constructor(location: string, reason: string) {
    super(`Event store at ${location} is unreachable: ${reason}`);
    this.name = 'StoreUnavailableError';
    this.location = location;
  }
}

/** The store was closed; open a new one. */
export class StoreClosedError extends Error {
  constructor(description: string) {
    super(`Event store ${description} is closed`);
    this.name = 'StoreClosedError';
  }
}
