import { describe, expect, it } from '@jest/globals';
import { StateCache } from '../../../src/ingest/state-cache.ts';

describe('StateCache', () => {
  it('returns what was written last, and forgets deleted and cleared keys', () => {
    const cache = new StateCache<number>(10);
    cache.set('a', 1);
    cache.set('a', 2);
    cache.set('b', 3);
    expect(cache.get('a')).toBe(2);
    expect(cache.get('b')).toBe(3);
    expect(cache.get('c')).toBeUndefined();
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    cache.clear();
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never holds more than its capacity and keeps the most recently written half', () => {
    const cache = new StateCache<number>(100);
    for (let i = 0; i < 1_000; i++) {
      cache.set(`k${i}`, i);
      expect(cache.size).toBeLessThanOrEqual(100);
    }
    for (let i = 950; i < 1_000; i++) expect(cache.get(`k${i}`)).toBe(i);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k800')).toBeUndefined();
  });

  it('keeps a key written again in the young generation, so it outlives older writes', () => {
    const cache = new StateCache<number>(4);
    cache.set('a', 1);
    cache.set('b', 2); // a and b move to the old generation
    cache.set('a', 3); // a is young again
    cache.set('c', 4); // a and c become old; b is forgotten
    expect(cache.get('a')).toBe(3);
    expect(cache.get('c')).toBe(4);
    expect(cache.get('b')).toBeUndefined();
  });

  it('refuses a capacity below two', () => {
    expect(() => new StateCache(1)).toThrow(RangeError);
  });
});
