// The server half of MTProto 2.0 message protection, written from the protocol description rather
// than borrowed from gramjs, so that a client-side mistake cannot hide behind a shared helper:
// auth_key_id, msg_key, the KDF for AES-256 keys and AES-IGE.
import { createCipheriv, createDecipheriv, createHash, randomFillSync } from 'node:crypto';

export const AUTH_KEY_BYTES = 256;

const sha = (algorithm: 'sha1' | 'sha256', ...parts: Buffer[]): Buffer =>
  createHash(algorithm).update(Buffer.concat(parts)).digest();

/** auth_key_id: the low 64 bits of SHA1(auth_key). */
export function authKeyId(key: Buffer): Buffer {
  return sha('sha1', key).subarray(12, 20);
}

/** x = 0 for messages from the client, 8 for messages from the server. */
function kdf(key: Buffer, msgKey: Buffer, x: 0 | 8): { aesKey: Buffer; aesIv: Buffer } {
  const a = sha('sha256', msgKey, key.subarray(x, x + 36));
  const b = sha('sha256', key.subarray(40 + x, 76 + x), msgKey);
  return {
    aesKey: Buffer.concat([a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)]),
    aesIv: Buffer.concat([b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)]),
  };
}

export function ige(data: Buffer, key: Buffer, iv: Buffer, encrypt: boolean): Buffer {
  if (data.length % 16 !== 0) throw new Error(`IGE input of ${data.length} bytes is not a multiple of 16`);
  if (!encrypt) return igeBlockByBlock(data, key, iv, false);
  const out = Buffer.from(new ArrayBuffer(data.length));
  igeEncryptInto(aligned(data), key, iv, out, 0);
  return out;
}

/** A 4-byte aligned view of the bytes (copied when they are not), for whole-word XORs. */
function aligned(bytes: Uint8Array): Uint32Array {
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  return new Uint32Array(new Uint8Array(bytes).buffer);
}

/**
 * IGE encryption in one native AES-CBC pass, so large answers (file chunks) cost little: with
 * c_i = E(p_i ^ c_(i-1)) ^ p_(i-1) and y_i = c_i ^ p_(i-1), y is the CBC encryption (IV c_(-1)) of
 * x_i = p_i ^ p_(i-2), where p_(-1) is the second IV half and p_(-2) counts as zero. The ciphertext
 * goes to `out` at `offset` (4-byte aligned), so the caller can frame it without another copy.
 */
function igeEncryptInto(plain: Uint32Array, key: Buffer, iv: Buffer, out: Buffer, offset: number): void {
  const words = plain.length;
  const ivWords = aligned(iv);
  const x = new Uint32Array(words);
  x.set(plain);
  for (let i = 4; i < 8 && i < words; i++) x[i]! ^= ivWords[i]!; // p_1 ^ p_(-1)
  for (let i = 8; i < words; i++) x[i]! ^= plain[i - 8]!; // p_i ^ p_(i-2)
  const cipher = createCipheriv('aes-256-cbc', key, iv.subarray(0, 16));
  cipher.setAutoPadding(false);
  const y = aligned(cipher.update(new Uint8Array(x.buffer)));
  const target = new Uint32Array(out.buffer, out.byteOffset + offset, words);
  for (let i = 0; i < 4 && i < words; i++) target[i] = y[i]! ^ ivWords[4 + i]!; // c_0 = y_0 ^ p_(-1)
  for (let i = 4; i < words; i++) target[i] = y[i]! ^ plain[i - 4]!; // c_i = y_i ^ p_(i-1)
}

/** The textbook form, one block at a time; decryption cannot be vectorised the same way. */
export function igeBlockByBlock(data: Buffer, key: Buffer, iv: Buffer, encrypt: boolean): Buffer {
  const block = encrypt
    ? createCipheriv('aes-256-ecb', key, null)
    : createDecipheriv('aes-256-ecb', key, null);
  block.setAutoPadding(false);
  const out = Buffer.alloc(data.length);
  // iv = (previous ciphertext, previous plaintext) seen from the encrypting side.
  let prevCipher: Buffer = Buffer.from(iv.subarray(0, 16));
  let prevPlain: Buffer = Buffer.from(iv.subarray(16, 32));
  for (let i = 0; i < data.length; i += 16) {
    const chunk = data.subarray(i, i + 16);
    if (encrypt) {
      const mixed = block.update(xor(chunk, prevCipher));
      const cipher = xor(mixed, prevPlain);
      cipher.copy(out, i);
      prevPlain = Buffer.from(chunk);
      prevCipher = cipher;
    } else {
      const mixed = block.update(xor(chunk, prevPlain));
      const plain = xor(mixed, prevCipher);
      plain.copy(out, i);
      prevCipher = Buffer.from(chunk);
      prevPlain = plain;
    }
  }
  return out;
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

export class MessageKeyMismatchError extends Error {
  constructor() {
    super('msg_key does not match the decrypted payload');
    this.name = 'MessageKeyMismatchError';
  }
}

/** Decrypts a client packet body (after auth_key_id): returns the plaintext with padding. */
export function decryptFromClient(key: Buffer, msgKey: Buffer, encrypted: Buffer): Buffer {
  const { aesKey, aesIv } = kdf(key, msgKey, 0);
  const plain = ige(encrypted, aesKey, aesIv, false);
  const expected = sha('sha256', key.subarray(88, 120), plain).subarray(8, 24);
  if (!expected.equals(msgKey)) throw new MessageKeyMismatchError();
  return plain;
}

/**
 * Encrypts plaintext (salt|session|msg_id|seq|len|body, given in parts) for the client:
 * auth_key_id|msg_key|data, with `room` bytes left free before and after for the transport's frame.
 */
export function encryptForClient(
  key: Buffer,
  keyId: Buffer,
  plain: readonly Uint8Array[],
  room: { readonly before: number; readonly after: number } = { before: 0, after: 0 },
): Buffer {
  const plainLength = plain.reduce((n, part) => n + part.length, 0);
  const padLength = ((16 - ((plainLength + 12) % 16)) % 16) + 12;
  const padded = new Uint8Array(plainLength + padLength);
  let at = 0;
  for (const part of plain) {
    padded.set(part, at);
    at += part.length;
  }
  randomFillSync(padded, plainLength, padLength);
  const msgKey = createHash('sha256').update(key.subarray(96, 128)).update(padded).digest().subarray(8, 24);
  const { aesKey, aesIv } = kdf(key, msgKey, 8);
  if (room.before % 4 !== 0) throw new Error('the room before the message must keep it 4-byte aligned');
  const out = Buffer.from(new ArrayBuffer(room.before + 24 + padded.length + room.after));
  keyId.copy(out, room.before);
  msgKey.copy(out, room.before + 8);
  igeEncryptInto(aligned(padded), aesKey, aesIv, out, room.before + 24);
  return out;
}
