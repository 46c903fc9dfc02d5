// The SQLite store's unindexed tail: what lookups by stream add to the index until it catches up.
import { describe, expect, test } from '@jest/globals';
import { type StreamEntry, UnindexedTail } from '../../src/eventstore/sqlite-tail.ts';

const event = (position: number, stream: string, version: number): StreamEntry => ({
  position,
  stream,
  version,
  id: `id-${position}`,
  type: 'MessagePinned',
});

describe('UnindexedTail', () => {
  test('keeps each stream in version order and says which it holds from the first event', () => {
    const tail = new UnindexedTail();
    tail.followIndex(10);
    tail.add(event(11, 'a', 0));
    tail.add(event(12, 'b', 3));
    tail.add(event(13, 'a', 1));
    expect(tail.known).toBe(13);
    expect(tail.size).toBe(3);
    expect(tail.stream('a').map((e) => e.position)).toEqual([11, 13]);
    expect(tail.stream('b').map((e) => e.version)).toEqual([3]);
    expect(tail.stream('c')).toEqual([]);
    expect(tail.holdsWhole('a')).toBe(true);
    expect(tail.holdsWhole('b')).toBe(false);
    expect(tail.holdsWhole('c')).toBe(false);
  });

  test('refuses an event that is not after the last one', () => {
    const tail = new UnindexedTail();
    tail.add(event(5, 'a', 0));
    expect(() => tail.add(event(5, 'b', 0))).toThrow(/not after 5/);
  });

  test('following the index drops what it now holds, or everything once it has passed the tail', () => {
    const tail = new UnindexedTail();
    for (let p = 1; p <= 6; p++) tail.add(event(p, p % 2 ? 'odd' : 'even', Math.floor((p - 1) / 2)));
    tail.followIndex(3);
    expect([...tail.events()].map((e) => e.position)).toEqual([4, 5, 6]);
    expect(tail.stream('odd').map((e) => e.position)).toEqual([5]);
    expect(tail.stream('even').map((e) => e.position)).toEqual([4, 6]);
    expect(tail.holdsWhole('even')).toBe(false);
    tail.followIndex(9);
    expect(tail.size).toBe(0);
    expect(tail.known).toBe(9);
    expect(tail.stream('even')).toEqual([]);
    tail.add(event(10, 'even', 3));
    expect(tail.stream('even').map((e) => e.position)).toEqual([10]);
  });

  test('stays consistent across many drops (the array is compacted now and then)', () => {
    const tail = new UnindexedTail();
    const streams = ['a', 'b', 'c', 'd', 'e'];
    const versions = new Map<string, number>();
    for (let p = 1; p <= 20_000; p++) {
      const stream = streams[p % streams.length]!;
      const version = (versions.get(stream) ?? -1) + 1;
      versions.set(stream, version);
      tail.add(event(p, stream, version));
      if (p % 997 === 0 && p < 18_000) tail.dropThrough(p - 300);
    }
    tail.dropThrough(19_000);
    expect(tail.size).toBe(1_000);
    expect([...tail.events()][0]!.position).toBe(19_001);
    for (const stream of streams) {
      const held = tail.stream(stream);
      expect(held).toHaveLength(200);
      expect(held.every((e, i) => i === 0 || e.position > held[i - 1]!.position)).toBe(true);
    }
  });

  test('finds events by stream prefix after a position, in position order', () => {
    const tail = new UnindexedTail();
    tail.add(event(1, 'message-1.u5.1', 0));
    tail.add(event(2, 'message-1.u50.1', 0));
    tail.add(event(3, 'chat-1.u5', 0));
    tail.add(event(4, 'message-1.u5.2', 0));
    expect(tail.withPrefix('message-1.u5.', 0).map((e) => e.position)).toEqual([1, 4]);
    expect(tail.withPrefix('message-1.u5.', 1).map((e) => e.position)).toEqual([4]);
  });
});
