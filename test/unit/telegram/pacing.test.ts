// The gateway's pacing on a virtual clock: request spacing, FLOOD_WAIT per method, limits and aborts,
// through the shared pacer the gateway is given.
import { describe, expect, it } from '@jest/globals';
import { Pacer, type PacerOptions } from '../../../src/pacing/pacer.ts';
import { type PaceOptions, pacedCall } from '../../../src/telegram/pacing.ts';

function virtualClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleeps,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw new Error('aborted');
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** The shared pacer on `clock`, and the gateway's paced call through it. */
function gatewayPacer(
  options: Pick<PacerOptions, 'requestsPerSecond' | 'maxFloodWaitSeconds'>,
  clock: ReturnType<typeof virtualClock>,
) {
  const pacer = new Pacer({ ...options, clock });
  return {
    run: <T>(method: string, call: () => Promise<T>, pace?: PaceOptions) =>
      pacedCall(pacer, method, call, pace),
    pausedUntilOf: (method: string) => pacer.pausedUntil(method),
  };
}

const floodWait = (seconds: number) =>
  Object.assign(new Error(`FLOOD_WAIT_${seconds}`), { errorMessage: `FLOOD_WAIT_${seconds}`, code: 420 });

describe('gateway pacing', () => {
  it('spaces calls by the global budget', async () => {
    const clock = virtualClock();
    const pacer = gatewayPacer({ requestsPerSecond: 4, maxFloodWaitSeconds: 60 }, clock);
    const at: number[] = [];
    for (let i = 0; i < 3; i++) await pacer.run('m', async () => at.push(clock.now()));
    expect(at).toEqual([0, 250, 500]);
  });

  it('pauses a method for the FLOOD_WAIT it got, then retries it; other methods are not paused', async () => {
    const clock = virtualClock();
    const pacer = gatewayPacer({ requestsPerSecond: 1000, maxFloodWaitSeconds: 60 }, clock);
    let calls = 0;
    const result = await pacer.run('history', async () => {
      calls += 1;
      if (calls === 1) throw floodWait(3);
      return clock.now();
    });
    expect(calls).toBe(2);
    expect(result).toBeGreaterThanOrEqual(3000);
    expect(pacer.pausedUntilOf('history')).toBeGreaterThanOrEqual(3000);
    expect(pacer.pausedUntilOf('dialogs')).toBe(0);
  });

  it('gives up with FloodWaitTooLongError above the limit, and lets other errors through untouched', async () => {
    const clock = virtualClock();
    const pacer = gatewayPacer({ requestsPerSecond: 1000, maxFloodWaitSeconds: 10 }, clock);
    await expect(pacer.run('m', async () => Promise.reject(floodWait(11)))).rejects.toMatchObject({
      name: 'FloodWaitTooLongError',
      seconds: 11,
      method: 'm',
    });
    let attempts = 0;
    const once = async () => {
      attempts += 1;
      if (attempts === 1) throw floodWait(11);
      return 'ok';
    };
    await expect(pacer.run('m', once, { maxFloodWaitSeconds: 20 })).resolves.toBe('ok');
    const other = new Error('PEER_ID_INVALID');
    await expect(pacer.run('x', async () => Promise.reject(other))).rejects.toBe(other);
  });

  it('stops waiting when the signal aborts', async () => {
    const clock = virtualClock();
    const pacer = gatewayPacer({ requestsPerSecond: 1000, maxFloodWaitSeconds: 60 }, clock);
    const controller = new AbortController();
    controller.abort();
    await expect(pacer.run('m', async () => 1, { signal: controller.signal })).rejects.toMatchObject({
      name: 'CallAbortedError',
    });
  });
});
