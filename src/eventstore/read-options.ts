// Read options checked the same way by every adapter, so a bad limit or an unknown type filter is a
// clear error everywhere instead of a store-specific surprise.
import { type EventType, isEventType } from '../events/catalogue.ts';
import { InvalidPositionError, UnknownEventTypeError } from './errors.ts';
import type { ReadAllOptions, ReadStreamOptions } from './port.ts';
import { validateStreamName } from './validate.ts';

export interface StreamRead {
  readonly backwards: boolean;
  readonly fromVersion: number | undefined;
  readonly limit: number | undefined;
}

export interface AllRead {
  readonly after: string | undefined;
  readonly limit: number | undefined;
  /** Undefined: every type. */
  readonly types: readonly EventType[] | undefined;
  readonly streamPrefix: string | undefined;
}

function count(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new RangeError(`${what} must be a whole number >= 0, not ${String(value)}`);
  return value;
}

export function streamRead(stream: string, options: ReadStreamOptions = {}): StreamRead {
  validateStreamName(stream);
  const direction = options.direction ?? 'forwards';
  if (direction !== 'forwards' && direction !== 'backwards')
    throw new RangeError(`direction must be 'forwards' or 'backwards', not ${String(direction)}`);
  return {
    backwards: direction === 'backwards',
    fromVersion: count(options.fromVersion, 'fromVersion'),
    limit: count(options.limit, 'limit'),
  };
}

export function allRead(options: ReadAllOptions = {}): AllRead {
  const { types, streamPrefix, after } = options;
  if (types !== undefined) {
    if (!Array.isArray(types)) throw new TypeError('types must be an array of event types');
    for (const type of types) if (!isEventType(type)) throw new UnknownEventTypeError(String(type));
  }
  if (streamPrefix !== undefined && typeof streamPrefix !== 'string')
    throw new TypeError('streamPrefix must be a string');
  if (after !== undefined && typeof after !== 'string')
    throw new TypeError(`after must be a position string from this store, not ${typeof after}`);
  return {
    after,
    limit: count(options.limit, 'limit'),
    types,
    streamPrefix: streamPrefix === '' ? undefined : streamPrefix,
  };
}

/**
 * A position that is a plain sequence number (SQLite row ids, the memory store's index): digits
 * without leading zeros, small enough to stay exact as a JS number. `expected` names the format.
 */
export function sequencePosition(after: string | undefined, expected: string): number {
  if (after === undefined) return 0;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(after)) throw new InvalidPositionError(after, expected);
  return Number(after);
}
