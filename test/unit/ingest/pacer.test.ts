import { describe, expect, it } from '@jest/globals';
import { FloodWaitTooLongError, floodWaitSeconds } from '../../../src/pacing/flood-wait.ts';
import { Pacer, TokenBucket } from '../../../src/pacing/pacer.ts';
import { ManualClock, settle } from '../../support/manual-clock.ts';

const flood = (seconds: number) =>
  Object.assign(new Error(`A wait of ${seconds} seconds is required (caused by messages.GetHistory)`), {
    errorMessage: 'FLOOD',
    seconds,
  });

describe('TokenBucket', () => {
  it('spaces requests evenly at the configured rate', () => {
    const bucket = new TokenBucket(4);
    expect([0, 0, 0, 0].map(() => bucket.reserve(1000))).toEqual([1000, 1250, 1500, 1750]);
  });

  it('lets a burst go at once after an idle period, then paces', () => {
    const bucket = new TokenBucket(2, 3);
    expect([0, 0, 0, 0].map(() => bucket.reserve(0))).toEqual([0, 0, 0, 500]);
    // after a long idle time the burst is available again
    expect(bucket.reserve(10_000)).toBe(10_000);
  });

  it('rejects a zero rate', () => {
    expect(() => new TokenBucket(0)).toThrow(RangeError);
  });
});

describe('floodWaitSeconds', () => {
  it('reads gramjs-style, message-style and explicit flood waits', () => {
    expect(floodWaitSeconds(flood(7))).toBe(7);
    expect(floodWaitSeconds(new Error('420: FLOOD_WAIT_31 (caused by upload.GetFile)'))).toBe(31);
    expect(floodWaitSeconds({ errorMessage: 'FLOOD_PREMIUM_WAIT_5' })).toBe(5);
    expect(floodWaitSeconds({ floodWaitSeconds: 12 })).toBe(12);
    expect(
      floodWaitSeconds(Object.assign(new Error('wait'), { name: 'FloodWaitTooLongError', seconds: 9 })),
    ).toBe(9);
    expect(floodWaitSeconds(new Error('FILE_REFERENCE_EXPIRED'))).toBeUndefined();
    expect(floodWaitSeconds('FLOOD_WAIT_3')).toBeUndefined();
  });
});

describe('Pacer', () => {
  it('keeps all callers within the global budget, in arrival order', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const pacer = new Pacer({ requestsPerSecond: 5, maxFloodWaitSeconds: 60, clock });
    const sentAt: [string, number][] = [];
    const calls = ['a', 'b', 'c', 'd', 'e', 'f'].map((name, i) =>
      pacer.call(i % 2 ? 'upload.getFile' : 'messages.getHistory', async () => {
        sentAt.push([name, clock.now() - start]);
        return name;
      }),
    );
    await clock.runUntil(Promise.all(calls));
    expect(sentAt).toEqual([
      ['a', 0],
      ['b', 200],
      ['c', 400],
      ['d', 600],
      ['e', 800],
      ['f', 1000],
    ]);
    expect(pacer.stats().requests).toBe(6);
  });

  it('pauses only the flooded method for the given time, then retries the same call', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const pacer = new Pacer({ requestsPerSecond: 100, maxFloodWaitSeconds: 60, clock });
    const history: number[] = [];
    let failures = 1;
    const historyCall = pacer.call('messages.getHistory', async () => {
      history.push(clock.now() - start);
      if (failures-- > 0) throw flood(30);
      return 'page';
    });
    await settle();
    expect(history).toEqual([0]);

    // Another method keeps going during the pause.
    const files: number[] = [];
    for (let i = 0; i < 3; i++) {
      const call = pacer.call('upload.getFile', async () => files.push(clock.now() - start));
      await clock.runUntil(call);
    }
    expect(files.every((t) => t < 1000)).toBe(true);

    // A second caller of the flooded method waits for the pause too.
    const second = pacer.call('messages.getHistory', async () => clock.now() - start);
    await clock.advance(29_000);
    expect(history).toEqual([0]);
    await clock.advance(1_000);
    await expect(historyCall).resolves.toBe('page');
    expect(history).toEqual([0, 30_000]);
    await expect(clock.runUntil(second)).resolves.toBeGreaterThanOrEqual(30_000);
    expect(pacer.stats()).toEqual({ requests: 6, floodWaits: 1, floodWaitSeconds: 30 });
  });

  it('never drops a request, however many flood waits come', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer({ requestsPerSecond: 10, maxFloodWaitSeconds: 10, clock });
    let attempts = 0;
    const call = pacer.call('messages.getHistory', async () => {
      attempts++;
      if (attempts <= 5) throw flood(attempts);
      return attempts;
    });
    await expect(clock.runUntil(call)).resolves.toBe(6);
    expect(pacer.stats().floodWaits).toBe(5);
  });

  it('raises FloodWaitTooLongError for a wait over the limit, and fails later calls of that method fast', async () => {
    const clock = new ManualClock();
    const reported: unknown[] = [];
    const pacer = new Pacer({
      requestsPerSecond: 10,
      maxFloodWaitSeconds: 60,
      clock,
      onFloodWait: (event) => reported.push(event),
    });
    const first = pacer.call('messages.getHistory', async () => {
      throw flood(3600);
    });
    const error = await clock.runUntil(first).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FloodWaitTooLongError);
    expect(error).toMatchObject({ method: 'messages.getHistory', seconds: 3600, limitSeconds: 60 });
    expect((error as Error).message).toContain('MAX_FLOOD_WAIT_SECONDS=60');
    expect(reported).toEqual([{ method: 'messages.getHistory', seconds: 3600, willWait: false }]);

    let called = false;
    const again = pacer.call('messages.getHistory', async () => {
      called = true;
    });
    await expect(clock.runUntil(again)).rejects.toBeInstanceOf(FloodWaitTooLongError);
    expect(called).toBe(false);
    // Other methods are unaffected.
    await expect(clock.runUntil(pacer.call('upload.getFile', async () => 'ok'))).resolves.toBe('ok');
    // Once the remaining pause is within the limit, callers wait it out instead of failing.
    await clock.advance((3600 - 30) * 1000);
    const later = pacer.call('messages.getHistory', async () => 'resumed');
    await expect(clock.runUntil(later)).resolves.toBe('resumed');
  });

  it('passes other errors through untouched and stops when aborted', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer({ requestsPerSecond: 1, maxFloodWaitSeconds: 60, clock });
    const boom = new Error('CHANNEL_PRIVATE');
    await expect(
      clock.runUntil(
        pacer.call('x', async () => {
          throw boom;
        }),
      ),
    ).rejects.toBe(boom);
    const controller = new AbortController();
    const pending = pacer.call('x', async () => 'never', controller.signal);
    await settle();
    controller.abort(new Error('stopping'));
    await expect(pending).rejects.toThrow('stopping');
  });
});
