import { describe, expect, it } from '@jest/globals';
import { createBackoff, pause } from '../../src/pacing/backoff.ts';

describe('backoff', () => {
  it('doubles up to the ceiling, with jitter below the nominal delay', () => {
    const exact = createBackoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    expect([1, 2, 3, 4, 5, 6].map(() => exact.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(exact.attempts).toBe(6);
    exact.reset();
    expect(exact.next()).toBe(100);
    const jittered = createBackoff({ initialMs: 1000, jitter: 0.5, random: () => 1 });
    expect(jittered.next()).toBe(500);
  });

  it('pause ends early, and false, when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = pause(60_000, controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(pause(1)).resolves.toBe(true);
    await expect(pause(1000, controller.signal)).resolves.toBe(false);
  });
});
