// Typed failures of the event store. Each names the offender so an operator can act on it.
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

export class CorruptEventError extends Error {
  readonly eventId: string;
  readonly globalPosition: number;
  constructor(eventId: string, globalPosition: number, reason: string) {
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
