// AES-256 in IGE mode, as MTProto 2.0 uses it to protect every message. Encryption maps onto one
// native AES-CBC pass. Decryption cannot: each block's AES input depends on the plaintext of the
// block before, and Node's OpenSSL offers no IGE and no "CBC encryption with the inverse cipher", so
// a native call per 16-byte block would cost more than the block. Decryption is therefore done here
// with lookup tables over 32-bit words, fully unrolled; it is what bounds how fast a file downloads.
import { createCipheriv, randomBytes } from 'node:crypto';
import { endianness } from 'node:os';

const ROUNDS = 14;
const KEY_WORDS = 4 * (ROUNDS + 1);

/** Multiplication in GF(2^8) modulo AES's polynomial x^8 + x^4 + x^3 + x + 1. */
function gfMul(a: number, b: number): number {
  let product = 0;
  for (let x = a, y = b; y > 0; y >>= 1) {
    if (y & 1) product ^= x;
    x = (x << 1) ^ (x & 0x80 ? 0x11b : 0);
  }
  return product & 0xff;
}

const rotateLeft = (x: number, bits: number): number => (bits === 0 ? x : (x << bits) | (x >>> (32 - bits)));

const SBOX = new Uint8Array(256);
const INV_SBOX = new Uint8Array(256);
/**
 * InvSubBytes and InvMixColumns of byte b in row r (entry 256*r + b), as the column it contributes:
 * the state's columns are read as little-endian words, so row 0 is the low byte.
 */
const INV_T = new Int32Array(1024);
const INV_T0 = INV_T.subarray(0, 256);
const INV_T1 = INV_T.subarray(256, 512);
const INV_T2 = INV_T.subarray(512, 768);
const INV_T3 = INV_T.subarray(768, 1024);

{
  const inverse = new Uint8Array(256);
  for (let x = 1; x < 256; x++)
    for (let y = 1; y < 256; y++)
      if (gfMul(x, y) === 1) {
        inverse[x] = y;
        break;
      }
  for (let x = 0; x < 256; x++) {
    let s = inverse[x]!;
    let rotated = s;
    for (let i = 0; i < 4; i++) {
      rotated = ((rotated << 1) | (rotated >>> 7)) & 0xff;
      s ^= rotated;
    }
    s ^= 0x63;
    SBOX[x] = s;
    INV_SBOX[s] = x;
  }
  for (let b = 0; b < 256; b++) {
    const s = INV_SBOX[b]!;
    // The column (14s, 9s, 13s, 11s) that InvMixColumns makes of a byte in row 0, low byte first;
    // a byte in row r gives the same column rotated down by r rows.
    const column = gfMul(s, 14) | (gfMul(s, 9) << 8) | (gfMul(s, 13) << 16) | (gfMul(s, 11) << 24);
    for (let row = 0; row < 4; row++) INV_T[256 * row + b] = rotateLeft(column, 8 * row);
  }
}

const byteSwap = (x: number): number => (x >>> 24) | ((x >>> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24);

/** The AES-256 key schedule (FIPS-197 section 5.2), big-endian words. */
function expandKey(key: Uint8Array): Int32Array {
  const w = new Int32Array(KEY_WORDS);
  for (let i = 0; i < 8; i++)
    w[i] = (key[4 * i]! << 24) | (key[4 * i + 1]! << 16) | (key[4 * i + 2]! << 8) | key[4 * i + 3]!;
  let rcon = 1;
  for (let i = 8; i < KEY_WORDS; i++) {
    let t = w[i - 1]!;
    if (i % 8 === 0) {
      t =
        ((SBOX[(t >>> 16) & 0xff]! << 24) |
          (SBOX[(t >>> 8) & 0xff]! << 16) |
          (SBOX[t & 0xff]! << 8) |
          SBOX[t >>> 24]!) ^
        (rcon << 24);
      rcon = gfMul(rcon, 2);
    } else if (i % 8 === 4) {
      t =
        (SBOX[t >>> 24]! << 24) |
        (SBOX[(t >>> 16) & 0xff]! << 16) |
        (SBOX[(t >>> 8) & 0xff]! << 8) |
        SBOX[t & 0xff]!;
    }
    w[i] = w[i - 8]! ^ t;
  }
  return w;
}

/**
 * Round keys for the equivalent inverse cipher (FIPS-197 section 5.3.5): in reverse order, with
 * InvMixColumns applied to all but the first and last, as little-endian words.
 */
function decryptionKeys(key: Uint8Array): Int32Array {
  const forward = expandKey(key);
  const out = new Int32Array(KEY_WORDS);
  for (let round = 0; round <= ROUNDS; round++)
    for (let column = 0; column < 4; column++) {
      let word = byteSwap(forward[(ROUNDS - round) * 4 + column]!);
      if (round > 0 && round < ROUNDS)
        // InvMixColumns(w) = INV_T(SubBytes(w)), since INV_T undoes the S-box first.
        word =
          INV_T[SBOX[word & 0xff]!]! ^
          INV_T[256 | SBOX[(word >>> 8) & 0xff]!]! ^
          INV_T[512 | SBOX[(word >>> 16) & 0xff]!]! ^
          INV_T[768 | SBOX[word >>> 24]!]!;
      out[round * 4 + column] = word;
    }
  return out;
}

/** Whole-word views need 4-byte alignment; a Buffer slice of the pool may not have it. */
function alignedWords(bytes: Uint8Array): Int32Array {
  if (bytes.byteOffset % 4 === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Int32Array(copy.buffer);
}

function checkSizes(data: Uint8Array, key: Uint8Array, iv: Uint8Array): void {
  if (data.length % 16 !== 0)
    throw new RangeError(`AES-IGE input of ${data.length} bytes is not whole blocks`);
  if (key.length !== 32) throw new RangeError(`AES-256 needs a 32-byte key, got ${key.length}`);
  if (iv.length !== 32) throw new RangeError(`AES-IGE needs a 32-byte IV, got ${iv.length}`);
}

/** The word-level code below reads the state as little-endian words. */
export const nativeLittleEndian = endianness() === 'LE';

/**
 * IGE decryption: p_i = D(c_i ^ p_(i-1)) ^ c_(i-1), with the IV holding c_(-1) then p_(-1).
 * Little-endian hosts only (see nativeLittleEndian).
 */
export function aesIgeDecrypt(cipher: Uint8Array, key: Uint8Array, iv: Uint8Array): Buffer {
  checkSizes(cipher, key, iv);
  const input = alignedWords(cipher);
  return decryptWords(input, new Int32Array(input.length), key, iv);
}

/**
 * As aesIgeDecrypt, but the plaintext replaces the ciphertext in `data` (or in a copy when `data` is
 * not 4-byte aligned), which spares allocating a second buffer the size of a file chunk.
 */
export function aesIgeDecryptInPlace(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Buffer {
  checkSizes(data, key, iv);
  const words = alignedWords(data);
  return decryptWords(words, words, key, iv);
}

/** `out` may be `input`: each block is read whole before its plaintext is written. */
function decryptWords(input: Int32Array, out: Int32Array, key: Uint8Array, iv: Uint8Array): Buffer {
  if (!nativeLittleEndian) throw new Error('AES-IGE decryption needs a little-endian host');
  const k = decryptionKeys(key);
  const ivWords = alignedWords(iv);
  let c0 = ivWords[0]!;
  let c1 = ivWords[1]!;
  let c2 = ivWords[2]!;
  let c3 = ivWords[3]!;
  let p0 = ivWords[4]!;
  let p1 = ivWords[5]!;
  let p2 = ivWords[6]!;
  let p3 = ivWords[7]!;
  const T0 = INV_T0;
  const T1 = INV_T1;
  const T2 = INV_T2;
  const T3 = INV_T3;
  const S = INV_SBOX;
  // Round keys and tables in locals, rounds unrolled: about twice as fast in V8 as a loop over them.
  const [k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15] = k.subarray(0, 16);
  const [k16, k17, k18, k19, k20, k21, k22, k23, k24, k25, k26, k27, k28, k29] = k.subarray(16, 30);
  const [k30, k31, k32, k33, k34, k35, k36, k37, k38, k39, k40, k41, k42, k43] = k.subarray(30, 44);
  const [k44, k45, k46, k47, k48, k49, k50, k51, k52, k53, k54, k55, k56, k57, k58, k59] = k.subarray(44, 60);
  for (let i = 0; i < input.length; i += 4) {
    const x0 = input[i]!;
    const x1 = input[i + 1]!;
    const x2 = input[i + 2]!;
    const x3 = input[i + 3]!;
    let s0 = x0 ^ p0 ^ k0!;
    let s1 = x1 ^ p1 ^ k1!;
    let s2 = x2 ^ p2 ^ k2!;
    let s3 = x3 ^ p3 ^ k3!;
    // Rounds 1 to 13 alternate between s and t. In each, output column j takes row r from input
    // column j - r (InvShiftRows) and row r's table (InvSubBytes with InvMixColumns).
    let t0 = T0[s0 & 255]! ^ T1[(s3 >>> 8) & 255]! ^ T2[(s2 >>> 16) & 255]! ^ T3[s1 >>> 24]! ^ k4!;
    let t1 = T0[s1 & 255]! ^ T1[(s0 >>> 8) & 255]! ^ T2[(s3 >>> 16) & 255]! ^ T3[s2 >>> 24]! ^ k5!;
    let t2 = T0[s2 & 255]! ^ T1[(s1 >>> 8) & 255]! ^ T2[(s0 >>> 16) & 255]! ^ T3[s3 >>> 24]! ^ k6!;
    let t3 = T0[s3 & 255]! ^ T1[(s2 >>> 8) & 255]! ^ T2[(s1 >>> 16) & 255]! ^ T3[s0 >>> 24]! ^ k7!;
    s0 = T0[t0 & 255]! ^ T1[(t3 >>> 8) & 255]! ^ T2[(t2 >>> 16) & 255]! ^ T3[t1 >>> 24]! ^ k8!;
    s1 = T0[t1 & 255]! ^ T1[(t0 >>> 8) & 255]! ^ T2[(t3 >>> 16) & 255]! ^ T3[t2 >>> 24]! ^ k9!;
    s2 = T0[t2 & 255]! ^ T1[(t1 >>> 8) & 255]! ^ T2[(t0 >>> 16) & 255]! ^ T3[t3 >>> 24]! ^ k10!;
    s3 = T0[t3 & 255]! ^ T1[(t2 >>> 8) & 255]! ^ T2[(t1 >>> 16) & 255]! ^ T3[t0 >>> 24]! ^ k11!;
    t0 = T0[s0 & 255]! ^ T1[(s3 >>> 8) & 255]! ^ T2[(s2 >>> 16) & 255]! ^ T3[s1 >>> 24]! ^ k12!;
    t1 = T0[s1 & 255]! ^ T1[(s0 >>> 8) & 255]! ^ T2[(s3 >>> 16) & 255]! ^ T3[s2 >>> 24]! ^ k13!;
    t2 = T0[s2 & 255]! ^ T1[(s1 >>> 8) & 255]! ^ T2[(s0 >>> 16) & 255]! ^ T3[s3 >>> 24]! ^ k14!;
    t3 = T0[s3 & 255]! ^ T1[(s2 >>> 8) & 255]! ^ T2[(s1 >>> 16) & 255]! ^ T3[s0 >>> 24]! ^ k15!;
    s0 = T0[t0 & 255]! ^ T1[(t3 >>> 8) & 255]! ^ T2[(t2 >>> 16) & 255]! ^ T3[t1 >>> 24]! ^ k16!;
    s1 = T0[t1 & 255]! ^ T1[(t0 >>> 8) & 255]! ^ T2[(t3 >>> 16) & 255]! ^ T3[t2 >>> 24]! ^ k17!;
    s2 = T0[t2 & 255]! ^ T1[(t1 >>> 8) & 255]! ^ T2[(t0 >>> 16) & 255]! ^ T3[t3 >>> 24]! ^ k18!;
    s3 = T0[t3 & 255]! ^ T1[(t2 >>> 8) & 255]! ^ T2[(t1 >>> 16) & 255]! ^ T3[t0 >>> 24]! ^ k19!;
    t0 = T0[s0 & 255]! ^ T1[(s3 >>> 8) & 255]! ^ T2[(s2 >>> 16) & 255]! ^ T3[s1 >>> 24]! ^ k20!;
    t1 = T0[s1 & 255]! ^ T1[(s0 >>> 8) & 255]! ^ T2[(s3 >>> 16) & 255]! ^ T3[s2 >>> 24]! ^ k21!;
    t2 = T0[s2 & 255]! ^ T1[(s1 >>> 8) & 255]! ^ T2[(s0 >>> 16) & 255]! ^ T3[s3 >>> 24]! ^ k22!;
    t3 = T0[s3 & 255]! ^ T1[(s2 >>> 8) & 255]! ^ T2[(s1 >>> 16) & 255]! ^ T3[s0 >>> 24]! ^ k23!;
    s0 = T0[t0 & 255]! ^ T1[(t3 >>> 8) & 255]! ^ T2[(t2 >>> 16) & 255]! ^ T3[t1 >>> 24]! ^ k24!;
    s1 = T0[t1 & 255]! ^ T1[(t0 >>> 8) & 255]! ^ T2[(t3 >>> 16) & 255]! ^ T3[t2 >>> 24]! ^ k25!;
    s2 = T0[t2 & 255]! ^ T1[(t1 >>> 8) & 255]! ^ T2[(t0 >>> 16) & 255]! ^ T3[t3 >>> 24]! ^ k26!;
    s3 = T0[t3 & 255]! ^ T1[(t2 >>> 8) & 255]! ^ T2[(t1 >>> 16) & 255]! ^ T3[t0 >>> 24]! ^ k27!;
    t0 = T0[s0 & 255]! ^ T1[(s3 >>> 8) & 255]! ^ T2[(s2 >>> 16) & 255]! ^ T3[s1 >>> 24]! ^ k28!;
    t1 = T0[s1 & 255]! ^ T1[(s0 >>> 8) & 255]! ^ T2[(s3 >>> 16) & 255]! ^ T3[s2 >>> 24]! ^ k29!;
    t2 = T0[s2 & 255]! ^ T1[(s1 >>> 8) & 255]! ^ T2[(s0 >>> 16) & 255]! ^ T3[s3 >>> 24]! ^ k30!;
    t3 = T0[s3 & 255]! ^ T1[(s2 >>> 8) & 255]! ^ T2[(s1 >>> 16) & 255]! ^ T3[s0 >>> 24]! ^ k31!;
    s0 = T0[t0 & 255]! ^ T1[(t3 >>> 8) & 255]! ^ T2[(t2 >>> 16) & 255]! ^ T3[t1 >>> 24]! ^ k32!;
    s1 = T0[t1 & 255]! ^ T1[(t0 >>> 8) & 255]! ^ T2[(t3 >>> 16) & 255]! ^ T3[t2 >>> 24]! ^ k33!;
    s2 = T0[t2 & 255]! ^ T1[(t1 >>> 8) & 255]! ^ T2[(t0 >>> 16) & 255]! ^ T3[t3 >>> 24]! ^ k34!;
    s3 = T0[t3 & 255]! ^ T1[(t2 >>> 8) & 255]! ^ T2[(t1 >>> 16) & 255]! ^ T3[t0 >>> 24]! ^ k35!;
    t0 = T0[s0 & 255]! ^ T1[(s3 >>> 8) & 255]! ^ T2[(s2 >>> 16) & 255]! ^ T3[s1 >>> 24]! ^ k36!;
    t1 = T0[s1 & 255]! ^ T1[(s0 >>> 8) & 255]! ^ T2[(s3 >>> 16) & 255]! ^ T3[s2 >>> 24]! ^ k37!;
    t2 = T0[s2 & 255]! ^ T1[(s1 >>> 8) & 255]! ^ T2[(s0 >>> 16) & 255]! ^ T3[s3 >>> 24]! ^ k38!;
    t3 = T0[s3 & 255]! ^ T1[(s2 >>> 8) & 255]! ^ T2[(s1 >>> 16) & 255]! ^ T3[s0 >>> 24]! ^ k39!;
    s0 = T0[t0 & 255]! ^ T1[(t3 >>> 8) & 255]! ^ T2[(t2 >>> 16) & 255]! ^ T3[t1 >>> 24]! ^ k40!;
    s1 = T0[t1 & 255]! ^ T1[(t0 >>> 8) & 255]! ^ T2[(t3 >>> 16) & 255]! ^ T3[t2 >>> 24]! ^ k41!;
    s2 = T0[t2 & 255]! ^ T1[(t1 >>> 8) & 255]! ^ T2[(t0 >>> 16) & 255]! ^ T3[t3 >>> 24]! ^ k42!;
    s3 = T0[t3 & 255]! ^ T1[(t2 >>> 8) & 255]! ^ T2[(t1 >>> 16) & 255]! ^ T3[t0 >>> 24]! ^ k43!;
    t0 = T0[s0 & 255]! ^ T1[(s3 >>> 8) & 255]! ^ T2[(s2 >>> 16) & 255]! ^ T3[s1 >>> 24]! ^ k44!;
    t1 = T0[s1 & 255]! ^ T1[(s0 >>> 8) & 255]! ^ T2[(s3 >>> 16) & 255]! ^ T3[s2 >>> 24]! ^ k45!;
    t2 = T0[s2 & 255]! ^ T1[(s1 >>> 8) & 255]! ^ T2[(s0 >>> 16) & 255]! ^ T3[s3 >>> 24]! ^ k46!;
    t3 = T0[s3 & 255]! ^ T1[(s2 >>> 8) & 255]! ^ T2[(s1 >>> 16) & 255]! ^ T3[s0 >>> 24]! ^ k47!;
    s0 = T0[t0 & 255]! ^ T1[(t3 >>> 8) & 255]! ^ T2[(t2 >>> 16) & 255]! ^ T3[t1 >>> 24]! ^ k48!;
    s1 = T0[t1 & 255]! ^ T1[(t0 >>> 8) & 255]! ^ T2[(t3 >>> 16) & 255]! ^ T3[t2 >>> 24]! ^ k49!;
    s2 = T0[t2 & 255]! ^ T1[(t1 >>> 8) & 255]! ^ T2[(t0 >>> 16) & 255]! ^ T3[t3 >>> 24]! ^ k50!;
    s3 = T0[t3 & 255]! ^ T1[(t2 >>> 8) & 255]! ^ T2[(t1 >>> 16) & 255]! ^ T3[t0 >>> 24]! ^ k51!;
    t0 = T0[s0 & 255]! ^ T1[(s3 >>> 8) & 255]! ^ T2[(s2 >>> 16) & 255]! ^ T3[s1 >>> 24]! ^ k52!;
    t1 = T0[s1 & 255]! ^ T1[(s0 >>> 8) & 255]! ^ T2[(s3 >>> 16) & 255]! ^ T3[s2 >>> 24]! ^ k53!;
    t2 = T0[s2 & 255]! ^ T1[(s1 >>> 8) & 255]! ^ T2[(s0 >>> 16) & 255]! ^ T3[s3 >>> 24]! ^ k54!;
    t3 = T0[s3 & 255]! ^ T1[(s2 >>> 8) & 255]! ^ T2[(s1 >>> 16) & 255]! ^ T3[s0 >>> 24]! ^ k55!;
    // Round 14: InvShiftRows and InvSubBytes only.
    const y0 =
      (S[t0 & 255]! | (S[(t3 >>> 8) & 255]! << 8) | (S[(t2 >>> 16) & 255]! << 16) | (S[t1 >>> 24]! << 24)) ^
      k56! ^
      c0;
    const y1 =
      (S[t1 & 255]! | (S[(t0 >>> 8) & 255]! << 8) | (S[(t3 >>> 16) & 255]! << 16) | (S[t2 >>> 24]! << 24)) ^
      k57! ^
      c1;
    const y2 =
      (S[t2 & 255]! | (S[(t1 >>> 8) & 255]! << 8) | (S[(t0 >>> 16) & 255]! << 16) | (S[t3 >>> 24]! << 24)) ^
      k58! ^
      c2;
    const y3 =
      (S[t3 & 255]! | (S[(t2 >>> 8) & 255]! << 8) | (S[(t1 >>> 16) & 255]! << 16) | (S[t0 >>> 24]! << 24)) ^
      k59! ^
      c3;
    out[i] = y0;
    out[i + 1] = y1;
    out[i + 2] = y2;
    out[i + 3] = y3;
    c0 = x0;
    c1 = x1;
    c2 = x2;
    c3 = x3;
    p0 = y0;
    p1 = y1;
    p2 = y2;
    p3 = y3;
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * IGE encryption, c_i = E(p_i ^ c_(i-1)) ^ p_(i-1), in one native CBC pass: with y_i = c_i ^ p_(i-1),
 * y_i = E(x_i ^ y_(i-1)) where x_i = p_i ^ p_(i-2) (p_(-2) taken as zero and y_(-1) = c_(-1)), which
 * is AES-CBC of x with c_(-1) as its IV.
 */
export function aesIgeEncrypt(plain: Uint8Array, key: Uint8Array, iv: Uint8Array): Buffer {
  checkSizes(plain, key, iv);
  const n = plain.length;
  const x = Buffer.allocUnsafe(n);
  // p_(i-2): nothing for the first block, the IV's plaintext half for the second.
  for (let i = 0; i < n; i++) x[i] = plain[i]! ^ (i >= 32 ? plain[i - 32]! : i >= 16 ? iv[i]! : 0);
  const cbc = createCipheriv('aes-256-cbc', key, iv.subarray(0, 16));
  cbc.setAutoPadding(false);
  const y = cbc.update(x);
  for (let i = 0; i < n; i++) y[i] = y[i]! ^ (i >= 16 ? plain[i - 16]! : iv[16 + i]!);
  return y;
}

/** Appends random bytes up to whole blocks, as gramjs does before encrypting. */
export function padToBlocks(data: Uint8Array): Uint8Array {
  const short = data.length % 16;
  return short === 0 ? data : Buffer.concat([data, randomBytes(16 - short)]);
}
