import { describe, expect, it } from '@jest/globals';
import type { DomainEvent } from '../../../src/events/catalogue.ts';
import type { StoredEvent } from '../../../src/events/envelope.ts';
import { peer } from '../../../src/events/peers.ts';
import { RunHistory } from '../../../src/ingest/backfill/run-history.ts';

const news = peer('channel', 3000);
const alice = peer('user', 2000);
const group = peer('group', 77);

function stored(events: DomainEvent[]): StoredEvent[] {
  return events.map((e, i) => ({
    ...e,
    id: `id-${i}`,
    stream: 'account-1',
    streamVersion: i,
    globalPosition: String(i + 1),
    recordedAt: '2024-01-01T00:00:00.000Z',
    metadata: { source: 'backfill', observedAt: '2024-01-01T00:00:00.000Z', schemaVersion: 1 },
  })) as StoredEvent[];
}

const started = (
  runId: string,
  chat = news,
  mode: 'catch-up' | 'full' | 'verify' = 'catch-up',
): DomainEvent => ({
  type: 'BackfillRunStarted',
  data: { runId, chat, mode },
});
const completed = (
  runId: string,
  status: 'completed' | 'interrupted' | 'failed',
  walked: { from: number; to: number }[],
  extra: Record<string, unknown> = {},
  chat = news,
): DomainEvent => ({
  type: 'BackfillRunCompleted',
  data: { runId, chat, status, fetched: 0, created: 0, edited: 0, deleted: 0, walked, ...extra },
});

describe('RunHistory', () => {
  it('accumulates the walked ranges of every run of a chat', () => {
    const history = new RunHistory(
      stored([
        started('r1'),
        completed('r1', 'interrupted', [{ from: 600, to: 1000 }]),
        started('r2'),
        completed('r2', 'completed', [{ from: 1, to: 599 }]),
        started('r3', alice),
      ]),
    );
    expect(history.of(news).walked).toEqual([{ from: 1, to: 1000 }]);
    expect(history.of(news).completedAt).toBe(3);
    expect(history.of(alice)).toEqual({ walked: [], completedAt: -1 });
  });

  it('offers an interrupted full or verify pass for resumption only to the same pass', () => {
    const history = new RunHistory(
      stored([
        started('v1', news, 'verify'),
        completed('v1', 'interrupted', [], { passDone: [{ from: 500, to: 900 }] }),
        started('v2', news, 'verify'), // killed: wrote nothing
      ]),
    );
    expect(history.resumable(news, 'verify')).toEqual([{ from: 500, to: 900 }]);
    expect(history.resumable(news, 'full')).toEqual([]);
    expect(history.resumable(news, 'verify', '2024-01-01T00:00:00.000Z')).toEqual([]);
    const finished = new RunHistory(
      stored([
        started('v1', news, 'verify'),
        completed('v1', 'interrupted', [], { passDone: [{ from: 500, to: 900 }] }),
        started('v3', news, 'verify'),
        completed('v3', 'completed', []),
      ]),
    );
    expect(finished.resumable(news, 'verify')).toEqual([]);
  });

  it('keeps a gap request pending until a later run of that chat completes', () => {
    const gap = (chat?: typeof news): DomainEvent => ({
      type: 'GapDetected',
      data: {
        chat,
        reason: chat ? 'channelDifferenceTooLong' : 'differenceTooLong',
        backfillRequested: true,
      },
    });
    const history = new RunHistory(
      stored([
        started('r1'),
        completed('r1', 'completed', []),
        gap(news),
        gap(undefined),
        started('r2', alice),
        completed('r2', 'completed', [], {}, alice),
        started('r3'),
        completed('r3', 'interrupted', []),
        { type: 'GapDetected', data: { reason: 'updatesTooLong', backfillRequested: false } },
      ]),
    );
    // news: only an interrupted run since its gap. group: never ran. alice: answered. The channel
    // is not part of the common box.
    expect(history.pendingGapChats([alice, group, peer('channel', 9)])).toEqual([news, group]);
    expect(history.hasPendingGaps()).toBe(true);
  });

  it('tells without the dialogs whether any gap may still wait', () => {
    const gap = (chat?: typeof news): DomainEvent => ({
      type: 'GapDetected',
      data: { chat, reason: 'channelDifferenceTooLong', backfillRequested: true },
    });
    expect(new RunHistory(stored([started('r1'), completed('r1', 'completed', [])])).hasPendingGaps()).toBe(
      false,
    );
    expect(
      new RunHistory(stored([gap(news), started('r1'), completed('r1', 'completed', [])])).hasPendingGaps(),
    ).toBe(false);
    expect(
      new RunHistory(stored([started('r1'), completed('r1', 'completed', []), gap()])).hasPendingGaps(),
    ).toBe(true);
    expect(
      new RunHistory(
        stored([gap(), started('r2', alice), completed('r2', 'completed', [], {}, alice)]),
      ).hasPendingGaps(),
    ).toBe(false);
  });
});
