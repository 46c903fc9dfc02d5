// The SQLite store's log tail: what lookups by stream add to the index until it catches up, and
// the recently indexed events it keeps so that streams begun lately need no index lookup.
import { describe, expect, test } from '@jest/globals';
import { isWhole, LogTail, type StreamEntry } from '../../src/eventstore/sqlite-tail.ts';

const event = (position: number, stream: string, version: number): StreamEntry => ({
  position,
  stream,
  version,
  id: `id-${position}`,
  type: 'MessagePinned',
});

const positions = (events: Iterable<StreamEntry>) => [...events].map((e) => e.position);

describe('LogTail', () => {
  test('keeps each stream in version order and says which it holds from the first event', () => {
    const tail = new LogTail();
    tail.followIndex(10);
    tail.add(event(11, 'a', 0));
    tail.add(event(12, 'b', 3));
    tail.add(event(13, 'a', 1));
    expect(tail.known).toBe(13);
    expect(tail.unindexed).toBe(3);
    expect(positions(tail.stream('a'))).toEqual([11, 13]);
    expect(tail.stream('b').map((e) => e.version)).toEqual([3]);
    expect(tail.stream('c')).toEqual([]);
    expect(isWhole(tail.stream('a'))).toBe(true);
    expect(isWhole(tail.stream('b'))).toBe(false);
    expect(isWhole(tail.stream('c'))).toBe(false);
  });

  test('refuses an event that is not after the last one', () => {
    const tail = new LogTail();
    tail.add(event(5, 'a', 0));
    expect(() => tail.add(event(5, 'b', 0))).toThrow(/not after 5/);
  });

  test('keeps indexed events by generation, and tells them apart from the unindexed ones', () => {
    const tail = new LogTail(2);
    for (let p = 1; p <= 6; p++) tail.add(event(p, p % 2 ? 'odd' : 'even', Math.floor((p - 1) / 2)));
    // One generation of six: nothing to drop while it is all the tail has.
    tail.followIndex(4);
    expect(tail.indexed).toBe(4);
    expect(tail.unindexed).toBe(2);
    expect(positions(tail.unindexedEvents())).toEqual([5, 6]);
    expect(positions(tail.stream('odd'))).toEqual([1, 3, 5]);
    expect(positions(tail.unindexedOf('odd'))).toEqual([5]);
    expect(isWhole(tail.stream('odd'))).toBe(true);
    expect(positions(tail.unindexedWithPrefix('o', 0))).toEqual([5]);
    expect(positions(tail.unindexedWithPrefix('', 5))).toEqual([6]);
    // Indexed to the end, the first generation becomes the old one...
    tail.followIndex(6);
    tail.add(event(7, 'odd', 3));
    tail.add(event(8, 'even', 3));
    expect(positions(tail.stream('odd'))).toEqual([1, 3, 5, 7]);
    // ...and goes once the young one is full and the old one indexed.
    tail.followIndex(7);
    expect(positions(tail.stream('odd'))).toEqual([7]);
    expect(positions(tail.stream('even'))).toEqual([8]);
    expect(isWhole(tail.stream('odd'))).toBe(false);
    expect(tail.unindexed).toBe(1);
    expect(positions(tail.unindexedOf('even'))).toEqual([8]);
  });

  test('a stream begun among the kept events is still held whole once indexed', () => {
    const tail = new LogTail(10);
    tail.add(event(1, 'new', 0));
    tail.add(event(2, 'old', 7));
    tail.followIndex(2);
    tail.add(event(3, 'new', 1));
    expect(isWhole(tail.stream('new'))).toBe(true);
    expect(positions(tail.stream('new'))).toEqual([1, 3]);
    expect(positions(tail.unindexedOf('new'))).toEqual([3]);
    expect(isWhole(tail.stream('old'))).toBe(false);
  });

  test('a stream across both generations is read in order and held whole by its first event', () => {
    const tail = new LogTail(1);
    tail.add(event(1, 'a', 0));
    tail.followIndex(1);
    tail.add(event(2, 'a', 1));
    tail.add(event(3, 'b', 4));
    expect(positions(tail.stream('a'))).toEqual([1, 2]);
    expect(isWhole(tail.stream('a'))).toBe(true);
    expect(positions(tail.unindexedOf('a'))).toEqual([2]);
    expect(positions(tail.unindexedEvents())).toEqual([2, 3]);
  });

  test('an index at the tail end keeps everything; one past it starts the tail afresh', () => {
    const tail = new LogTail(10);
    tail.add(event(1, 'a', 0));
    tail.add(event(2, 'a', 1));
    tail.followIndex(2);
    expect(tail.unindexed).toBe(0);
    expect(positions(tail.stream('a'))).toEqual([1, 2]);
    // Another process's events up to 9, indexed before this tail saw them: a gap it cannot keep.
    tail.followIndex(9);
    expect(tail.known).toBe(9);
    expect(tail.indexed).toBe(9);
    expect(tail.stream('a')).toEqual([]);
    expect(isWhole(tail.stream('a'))).toBe(false);
    tail.add(event(10, 'a', 5));
    expect(positions(tail.stream('a'))).toEqual([10]);
    expect(positions(tail.unindexedOf('a'))).toEqual([10]);
  });

  test('with generations of 0, indexed events go once the index has all of them', () => {
    const tail = new LogTail(0);
    tail.add(event(1, 'a', 0));
    tail.add(event(2, 'a', 1));
    tail.followIndex(1);
    expect(positions(tail.stream('a'))).toEqual([1, 2]);
    tail.followIndex(2);
    expect(tail.stream('a')).toEqual([]);
    tail.add(event(3, 'a', 2));
    tail.followIndex(2);
    expect(positions(tail.unindexedEvents())).toEqual([3]);
    expect(positions(tail.stream('a'))).toEqual([3]);
  });

  test('stays consistent over many generations', () => {
    const tail = new LogTail(500);
    const streams = ['a', 'b', 'c', 'd', 'e'];
    const versions = new Map<string, number>();
    for (let p = 1; p <= 20_000; p++) {
      const stream = streams[p % streams.length]!;
      const version = (versions.get(stream) ?? -1) + 1;
      versions.set(stream, version);
      tail.add(event(p, stream, version));
      if (p % 97 === 0 && p < 18_000) tail.followIndex(p - 100);
      const held = tail.stream(stream);
      expect(held[held.length - 1]!.position).toBe(p);
    }
    tail.followIndex(19_000);
    expect(tail.unindexed).toBe(1_000);
    expect(positions(tail.unindexedEvents())[0]).toBe(19_001);
    // Whole generations went: what is left runs without a gap to the end, at least a generation long.
    const held = streams.flatMap((stream) => positions(tail.stream(stream))).sort((a, b) => a - b);
    expect(held.length).toBeGreaterThanOrEqual(1_000 + 500);
    expect(held.length).toBeLessThan(20_000);
    expect(held.every((p, i) => p === 20_000 - held.length + 1 + i)).toBe(true);
    for (const stream of streams) {
      const events = tail.stream(stream);
      expect(events.every((e, i) => i === 0 || e.version === events[i - 1]!.version + 1)).toBe(true);
    }
  });

  test('finds unindexed events by stream prefix after a position, in position order', () => {
    const tail = new LogTail();
    tail.add(event(1, 'message-1.u5.1', 0));
    tail.add(event(2, 'message-1.u50.1', 0));
    tail.add(event(3, 'chat-1.u5', 0));
    tail.add(event(4, 'message-1.u5.2', 0));
    expect(positions(tail.unindexedWithPrefix('message-1.u5.', 0))).toEqual([1, 4]);
    expect(positions(tail.unindexedWithPrefix('message-1.u5.', 1))).toEqual([4]);
  });
});
