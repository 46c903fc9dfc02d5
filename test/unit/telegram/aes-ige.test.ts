// Our AES-IGE against a reference built on OpenSSL's AES-256 (one ECB block at a time, the IGE
// chaining spelled out), and against the cipher gramjs ships, which it replaces.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it, jest } from '@jest/globals';
import {
  aesIgeDecrypt,
  aesIgeDecryptInPlace,
  aesIgeEncrypt,
  padToBlocks,
} from '../../../src/telegram/transport/aes-ige.ts';
import {
  currentGramjsIge,
  gramjsOwnIge,
  useWordTableIge,
  WordTableIge,
} from '../../../src/telegram/transport/gramjs-ige.ts';

function xor16(a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** c_i = E(p_i ^ c_(i-1)) ^ p_(i-1); the IV is c_(-1) then p_(-1). */
function referenceEncrypt(plain: Buffer, key: Buffer, iv: Buffer): Buffer {
  const aes = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
  const out = Buffer.alloc(plain.length);
  let previousCipher = iv.subarray(0, 16);
  let previousPlain = iv.subarray(16, 32);
  for (let i = 0; i < plain.length; i += 16) {
    const block = plain.subarray(i, i + 16);
    const cipher = xor16(aes.update(xor16(block, previousCipher)), previousPlain);
    cipher.copy(out, i);
    previousCipher = cipher;
    previousPlain = block;
  }
  return out;
}

/** p_i = D(c_i ^ p_(i-1)) ^ c_(i-1). */
function referenceDecrypt(cipher: Buffer, key: Buffer, iv: Buffer): Buffer {
  const aes = createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);
  const out = Buffer.alloc(cipher.length);
  let previousCipher = iv.subarray(0, 16);
  let previousPlain = iv.subarray(16, 32);
  for (let i = 0; i < cipher.length; i += 16) {
    const block = cipher.subarray(i, i + 16);
    const plain = xor16(aes.update(xor16(block, previousPlain)), previousCipher);
    plain.copy(out, i);
    previousCipher = block;
    previousPlain = plain;
  }
  return out;
}

const SIZES = [16, 32, 48, 64, 1024 + 16, 64 * 1024, 1024 * 1024];

describe('AES-256-IGE', () => {
  it('decrypts byte for byte as the OpenSSL-based reference, for many keys and sizes', () => {
    for (const size of SIZES)
      for (let round = 0; round < 3; round++) {
        const key = randomBytes(32);
        const iv = randomBytes(32);
        const cipher = randomBytes(size);
        expect(aesIgeDecrypt(cipher, key, iv).equals(referenceDecrypt(cipher, key, iv))).toBe(true);
      }
  });

  it('encrypts byte for byte as the reference, and decryption inverts it', () => {
    for (const size of SIZES) {
      const key = randomBytes(32);
      const iv = randomBytes(32);
      const plain = randomBytes(size);
      const cipher = aesIgeEncrypt(plain, key, iv);
      expect(cipher.equals(referenceEncrypt(plain, key, iv))).toBe(true);
      expect(aesIgeDecrypt(cipher, key, iv).equals(plain)).toBe(true);
    }
  });

  it('passes the FIPS-197 AES-256 example through a one-block IGE with a zero IV', () => {
    // With c_(-1) = p_(-1) = 0, one block of IGE is plain AES: FIPS-197 appendix C.3.
    const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
    const plain = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const cipher = Buffer.from('8ea2b7ca516745bfeafc49904b496089', 'hex');
    expect(aesIgeEncrypt(plain, key, Buffer.alloc(32)).equals(cipher)).toBe(true);
    expect(aesIgeDecrypt(cipher, key, Buffer.alloc(32)).equals(plain)).toBe(true);
  });

  it('reads input at any byte offset (a slice of a larger buffer)', () => {
    const key = randomBytes(32);
    const iv = randomBytes(32);
    const backing = randomBytes(4096 + 3);
    for (const offset of [0, 1, 2, 3]) {
      const cipher = backing.subarray(offset, offset + 4096);
      const ivSlice = Buffer.concat([Buffer.alloc(offset), iv]).subarray(offset);
      expect(aesIgeDecrypt(cipher, key, ivSlice).equals(referenceDecrypt(cipher, key, iv))).toBe(true);
    }
  });

  it('decrypts in place when asked, into the same memory when it is aligned', () => {
    const key = randomBytes(32);
    const iv = randomBytes(32);
    const cipher = randomBytes(4096);
    const expected = referenceDecrypt(cipher, key, iv);
    const data = Buffer.from(new Uint8Array(cipher).buffer);
    const plain = aesIgeDecryptInPlace(data, key, iv);
    expect(plain.equals(expected)).toBe(true);
    expect(data.equals(expected)).toBe(true);
    expect(plain.buffer).toBe(data.buffer);
    // Not aligned: decrypted in a copy, and the caller's bytes are what it passed.
    const backing = Buffer.alloc(4097);
    cipher.copy(backing, 1);
    const unaligned = backing.subarray(1);
    expect(aesIgeDecryptInPlace(unaligned, key, iv).equals(expected)).toBe(true);
    expect(unaligned.equals(cipher)).toBe(true);
  });

  it('refuses partial blocks and wrong key or IV sizes', () => {
    expect(() => aesIgeDecrypt(randomBytes(20), randomBytes(32), randomBytes(32))).toThrow('whole blocks');
    expect(() => aesIgeEncrypt(randomBytes(32), randomBytes(16), randomBytes(32))).toThrow('32-byte key');
    expect(() => aesIgeDecrypt(randomBytes(32), randomBytes(32), randomBytes(16))).toThrow('32-byte IV');
  });

  it('pads to whole blocks only when needed', () => {
    const whole = randomBytes(32);
    expect(padToBlocks(whole)).toBe(whole);
    const padded = padToBlocks(Buffer.from('abc'));
    expect(padded.length).toBe(16);
    expect(Buffer.from(padded.subarray(0, 3)).toString()).toBe('abc');
  });
});

describe('the cipher gramjs uses', () => {
  it('is ours once installed, with the bytes of gramjs own class', () => {
    expect(useWordTableIge()).toBe(true);
    expect(currentGramjsIge()).toBe(WordTableIge);
    const key = randomBytes(32);
    const iv = randomBytes(32);
    const ours = new WordTableIge(key, iv);
    const theirs = new gramjsOwnIge(key, iv);
    const cipher = randomBytes(64 * 1024);
    const expected = Buffer.from(theirs.decryptIge(Buffer.from(cipher)));
    expect(ours.decryptIge(Buffer.from(cipher)).equals(expected)).toBe(true);
    const plain = randomBytes(4096);
    expect(ours.encryptIge(plain).equals(Buffer.from(theirs.encryptIge(plain)))).toBe(true);
  });

  it('pads with random bytes like gramjs: the plaintext comes back as a prefix', () => {
    const key = randomBytes(32);
    const iv = randomBytes(32);
    const plain = randomBytes(100);
    const cipher = new WordTableIge(key, iv).encryptIge(plain);
    expect(cipher.length).toBe(112);
    expect(new gramjsOwnIge(key, iv).decryptIge(cipher).subarray(0, 100).equals(plain)).toBe(true);
  });
});

describe('gramjs decrypting a server message', () => {
  it('goes through our cipher and reads the message the fake server encrypted', async () => {
    const { AuthKey } = await import('telegram/crypto/AuthKey.js');
    const { MTProtoState } = await import('telegram/network/MTProtoState.js');
    const { Api } = await import('telegram');
    const { encryptForClient, authKeyId } = await import('../../support/fake-telegram/crypto.ts');
    useWordTableIge();
    const keyBytes = randomBytes(256);
    const authKey = new AuthKey();
    await authKey.setKey(keyBytes);
    const state = new MTProtoState(authKey, undefined as never, false);
    const bytes = randomBytes(64 * 1024);
    const body = new Api.upload.File({ type: new Api.storage.FilePartial(), mtime: 1, bytes }).getBytes();
    const header = Buffer.alloc(32);
    header.writeInt32LE(3, 24); // seq_no
    header.writeInt32LE(body.length, 28);
    header.writeBigInt64LE(1n, 16); // msg_id
    const sealed = encryptForClient(keyBytes, authKeyId(keyBytes), [header, body]);
    const decrypt = jest.spyOn(WordTableIge.prototype, 'decryptIge');
    const message = await state.decryptMessageData(sealed);
    expect(decrypt).toHaveBeenCalledTimes(1);
    decrypt.mockRestore();
    const file = message.obj as InstanceType<typeof Api.upload.File>;
    expect(file.className).toBe('upload.File');
    expect(Buffer.from(file.bytes).equals(bytes)).toBe(true);
  });
});
