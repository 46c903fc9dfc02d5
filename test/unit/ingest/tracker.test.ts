// The update-state tracker with a scripted gateway and sink: pts rules, gaps, differences, *TooLong,
// reconnects, and a saved state that never runs ahead of what is appended.
import { describe, expect, it } from '@jest/globals';
import type { Observation } from '../../../src/events/observations.ts';
import type { GapDetectedV1 } from '../../../src/events/payloads.ts';
import type { PersistedUpdateState } from '../../../src/ingest/update-state/state-file.ts';
import { type TrackerGateway, UpdateTracker } from '../../../src/ingest/update-state/tracker.ts';
import { silentLogger } from '../../../src/log/logger.ts';
import type {
  ChannelDifferenceResult,
  DifferenceResult,
  UpdateBatch,
  UpdateItem,
  UpdateState,
} from '../../../src/telegram/index.ts';
import { waitFor } from '../../support/wait.ts';

const meta = { source: 'live' as const, observedAt: '2024-01-01T00:00:00.000Z' };
const mark = (label: string): Observation => ({ kind: 'user', userId: label, meta });
const common = (pts: number, label = `p${pts}`, ptsCount = 1): UpdateItem => ({
  box: { kind: 'common' },
  pts,
  ptsCount,
  observations: [mark(label)],
});
const inChannel = (channelId: string, pts: number, label = `c${pts}`): UpdateItem => ({
  box: { kind: 'channel', channelId },
  pts,
  ptsCount: 1,
  observations: [mark(label)],
});
const batch = (...items: UpdateItem[]): UpdateBatch => ({ items, entities: [], seq: 0, seqStart: 0 });
const state = (pts: number): UpdateState => ({ pts, qts: 0, date: 1, seq: 0 });

function harness(options: { saved?: PersistedUpdateState; holdApplies?: boolean } = {}) {
  const applied: string[] = [];
  const gaps: GapDetectedV1[] = [];
  const calls: string[] = [];
  const differences: DifferenceResult[] = [];
  const channelDifferences: ChannelDifferenceResult[] = [];
  const held: (() => void)[] = [];
  let saved = options.saved;
  const saves: PersistedUpdateState[] = [];
  const hints = new Map<string, string>();
  const fatal: unknown[] = [];
  const gateway: TrackerGateway = {
    getState: async () => {
      calls.push('getState');
      return state(100);
    },
    getDifference: async (from) => {
      calls.push(`getDifference@${from.pts}`);
      return differences.shift() ?? { kind: 'empty', date: 2, seq: 0 };
    },
    getChannelDifference: async (channelId, pts) => {
      calls.push(`getChannelDifference:${channelId}@${pts}`);
      return channelDifferences.shift() ?? { kind: 'empty', pts, final: true };
    },
    peerHint: (p) => hints.get(`${p.kind}${p.id}`),
    rememberPeerHint: (p, hash) => void hints.set(`${p.kind}${p.id}`, hash),
  };
  const tracker = new UpdateTracker({
    account: '1',
    gateway,
    logger: silentLogger,
    gapWaitMs: 30,
    saveIntervalMs: 1,
    onFatal: (error) => fatal.push(error),
    store: {
      load: () => saved,
      save: (s) => {
        saved = s;
        saves.push(s);
      },
    },
    sink: {
      apply: async (observations) => {
        if (options.holdApplies && observations.length > 0)
          await new Promise<void>((resolve) => held.push(resolve));
        for (const o of observations) if (o.kind === 'user') applied.push(o.userId);
      },
      gap: async (gap) => void gaps.push(gap),
    },
  });
  return {
    tracker,
    applied,
    gaps,
    calls,
    differences,
    channelDifferences,
    held,
    saves,
    hints,
    fatal,
    saved: () => saved,
  };
}

describe('UpdateTracker', () => {
  it('starts from Telegram’s current state on the first run and saves it', async () => {
    const h = harness();
    await h.tracker.start();
    expect(h.calls).toEqual(['getState', 'getDifference@100']);
    expect(h.saved()?.common.pts).toBe(100);
  });

  it('applies updates in pts order, skips what it already has, and saves only appended pts', async () => {
    const h = harness({ holdApplies: true });
    await h.tracker.start();
    h.tracker.onEvent({ kind: 'updates', batch: batch(common(101), common(102), common(102, 'dup')) });
    await waitFor(() => h.held.length === 2, 'two applies under way');
    h.held[1]!(); // the second finishes first: nothing may be saved past 100 yet
    await waitFor(() => h.applied.includes('p102'), 'p102 applied');
    expect(h.tracker.snapshot().common.pts).toBe(100);
    h.held[0]!();
    await waitFor(() => h.tracker.snapshot().common.pts === 102, 'durable pts 102');
    await h.tracker.drain();
    expect(h.applied.sort()).toEqual(['p101', 'p102']);
    await waitFor(() => h.saved()?.common.pts === 102, 'saved 102');
  });

  it('waits briefly for a missing update and applies everything in order when it arrives', async () => {
    const h = harness();
    await h.tracker.start();
    h.tracker.onEvent({ kind: 'updates', batch: batch(common(102)) });
    h.tracker.onEvent({ kind: 'updates', batch: batch(common(103)) });
    h.tracker.onEvent({ kind: 'updates', batch: batch(common(101)) });
    await waitFor(() => h.applied.length === 3, 'three applied');
    expect(h.applied).toEqual(['p101', 'p102', 'p103']);
    expect(h.calls.filter((c) => c.startsWith('getDifference'))).toEqual(['getDifference@100']);
  });

  it('fetches the difference when a gap stays open, then drops what the difference covered', async () => {
    const h = harness();
    await h.tracker.start();
    h.differences.push({
      kind: 'difference',
      items: [{ observations: [mark('p101')] }],
      entities: [],
      state: state(102),
      final: true,
    });
    h.tracker.onEvent({ kind: 'updates', batch: batch(common(102)) });
    await waitFor(
      () =>
        h.calls.includes('getDifference@100') &&
        h.calls.filter((c) => c === 'getDifference@100').length === 2,
      'a second difference',
    );
    await waitFor(() => h.tracker.ptsOf({ kind: 'common' }) === 102, 'pts 102');
    await h.tracker.drain();
    expect(h.applied).toEqual(['p101']); // p102 came with the difference's state, not twice
    h.tracker.onEvent({ kind: 'updates', batch: batch(common(103)) });
    await waitFor(() => h.applied.includes('p103'), 'p103');
  });

  it('follows slices until the final difference', async () => {
    const h = harness();
    await h.tracker.start();
    h.differences.push(
      {
        kind: 'difference',
        items: [{ observations: [mark('a')] }],
        entities: [],
        state: state(150),
        final: false,
      },
      {
        kind: 'difference',
        items: [{ observations: [mark('b')] }],
        entities: [],
        state: state(170),
        final: true,
      },
    );
    h.tracker.onEvent({ kind: 'tooLong' });
    await waitFor(() => h.tracker.ptsOf({ kind: 'common' }) === 170, 'pts 170');
    expect(h.calls).toContain('getDifference@150');
    expect(h.applied).toEqual(['a', 'b']);
  });

  it('hands a differenceTooLong to the backfill and continues from the new pts', async () => {
    const h = harness();
    await h.tracker.start();
    h.differences.push({ kind: 'tooLong', pts: 900 });
    h.tracker.onEvent({ kind: 'tooLong' });
    await waitFor(() => h.gaps.length === 1, 'gap recorded');
    expect(h.gaps[0]).toEqual({
      reason: 'differenceTooLong',
      fromPts: 100,
      toPts: 900,
      backfillRequested: true,
    });
    await waitFor(() => h.calls.includes('getDifference@900'), 'difference from 900');
    await waitFor(() => h.saved()?.common.pts === 900, 'saved 900');
  });

  it('tracks channels on their own pts and fills a channel gap with getChannelDifference', async () => {
    const h = harness();
    await h.tracker.start();
    h.tracker.onEvent({ kind: 'updates', batch: batch(inChannel('70', 11)) });
    await waitFor(() => h.applied.includes('c11'), 'first channel update');
    h.channelDifferences.push({
      kind: 'difference',
      pts: 13,
      final: true,
      items: [{ observations: [mark('c12')] }],
      entities: [],
    });
    h.tracker.onEvent({ kind: 'updates', batch: batch(inChannel('70', 13)) });
    await waitFor(() => h.calls.includes('getChannelDifference:70@11'), 'channel difference');
    await waitFor(() => h.tracker.ptsOf({ kind: 'channel', channelId: '70' }) === 13, 'channel pts 13');
    await h.tracker.drain();
    expect(h.applied).toEqual(['c11', 'c12']);
  });

  it('records a channelDifferenceTooLong with the latest messages and a backfill request', async () => {
    const h = harness();
    await h.tracker.start();
    h.tracker.onEvent({ kind: 'updates', batch: batch(inChannel('70', 11)) });
    await waitFor(() => h.applied.includes('c11'), 'first');
    h.channelDifferences.push({ kind: 'tooLong', pts: 500, messages: [], entities: [mark('latest')] });
    h.tracker.onEvent({
      kind: 'updates',
      batch: batch({ observations: [], channelTooLong: { channelId: '70', pts: 500 } }),
    });
    await waitFor(() => h.gaps.length === 1, 'gap');
    expect(h.gaps[0]).toMatchObject({
      chat: { kind: 'channel', id: '70' },
      reason: 'channelDifferenceTooLong',
      fromPts: 11,
      toPts: 500,
    });
    expect(h.applied).toContain('latest');
  });

  it('catches up every box after a reconnect, and resumes from the saved state with channel access hashes', async () => {
    const saved: PersistedUpdateState = {
      version: 1,
      account: '1',
      common: { pts: 50, qts: 0, date: 1, seq: 0 },
      channels: { '70': { pts: 7, accessHash: '-99' } },
      savedAt: '',
    };
    const h = harness({ saved });
    await h.tracker.start();
    expect(h.calls.sort()).toEqual(['getChannelDifference:70@7', 'getDifference@50']);
    expect(h.hints.get('channel70')).toBe('-99');
    h.tracker.onEvent({ kind: 'connection', state: 'disconnected' });
    h.tracker.onEvent({ kind: 'connection', state: 'connected' });
    await waitFor(() => h.calls.length === 4, 'two more differences');
    expect(h.tracker.snapshot().channels).toEqual({ '70': { pts: 7, accessHash: '-99' } });
  });

  it('stops taking updates and drains what it took', async () => {
    const h = harness({ holdApplies: true });
    await h.tracker.start();
    h.tracker.onEvent({ kind: 'updates', batch: batch(common(101)) });
    await waitFor(() => h.held.length === 1, 'apply under way');
    h.tracker.stopIntake();
    h.tracker.onEvent({ kind: 'updates', batch: batch(common(102)) });
    const drained = h.tracker.drain();
    h.held[0]!();
    await drained;
    h.tracker.saveNow();
    expect(h.applied).toEqual(['p101']);
    expect(h.saved()?.common.pts).toBe(101);
    expect(h.fatal).toEqual([]);
  });
});
