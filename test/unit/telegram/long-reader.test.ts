// 64-bit TL fields read natively give what gramjs's own reader gives: same value, same kind of
// big-integer object, same errors at the end of the data.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import 'telegram';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { BinaryReader } from 'telegram/extensions/index.js';
import {
  currentReadLong,
  gramjsOwnReadLong,
  useNativeLongs,
} from '../../../src/telegram/transport/long-reader.ts';

const edgeValues = [
  0n,
  1n,
  -1n,
  1002n,
  2n ** 31n,
  2n ** 32n + 5n,
  2n ** 53n - 1n,
  2n ** 53n,
  -(2n ** 53n),
  2n ** 63n - 1n,
  -(2n ** 63n),
];

function samples(): Buffer[] {
  const out = edgeValues.map((v) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(v);
    return b;
  });
  for (let i = 0; i < 2000; i++) out.push(randomBytes(8));
  return out;
}

function describeLong(value: unknown) {
  const v = value as bigInt.BigInteger & { isSmall: boolean };
  return { text: v.toString(), kind: v.constructor.name, small: v.isSmall };
}

describe('native 64-bit reads for gramjs', () => {
  it('give the value and the big-integer kind of gramjs own reader, signed and unsigned', () => {
    useNativeLongs();
    expect(currentReadLong()).not.toBe(gramjsOwnReadLong);
    for (const bytes of samples()) {
      for (const signed of [true, false]) {
        const theirs = gramjsOwnReadLong.call(new BinaryReader(bytes) as never, signed);
        const ours = new BinaryReader(bytes).readLong(signed);
        expect(describeLong(ours)).toEqual(describeLong(theirs));
        expect(ours.equals(theirs)).toBe(true);
      }
    }
  });

  it('advance the reader by 8 bytes and fail when fewer are left', () => {
    useNativeLongs();
    const reader = new BinaryReader(Buffer.concat([Buffer.alloc(8, 1), Buffer.alloc(4, 2)]));
    reader.readLong();
    expect(reader.offset).toBe(8);
    expect(() => reader.readLong()).toThrow('No more data left to read');
  });

  it('decode a TL object with 64-bit ids as before', () => {
    useNativeLongs();
    const channel = new Api.Channel({
      id: bigInt('1234567890123'),
      accessHash: bigInt('-8070450532247928832'),
      title: 'Big channel',
      photo: new Api.ChatPhotoEmpty(),
      date: 1_600_000_000,
    });
    const decoded = new BinaryReader(channel.getBytes()).tgReadObject() as Api.Channel;
    expect(decoded.id.toString()).toBe('1234567890123');
    expect(decoded.accessHash!.toString()).toBe('-8070450532247928832');
    expect(decoded.title).toBe('Big channel');
  });
});
