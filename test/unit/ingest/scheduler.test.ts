import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { acquireRunLock } from '../../../src/ingest/backfill/run-lock.ts';
import { BackfillScheduler } from '../../../src/ingest/backfill/scheduler.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { waitFor } from '../../support/wait.ts';

let dir: string;
let lines: Record<string, unknown>[];
let scheduler: BackfillScheduler<{ chats: number }> | undefined;
const logger = () =>
  createLogger({
    level: 'info',
    pretty: false,
    destination: new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    }),
  });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sched-'));
  lines = [];
});
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('BackfillScheduler', () => {
  it('runs on the cron schedule and logs one summary line per run', async () => {
    let runs = 0;
    scheduler = new BackfillScheduler({
      schedule: '* * * * * *', // every second
      lockPath: join(dir, 'backfill.lock'),
      logger: logger(),
      run: async () => ({ chats: ++runs }),
      describe: (s) => ({ chats: s.chats }),
    }).start();
    await waitFor(() => runs >= 1, 'a scheduled run', 5000);
    const finished = await waitFor(
      () => lines.find((l) => l.msg === 'backfill run finished'),
      'the log line',
    );
    expect(finished).toMatchObject({ trigger: 'schedule', chats: 1 });
    expect(typeof finished.durationMs).toBe('number');
    expect(lines.find((l) => l.msg === 'backfill schedule started')).toMatchObject({
      schedule: '* * * * * *',
    });
  });

  it('never overlaps runs: ticks during a run are skipped, requests are queued', async () => {
    const gate = deferred();
    let active = 0;
    let peak = 0;
    const triggers: string[] = [];
    scheduler = new BackfillScheduler({
      schedule: '0 0 1 1 *',
      lockPath: join(dir, 'backfill.lock'),
      logger: logger(),
      run: async (_signal, trigger) => {
        triggers.push(trigger);
        peak = Math.max(peak, ++active);
        if (triggers.length === 1) await gate.promise;
        active--;
        return { chats: 0 };
      },
    });
    const first = scheduler.trigger('manual');
    await waitFor(() => active === 1, 'the first run');
    expect(await scheduler.trigger('schedule')).toEqual({
      status: 'skipped',
      reason: 'previous run still going',
    });
    const gapRun = scheduler.trigger('gap');
    const manualRun = scheduler.trigger('manual');
    gate.resolve();
    expect((await first).status).toBe('completed');
    expect((await gapRun).status).toBe('completed');
    expect(await manualRun).toBe(await gapRun); // both requests served by one follow-up run
    expect(triggers).toEqual(['manual', 'gap']);
    expect(peak).toBe(1);
  });

  it('skips a run while another process holds the lock, and logs why', async () => {
    const path = join(dir, 'backfill.lock');
    const other = acquireRunLock(path, 'manual backfill');
    let ran = false;
    scheduler = new BackfillScheduler({
      schedule: '0 0 1 1 *',
      lockPath: path,
      logger: logger(),
      run: async () => {
        ran = true;
        return { chats: 0 };
      },
    });
    const outcome = await scheduler.trigger('schedule');
    expect(outcome.status).toBe('skipped');
    expect(ran).toBe(false);
    expect(lines.find((l) => String(l.msg).includes('another process'))).toMatchObject({
      holder: { purpose: 'manual backfill', pid: process.pid },
    });
    other.release();
    expect((await scheduler.trigger('schedule')).status).toBe('completed');
  });

  it('reports a failed run and keeps the schedule alive; stop() aborts the running one', async () => {
    let calls = 0;
    scheduler = new BackfillScheduler({
      schedule: '0 0 1 1 *',
      lockPath: join(dir, 'backfill.lock'),
      logger: logger(),
      run: (signal) => {
        calls++;
        if (calls === 1) return Promise.reject(new Error('store unreachable'));
        return new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      },
    });
    expect(await scheduler.trigger('manual')).toMatchObject({ status: 'failed' });
    expect(lines.find((l) => l.msg === 'backfill run failed')).toMatchObject({
      error: 'Error: store unreachable',
    });
    const running = scheduler.trigger('manual');
    await waitFor(() => calls === 2, 'the second run');
    await scheduler.stop();
    expect((await running).status).toBe('failed');
    // the lock was released: a new holder gets it
    acquireRunLock(join(dir, 'backfill.lock'), 'after').release();
  });
});
