import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { IGE } from 'telegram/crypto/IGE.js';
import { ige, igeBlockByBlock } from '../support/fake-telegram/crypto.ts';

describe('fake Telegram AES-IGE', () => {
  it('encrypts in one pass exactly as the textbook form and as gramjs do', () => {
    for (const size of [16, 32, 48, 64, 4096 + 16, 256 * 1024]) {
      const key = randomBytes(32);
      const iv = randomBytes(32);
      const plain = randomBytes(size);
      const fast = ige(plain, key, iv, true);
      expect(fast.equals(igeBlockByBlock(plain, key, iv, true))).toBe(true);
      expect(fast.equals(Buffer.from(new IGE(key, iv).encryptIge(plain)))).toBe(true);
      expect(ige(fast, key, iv, false).equals(plain)).toBe(true);
    }
  });

  it('refuses input that is not whole blocks', () => {
    expect(() => ige(randomBytes(20), randomBytes(32), randomBytes(32), true)).toThrow(
      'not a multiple of 16',
    );
  });
});
