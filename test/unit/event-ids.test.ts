import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { canonicalJson, contentHash, EVENT_ID_NAMESPACE, eventId, uuidV5 } from '../../src/events/ids.ts';

describe('event ids', () => {
  it('computes RFC 4122 version-5 UUIDs (the DNS example)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('formats every byte of the hash the way RFC 4122 writes it, for any name', () => {
    const namespace = Buffer.from(EVENT_ID_NAMESPACE.replaceAll('-', ''), 'hex');
    for (let i = 0; i < 2_000; i++) {
      const name = `chat-${i}.c${i * 7919}\n${'é'.repeat(i % 5)}${i}`;
      const digest = createHash('sha1').update(namespace).update(name, 'utf8').digest();
      digest[6] = (digest[6]! & 0x0f) | 0x50;
      digest[8] = (digest[8]! & 0x3f) | 0x80;
      const hex = digest.toString('hex', 0, 16);
      const expected = [
        hex.slice(0, 8),
        hex.slice(8, 12),
        hex.slice(12, 16),
        hex.slice(16, 20),
        hex.slice(20),
      ];
      expect(uuidV5(name)).toBe(expected.join('-'));
    }
  });

  it('names an event by stream, type and discriminator in our namespace', () => {
    const id = eventId('message-1.c1002.7', 'MessageCreated');
    expect(id).toBe(uuidV5('message-1.c1002.7\nMessageCreated\n', EVENT_ID_NAMESPACE));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventId('message-1.c1002.7', 'MessageCreated', 'x')).not.toBe(id);
  });

  it('hashes content as SHA-256 of its canonical JSON, whatever the key order', () => {
    const a = { text: 'hi', entities: [{ type: 'bold', offset: 0, length: 2 }], media: null };
    const b = { media: null, entities: [{ length: 2, offset: 0, type: 'bold' }], text: 'hi' };
    expect(contentHash(a)).toBe(contentHash(b));
    expect(contentHash(a)).toBe(createHash('sha256').update(canonicalJson(a)).digest('hex'));
    expect(contentHash({ ...a, text: 'ho' })).not.toBe(contentHash(a));
  });
});
