// Validation every adapter runs before writing: the fast stream-name check agrees with parseStream,
// the schema version is filled in, and sizes are counted in UTF-8 bytes.
import { describe, expect, test } from '@jest/globals';
import type { NewEvent } from '../../src/events/envelope.ts';
import { InvalidStreamNameError, parseStream } from '../../src/events/peers.ts';
import { upcasters } from '../../src/events/upcasters.ts';
import { EventTooLargeError } from '../../src/eventstore/errors.ts';
import { MAX_EVENT_BYTES } from '../../src/eventstore/port.ts';
import { validateNewEvent, validateStreamName } from '../../src/eventstore/validate.ts';
import { sampleEvent } from '../support/sample-events.ts';

const accepts = (check: (name: string) => unknown, name: string) => {
  try {
    check(name);
    return true;
  } catch (error) {
    if (error instanceof InvalidStreamNameError) return false;
    throw error;
  }
};

describe('validateStreamName', () => {
  const names = [
    'message-1.c2.3',
    'message-12345678901234567890.u1.4294967295',
    'message-1.c2.0',
    'message-1.c2.01',
    'message-1.x2.3',
    'message-1.c2',
    'message-1.c2.3.4',
    'chat-1.g5',
    'chat-1.5',
    'chat-1.g5.6',
    'user-1.2',
    'user-1.u2',
    'account-9',
    'account-9.1',
    'account-',
    'Message-1.c2.3',
    ' chat-1.g5',
    'chat-1.g5\n',
    'thing-1',
    '',
  ];
  test.each(names)('agrees with parseStream on %j', (name) => {
    expect(accepts(validateStreamName, name)).toBe(accepts(parseStream, name));
  });

  test('names the offender', () => {
    expect(() => validateStreamName('chat-1.5')).toThrow("Invalid stream name 'chat-1.5'");
    expect(() => validateStreamName(42)).toThrow(InvalidStreamNameError);
  });
});

describe('validateNewEvent', () => {
  test('serializes once and puts the current schema version first in the metadata', () => {
    const event = sampleEvent('MessagePinned');
    const prepared = validateNewEvent('message-1.c2.3', event, upcasters);
    expect(JSON.parse(prepared.data)).toEqual(event.data);
    expect(JSON.parse(prepared.metadata)).toEqual({ ...event.metadata, schemaVersion: 1 });
    const empty = validateNewEvent(
      'message-1.c2.3',
      { ...event, metadata: {} } as unknown as NewEvent,
      upcasters,
    );
    expect(empty.metadata).toBe('{"schemaVersion":1}');
  });

  test('counts bytes, not characters, and rejects before anything else happens', () => {
    const event = sampleEvent('MessageCreated');
    const wide = { ...event, data: { ...event.data, text: '𝄞'.repeat(MAX_EVENT_BYTES / 4) } } as NewEvent;
    const error = (() => {
      try {
        validateNewEvent('message-1.c2.3', wide, upcasters);
      } catch (e) {
        return e as EventTooLargeError;
      }
    })();
    expect(error).toBeInstanceOf(EventTooLargeError);
    expect(error!.bytes).toBeGreaterThan(MAX_EVENT_BYTES);
    expect(error!.message).toContain(event.id);
  });
});
