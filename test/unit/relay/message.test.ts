import { describe, expect, it } from '@jest/globals';
import type { ConsumedMessage } from '../../../src/relay/kafka-client.ts';
import {
  fromKafkaMessage,
  HEADERS,
  MalformedEventMessageError,
  messageBytes,
  toKafkaMessage,
} from '../../../src/relay/message.ts';
import { MemoryLog } from '../../support/memory-log.ts';

const where = { topic: 't', partition: 2 };

function consumed(message: ReturnType<typeof toKafkaMessage>, offset = '7'): ConsumedMessage {
  const headers: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(message.headers)) headers[k] = Buffer.from(v);
  return {
    key: Buffer.from(message.key),
    value: Buffer.from(message.value),
    headers,
    offset,
    timestamp: '0',
  };
}

describe('the wire format of an event', () => {
  const [event] = new MemoryLog().add({
    stream: 'message-42.c1001.77',
    type: 'MessageEdited',
    data: { text: 'é' },
  });

  it('keys by stream and carries id, type, position and schema version as headers', () => {
    const message = toKafkaMessage(event!);
    expect(message.key).toBe('message-42.c1001.77');
    expect(message.headers[HEADERS.eventId]).toBe(event!.id);
    expect(message.headers[HEADERS.eventType]).toBe('MessageEdited');
    expect(message.headers[HEADERS.globalPosition]).toBe(event!.globalPosition);
    expect(message.headers[HEADERS.schemaVersion]).toBe('1');
    expect(message.headers[HEADERS.streamVersion]).toBe('0');
    expect(JSON.parse(String(message.value))).toEqual({ ...event });
  });

  it('round-trips through a consumed message', () => {
    expect(fromKafkaMessage(consumed(toKafkaMessage(event!)), where)).toEqual({ ...event });
  });

  it("carries the store's human-readable sequence when it has one", () => {
    const withSequence = { ...event!, sequence: 41 };
    const message = toKafkaMessage(withSequence);
    expect(JSON.parse(String(message.value)).sequence).toBe(41);
    expect(fromKafkaMessage(consumed(message), where)).toEqual(withSequence);
    const bad = consumed(message);
    const value = { ...JSON.parse(String(message.value)), sequence: 'x' };
    expect(() => fromKafkaMessage({ ...bad, value: Buffer.from(JSON.stringify(value)) }, where)).toThrow(
      /"sequence" is not an integer/,
    );
  });

  it('counts multi-byte characters as bytes', () => {
    const message = toKafkaMessage(event!);
    expect(messageBytes(message)).toBeGreaterThan(Buffer.byteLength(message.value));
  });

  const broken: Array<[string, (m: ConsumedMessage) => ConsumedMessage, RegExp]> = [
    ['an empty value', (m) => ({ ...m, value: null }), /value is empty/],
    ['a value that is not JSON', (m) => ({ ...m, value: Buffer.from('{') }), /not JSON/],
    ['a JSON array', (m) => ({ ...m, value: Buffer.from('[]') }), /not a JSON object/],
    [
      'an unknown type',
      (m) => ({ ...m, value: Buffer.from(JSON.stringify({ ...JSON.parse(String(m.value)), type: 'Nope' })) }),
      /unknown event type "Nope"/,
    ],
    [
      'a negative stream version',
      (m) => ({
        ...m,
        value: Buffer.from(JSON.stringify({ ...JSON.parse(String(m.value)), streamVersion: -1 })),
      }),
      /streamVersion/,
    ],
    [
      'no schema version',
      (m) => ({ ...m, value: Buffer.from(JSON.stringify({ ...JSON.parse(String(m.value)), metadata: {} })) }),
      /schemaVersion/,
    ],
    [
      'a key that differs from the stream',
      (m) => ({ ...m, key: Buffer.from('other') }),
      /key 'other' differs/,
    ],
    [
      'an event-id header that differs',
      (m) => ({ ...m, headers: { ...m.headers, [HEADERS.eventId]: Buffer.from('x') } }),
      /event-id header 'x' differs/,
    ],
  ];
  it.each(broken)('rejects %s with a typed error naming where it sits', (_what, mutate, reason) => {
    const attempt = () => fromKafkaMessage(mutate(consumed(toKafkaMessage(event!), '12')), where);
    expect(attempt).toThrow(MalformedEventMessageError);
    expect(attempt).toThrow(reason);
    expect(attempt).toThrow(/t\/2@12/);
  });
});
