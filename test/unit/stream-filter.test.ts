// The Bloom filter of stream names: it may say "maybe" for a name never added, never "no" for one
// that was.
import { expect, test } from '@jest/globals';
import { StreamFilter } from '../../src/eventstore/stream-filter.ts';

test('never misses an added name and rarely claims one that was not added', () => {
  const filter = new StreamFilter(50_000);
  for (let i = 0; i < 50_000; i++) filter.add(`message-1.u${i % 977}.${i}`);
  for (let i = 0; i < 50_000; i++) expect(filter.mayHave(`message-1.u${i % 977}.${i}`)).toBe(true);
  let wrong = 0;
  for (let i = 50_000; i < 100_000; i++) if (filter.mayHave(`message-1.u${i % 977}.${i}`)) wrong++;
  // About 1% at capacity with 10 bits and 7 probes per name.
  expect(wrong / 50_000).toBeLessThan(0.02);
  expect(filter.mayHave('chat-1.u1')).toBe(false);
});

test('counts its names and says when it holds more than it was sized for', () => {
  const filter = new StreamFilter(1_024);
  expect(filter.capacity).toBe(1_024);
  for (let i = 0; i < 1_024; i++) filter.add(`user-1.${i}`);
  expect(filter.full).toBe(false);
  filter.add('user-1.x');
  expect(filter.count).toBe(1_025);
  expect(filter.full).toBe(true);
});

test('adding a name tells whether it may have been there before, and counts only new ones', () => {
  const filter = new StreamFilter(20_000);
  for (let i = 0; i < 10_000; i++) filter.add(`chat-1.u${i}`);
  let claimed = 0;
  for (let i = 10_000; i < 20_000; i++) if (filter.addIfAbsent(`chat-1.u${i}`)) claimed++;
  expect(claimed / 10_000).toBeLessThan(0.02);
  expect(filter.count).toBe(10_000 + 10_000 - claimed);
  for (let i = 0; i < 20_000; i++) expect(filter.addIfAbsent(`chat-1.u${i}`)).toBe(true);
  expect(filter.count).toBe(10_000 + 10_000 - claimed);
});
