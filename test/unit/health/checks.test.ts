import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  connectionVerdict,
  formatReport,
  lagVerdict,
  measureLag,
  report,
} from '../../../src/health/checks.ts';
import {
  createStatusReporter,
  type RoleStatus,
  readRoleStatus,
  StatusFileError,
  statusFilePath,
} from '../../../src/health/status-file.ts';
import { createListenerStatus } from '../../../src/ingest/status.ts';
import { MemoryLog, seed } from '../../support/memory-log.ts';
import { waitFor } from '../../support/wait.ts';

const now = new Date('2026-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
const status = (overrides: Partial<RoleStatus>): RoleStatus => ({
  version: 1,
  role: 'listener',
  state: 'connected',
  since: ago(600),
  updatedAt: ago(5),
  pid: 1,
  ...overrides,
});

describe('lag verdicts', () => {
  it('is fine when caught up or when the oldest pending event is recent, and fails when it waits too long', () => {
    const limits = { maxLagSeconds: 300 };
    expect(
      lagVerdict('projector', { behind: 0, atLeast: false, oldestPendingAt: undefined }, limits, now),
    ).toMatchObject({
      status: 'ok',
      detail: 'caught up with the event log',
    });
    expect(
      lagVerdict('projector', { behind: 40, atLeast: false, oldestPendingAt: ago(20) }, limits, now),
    ).toMatchObject({
      status: 'ok',
      detail: '40 events behind, oldest 20 s old',
    });
    const late = lagVerdict(
      'relay',
      { behind: 1000, atLeast: true, oldestPendingAt: ago(3600) },
      limits,
      now,
    );
    expect(late.status).toBe('fail');
    expect(late.detail).toBe(
      'more than 1000 events behind; the oldest waits for 60 min (limit 5 min): is the relay running?',
    );
  });

  it('measures at most the sample it was given, without comparing positions', async () => {
    const log = new MemoryLog();
    const events = seed(log, 12);
    expect(await measureLag(log, events[4]!.globalPosition, 100)).toMatchObject({
      behind: 7,
      atLeast: false,
    });
    expect(await measureLag(log, undefined, 5)).toMatchObject({ behind: 5, atLeast: true });
    expect(await measureLag(log, events[11]!.globalPosition)).toEqual({
      behind: 0,
      atLeast: false,
      oldestPendingAt: undefined,
    });
  });
});

describe('connection verdicts from status files', () => {
  const judge = (s: RoleStatus | undefined, required = true) =>
    connectionVerdict('listener', s, { required, now, what: 'Telegram' });

  it('accepts a fresh connected heartbeat and a short reconnect', () => {
    expect(judge(status({}))).toMatchObject({ status: 'ok', detail: 'connected to Telegram for 10 min' });
    expect(judge(status({ state: 'connecting', since: ago(30), detail: 'network lost' }))).toMatchObject({
      status: 'ok',
      detail: 'connecting for 30 s (within the grace period) (network lost)',
    });
  });

  it('fails a long disconnection, a stale heartbeat, a stopped role and a missing required file', () => {
    expect(
      judge(status({ state: 'disconnected', since: ago(600), detail: 'AUTH_KEY_UNREGISTERED' })).detail,
    ).toBe('disconnected for 10 min, not connected to Telegram (AUTH_KEY_UNREGISTERED)');
    expect(judge(status({ updatedAt: ago(3600) }))).toMatchObject({
      status: 'fail',
      detail: 'last heartbeat 60 min ago: the listener process is gone or hung',
    });
    expect(judge(status({ state: 'stopped', since: ago(120) }))).toMatchObject({
      status: 'fail',
      detail: 'stopped 2 min ago',
    });
    expect(judge(undefined)).toMatchObject({ status: 'fail' });
    expect(judge(undefined, false)).toMatchObject({ status: 'skip' });
  });

  it('reports overall health and prints one line per check', () => {
    const health = report(
      [
        { name: 'store', status: 'ok', detail: 'answers' },
        { name: 'listener', status: 'fail', detail: 'stopped 2 min ago' },
      ],
      now,
    );
    expect(health.healthy).toBe(false);
    expect(formatReport(health)).toBe(
      'ok    store     answers\nFAIL  listener  stopped 2 min ago\nUNHEALTHY\n',
    );
  });
});

describe('status files', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the listener reporter writes state changes at once until stopped', () => {
    dir = mkdtempSync(join(tmpdir(), 'ta-status-'));
    const reporter = createListenerStatus(dir);
    expect(readRoleStatus(dir, 'listener')).toMatchObject({
      version: 1,
      role: 'listener',
      state: 'starting',
    });
    reporter.set('connected');
    const first = readRoleStatus(dir, 'listener')!;
    expect(first.state).toBe('connected');
    reporter.set('disconnected', 'network lost');
    expect(readRoleStatus(dir, 'listener')).toMatchObject({ state: 'disconnected', detail: 'network lost' });
    reporter.stop();
    expect(readRoleStatus(dir, 'listener')?.state).toBe('stopped');
    expect(reporter.current).toBe('stopped');
  });

  it('rewrites the file on every heartbeat', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ta-status-'));
    let clock = 0;
    const reporter = createStatusReporter(dir, 'relay', {
      heartbeatMs: 5,
      now: () => new Date(Date.UTC(2026, 0, 1) + clock++ * 1000),
    });
    const before = readRoleStatus(dir, 'relay')!.updatedAt;
    await waitFor(() => readRoleStatus(dir!, 'relay')!.updatedAt !== before, 'a heartbeat');
    reporter.stop();
  });

  it('says what is wrong with an unreadable file, and reports a missing one as absent', () => {
    dir = mkdtempSync(join(tmpdir(), 'ta-status-'));
    expect(readRoleStatus(dir, 'listener')).toBeUndefined();
    createStatusReporter(dir, 'listener').stop();
    for (const [text, reason] of [
      ['{', /not JSON/],
      ['{"version":2}', /unknown version 2/],
      ['{"version":1,"state":"dancing"}', /unknown state dancing/],
      ['{"version":1,"state":"connected","updatedAt":"x","since":"x"}', /updatedAt is not a date/],
    ] as const) {
      writeFileSync(statusFilePath(dir, 'listener'), text);
      expect(() => readRoleStatus(dir!, 'listener')).toThrow(StatusFileError);
      expect(() => readRoleStatus(dir!, 'listener')).toThrow(reason);
    }
  });
});
