// gramjs decrypts every received message with @cryptography/aes, which allocates per 16-byte block
// and reaches about 80-90 MB/s of one core here; the table-based decryption in aes-ige.ts does about
// twice that, and on a 2-core machine that difference decides whether files download at tens of MB/s.
// gramjs offers no option for its cipher, so the class its MTProto state and key exchange construct
// (`new IGE(key, iv)` from telegram/crypto/IGE, looked up at every use) is swapped for ours, with the
// same interface and the same bytes out (checked against OpenSSL's AES in the tests). Big-endian
// hosts keep gramjs's own.
// gramjs's modules import one another in a cycle that only resolves from the package entry.
import 'telegram';
import gramjsIge from 'telegram/crypto/IGE.js';
import { aesIgeDecryptInPlace, aesIgeEncrypt, nativeLittleEndian, padToBlocks } from './aes-ige.ts';

export class WordTableIge {
  private readonly key: Buffer;
  private readonly iv: Buffer;

  constructor(key: Buffer, iv: Buffer) {
    this.key = Buffer.from(key);
    this.iv = Buffer.from(iv);
  }

  /**
   * Decrypts in place: gramjs drops the ciphertext once decrypted (a received packet, or the DH
   * answer of a key exchange), and a file chunk is a megabyte not worth allocating twice.
   */
  decryptIge(cipherText: Buffer): Buffer {
    return aesIgeDecryptInPlace(cipherText, this.key, this.iv);
  }

  /** Pads with random bytes to whole blocks first, as gramjs's class does. */
  encryptIge(plainText: Buffer): Buffer {
    return aesIgeEncrypt(padToBlocks(plainText), this.key, this.iv);
  }
}

const original = gramjsIge.IGE;

/** Makes gramjs use WordTableIge from now on (idempotent). Returns whether it is in use. */
export function useWordTableIge(): boolean {
  if (!nativeLittleEndian) return false;
  (gramjsIge as { IGE: unknown }).IGE = WordTableIge;
  return true;
}

/** gramjs's own class, as it was before useWordTableIge (for tests and comparisons). */
export const gramjsOwnIge = original;

/** The class gramjs constructs now. */
export const currentGramjsIge = (): unknown => gramjsIge.IGE;
