import { describe, expect, it } from '@jest/globals';
import {
  contains,
  formatRanges,
  normalize,
  rangesOfIds,
  subtract,
} from '../../../src/ingest/backfill/id-ranges.ts';
import {
  type ArchivedSpan,
  archivedSpans,
  type PlanInput,
  planBackfill,
} from '../../../src/ingest/backfill/planner.ts';

const DAY = 86_400_000;
/** Archived spans for ids, with message id n dated n days after the epoch. */
const spans = (...ranges: [number, number][]): ArchivedSpan[] =>
  ranges.map(([from, to]) => ({ from, to, fromDate: from * DAY, toDate: to * DAY }));
const plan = (input: Partial<PlanInput>) =>
  planBackfill({ mode: 'catch-up', head: 0, archived: [], walked: [], pageSize: 100, ...input });
const segs = (p: ReturnType<typeof plan>) => p.segments.map((s) => [s.upper, s.lower]);

describe('id ranges', () => {
  it('normalises, collapses ids and subtracts', () => {
    expect(
      normalize([
        { from: 5, to: 9 },
        { from: 1, to: 3 },
        { from: 4, to: 4 },
        { from: 20, to: 10 },
      ]),
    ).toEqual([{ from: 1, to: 9 }]);
    expect(formatRanges(rangesOfIds([7, 1, 2, 3, 3, 9, 8, 20]))).toBe('1-3,7-9,20');
    expect(rangesOfIds([])).toEqual([]);
    expect(
      formatRanges(
        subtract({ from: 1, to: 100 }, [
          { from: 90, to: 120 },
          { from: 10, to: 19 },
          { from: 1, to: 1 },
        ]),
      ),
    ).toBe('2-9,20-89');
    expect(subtract({ from: 5, to: 6 }, [{ from: 1, to: 10 }])).toEqual([]);
    expect(contains([{ from: 3, to: 4 }], 4)).toBe(true);
    expect(contains([{ from: 3, to: 4 }], 5)).toBe(false);
  });
});

describe('archivedSpans', () => {
  it('groups consecutive ids, keeps end dates and breaks at the given dates', () => {
    const messages = [5, 1, 2, 3, 7, 8].map((id) => ({ id, date: id * 10 }));
    expect(archivedSpans(messages)).toEqual([
      { from: 1, to: 3, fromDate: 10, toDate: 30 },
      { from: 5, to: 5, fromDate: 50, toDate: 50 },
      { from: 7, to: 8, fromDate: 70, toDate: 80 },
    ]);
    expect(archivedSpans(messages, [25]).map((s) => [s.from, s.to])).toEqual([
      [1, 2],
      [3, 3],
      [5, 5],
      [7, 8],
    ]);
  });
});

describe('planBackfill', () => {
  it('walks the whole history of a new chat, newest first', () => {
    const p = plan({ head: 10_000 });
    expect(segs(p)).toEqual([[10_000, 1]]);
    expect(p.estimatedMessages).toBe(10_000);
  });

  it('catches up to the head first, then fills holes and the unfetched bottom', () => {
    const p = plan({ head: 5000, archived: spans([1000, 1999], [3000, 3999]) });
    expect(segs(p)).toEqual([
      [5000, 4000],
      [2999, 2000],
      [999, 1],
    ]);
  });

  it('continues a killed run exactly where its stored messages end', () => {
    // The first run walked 10000 down to 6001 and was killed: the archive is the whole proof of it.
    const p = plan({ head: 10_000, archived: spans([6001, 10_000]) });
    expect(segs(p)).toEqual([[6000, 1]]);
  });

  it('does not walk again what earlier runs walked completely, holes included', () => {
    const archived = spans([1, 499], [501, 999], [1001, 2000]);
    expect(segs(plan({ head: 2000, archived, walked: [{ from: 1, to: 2000 }] }))).toEqual([]);
    // New messages above the recorded head are the only work.
    expect(segs(plan({ head: 2100, archived, walked: [{ from: 1, to: 2000 }] }))).toEqual([[2100, 2001]]);
  });

  it('merges holes that fit in one page, but not holes far apart', () => {
    const archived = spans([1, 49], [51, 59], [61, 5000], [5002, 6000]);
    const p = plan({ head: 6000, archived, pageSize: 100 });
    expect(segs(p)).toEqual([
      [5001, 5001],
      [60, 50],
    ]);
  });

  it('plans nothing for an empty chat', () => {
    expect(plan({ head: 0 }).segments).toEqual([]);
    expect(plan({ head: 0, mode: 'full' }).target).toBeUndefined();
  });

  it('walks everything again with --full, resuming an interrupted full pass', () => {
    const archived = spans([1, 1000]);
    expect(segs(plan({ mode: 'full', head: 1200, archived, walked: [{ from: 1, to: 1000 }] }))).toEqual([
      [1200, 1],
    ]);
    expect(segs(plan({ mode: 'full', head: 1200, archived, resumed: [{ from: 700, to: 1100 }] }))).toEqual([
      [1200, 1101],
      [699, 1],
    ]);
  });

  it('verifies the archived span up to the head, including deleted messages above it', () => {
    const archived = spans([100, 300], [302, 450]);
    expect(segs(plan({ mode: 'verify', head: 500, archived }))).toEqual([[500, 100]]);
    expect(segs(plan({ mode: 'verify', head: 400, archived }))).toEqual([[450, 100]]);
    expect(plan({ mode: 'verify', head: 400, archived: [] }).segments).toEqual([]);
  });

  it('uses archived dates to keep a --since/--until window from walking the whole history', () => {
    const archived = spans([100, 200], [300, 400]);
    // Window: days 250..350. Ids at or below 200 are older than day 250; ids from 351 are newer than day 350.
    const p = plan({ head: 1000, archived, since: 250 * DAY, until: 350 * DAY });
    expect(segs(p)).toEqual([[299, 201]]);
    // A window entirely inside an archived span needs nothing in catch-up mode…
    expect(segs(plan({ head: 400, archived, since: 320 * DAY, until: 330 * DAY }))).toEqual([]);
    // …while a verify re-reads the window. Span ends only bound it loosely…
    const window = { since: 320 * DAY, until: 330 * DAY };
    expect(segs(plan({ mode: 'verify', head: 400, archived, ...window }))).toEqual([[399, 301]]);
    // …and spans broken at the window's dates bound it exactly.
    const exact = archivedSpans(
      [
        ...Array.from({ length: 101 }, (_, i) => 100 + i),
        ...Array.from({ length: 101 }, (_, i) => 300 + i),
      ].map((id) => ({ id, date: id * DAY })),
      [window.since, window.until],
    );
    expect(segs(plan({ mode: 'verify', head: 400, archived: exact, ...window }))).toEqual([[330, 320]]);
    // Without archived dates below the window, the walk goes down and the walker stops at the date.
    expect(segs(plan({ head: 1000, since: 900 * DAY }))).toEqual([[1000, 1]]);
  });
});
