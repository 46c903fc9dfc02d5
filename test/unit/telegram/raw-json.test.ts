// The raw TL object kept in event metadata.
import { describe, expect, it } from '@jest/globals';
import bigInt from 'big-integer';
import { rawJson } from '../../../src/telegram/map/raw.ts';

describe('rawJson', () => {
  it('names the constructor, drops gramjs bookkeeping and empty fields, converts ids and bytes', () => {
    const tl = {
      className: 'Message',
      CONSTRUCTOR_ID: 1,
      SUBCLASS_OF_ID: 2,
      classType: 'constructor',
      originalArgs: { id: 7 },
      flags: 3,
      flags2: 0,
      _client: { secret: true },
      _chat: undefined,
      id: 7,
      post: true,
      message: 'hi',
      groupedId: bigInt('12345678901234567'),
      native: 9007199254740993n,
      fileReference: Buffer.from([1, 2, 3]),
      thumb: new Uint8Array([255]),
      entities: [{ className: 'MessageEntityBold', offset: 0, length: 2 }, undefined, 5],
      replyTo: null,
      media: undefined,
      callback: () => 1,
      peerId: { className: 'PeerChannel', channelId: bigInt(1002) },
    };
    expect(rawJson(tl)).toEqual({
      _: 'Message',
      id: 7,
      post: true,
      message: 'hi',
      groupedId: '12345678901234567',
      native: '9007199254740993',
      fileReference: 'AQID',
      thumb: '/w==',
      entities: [{ _: 'MessageEntityBold', offset: 0, length: 2 }, null, 5],
      peerId: { _: 'PeerChannel', channelId: '1002' },
    });
  });

  it('reads bytes at their offset in a larger buffer', () => {
    const backing = Buffer.from([9, 9, 1, 2, 3, 9]);
    expect(rawJson({ bytes: backing.subarray(2, 5) })).toEqual({ bytes: 'AQID' });
  });

  it('stops at a depth of 12 levels', () => {
    let nested: Record<string, unknown> = { leaf: 'end', n: 1 };
    for (let i = 0; i < 14; i++) nested = { inner: nested };
    let level = rawJson(nested) as Record<string, unknown>;
    for (let i = 0; i < 12; i++) level = level.inner as Record<string, unknown>;
    expect(level).toEqual({ inner: '[too deep]' });
    const shallow = rawJson({ a: { b: 'x' } });
    expect(shallow).toEqual({ a: { b: 'x' } });
    let deepPrimitive: Record<string, unknown> = { value: 'kept?' };
    for (let i = 0; i < 12; i++) deepPrimitive = { inner: deepPrimitive };
    let reached = rawJson(deepPrimitive) as Record<string, unknown>;
    for (let i = 0; i < 12; i++) reached = reached.inner as Record<string, unknown>;
    expect(reached).toEqual({ value: '[too deep]' });
  });

  it('leaves primitives and nothing as they are', () => {
    expect(rawJson(undefined)).toBeUndefined();
    expect(rawJson(null)).toBeUndefined();
    expect(rawJson('x')).toBe('x');
    expect(rawJson(5)).toBe(5);
    expect(rawJson(false)).toBe(false);
  });
});
