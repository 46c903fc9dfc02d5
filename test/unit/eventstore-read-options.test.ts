import { describe, expect, test } from '@jest/globals';
import { prefixSuccessor } from '../../src/eventstore/read-options.ts';

describe('prefixSuccessor', () => {
  test('bumps the last code point, so every string with the prefix sorts below it', () => {
    expect(prefixSuccessor('message-1.c2.')).toBe('message-1.c2/');
    expect(prefixSuccessor('a\u{10FFFF}')).toBe('b');
    expect(prefixSuccessor('a\uD7FF')).toBe('a\uE000');
    expect(prefixSuccessor('a\u{1F600}')).toBe('a\u{1F601}');
    for (const prefix of ['chat-', 'x\u{10FFFF}', 'é']) {
      const upper = prefixSuccessor(prefix)!;
      const codePoints = (s: string) => Array.from(s, (c) => c.codePointAt(0)!);
      const below = (a: string, b: string) => {
        const x = codePoints(a);
        const y = codePoints(b);
        for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]!;
        return x.length < y.length;
      };
      for (const tail of ['', 'z', '\u{10FFFF}\u{10FFFF}', '\u0000'])
        expect(below(prefix + tail, upper)).toBe(true);
      expect(below(prefix, upper)).toBe(true);
    }
  });

  test('has no bound for a prefix of only the highest code point or with a lone surrogate', () => {
    expect(prefixSuccessor('\u{10FFFF}\u{10FFFF}')).toBeUndefined();
    expect(prefixSuccessor('a\uD800')).toBeUndefined();
  });
});
