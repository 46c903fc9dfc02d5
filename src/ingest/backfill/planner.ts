// The range planner: from what is archived, what earlier runs walked, and the requested mode, it
// computes which message-id segments to fetch, newest first. Pure: the backfiller loads the inputs
// and walks the segments. Because progress is derived from the archive itself, a run killed at any
// point is continued by the next one without refetching what is stored.
import { type IdRange, normalize, rangeSize, subtract, union } from './id-ranges.ts';

export type PlanMode = 'catch-up' | 'full' | 'verify';

/** Archived messages with consecutive ids, with the dates (ms) of the first and last of them. */
export interface ArchivedSpan extends IdRange {
  readonly fromDate: number;
  readonly toDate: number;
}

export interface PlanInput {
  readonly mode: PlanMode;
  /** The chat's newest message id right now (0 for an empty chat). */
  readonly head: number;
  /** Archived messages (not deleted), as spans of consecutive ids. */
  readonly archived: readonly ArchivedSpan[];
  /** Ranges that earlier runs walked completely, holes included (from BackfillRunCompleted). */
  readonly walked: readonly IdRange[];
  /** Full and verify only: what an interrupted earlier run of the same pass already did. */
  readonly resumed?: readonly IdRange[];
  /** Only messages at or after this date (ms). */
  readonly since?: number;
  /** Only messages at or before this date (ms). */
  readonly until?: number;
  /** Messages per history request; small neighbouring holes are merged into one request. */
  readonly pageSize: number;
}

/** Fetch every message with lower <= id <= upper, newest first. */
export interface Segment {
  readonly upper: number;
  readonly lower: number;
}

export interface Plan {
  readonly mode: PlanMode;
  /** Newest first. */
  readonly segments: readonly Segment[];
  /** The id range this pass is about (for progress): segments are the parts not yet done. */
  readonly target: IdRange | undefined;
  /** Upper bound of the messages the segments can hold (for progress and ETA). */
  readonly estimatedMessages: number;
}

/**
 * Builds archived spans from (id, date) pairs. Spans also break where a date in `breakDates` falls
 * between two neighbours, so that a date window (since/until) can clip at the exact message.
 */
export function archivedSpans(
  messages: Iterable<{ readonly id: number; readonly date: number }>,
  breakDates: readonly number[] = [],
): ArchivedSpan[] {
  const sorted = [...messages].sort((a, b) => a.id - b.id);
  const out: { from: number; to: number; fromDate: number; toDate: number }[] = [];
  for (const m of sorted) {
    const last = out.at(-1);
    const contiguous = last !== undefined && m.id === last.to + 1;
    const crossesBreak =
      last !== undefined &&
      m.date !== last.toDate &&
      breakDates.some((b) => Math.min(last.toDate, m.date) <= b && b <= Math.max(last.toDate, m.date));
    if (last && last.to === m.id) continue;
    if (last && contiguous && !crossesBreak) {
      last.to = m.id;
      last.toDate = m.date;
    } else out.push({ from: m.id, to: m.id, fromDate: m.date, toDate: m.date });
  }
  return out;
}

export function planBackfill(input: PlanInput): Plan {
  const target = targetRange(input);
  if (!target) return { mode: input.mode, segments: [], target: undefined, estimatedMessages: 0 };
  const done =
    input.mode === 'catch-up' ? union(input.archived, input.walked) : normalize(input.resumed ?? []);
  let todo = subtract(target, done);
  todo = clipToWindow(todo, input);
  if (input.mode === 'catch-up') todo = mergeSmallHoles(todo, input.pageSize);
  const segments = todo.map((r) => ({ upper: r.to, lower: r.from })).sort((a, b) => b.upper - a.upper);
  return {
    mode: input.mode,
    segments,
    target,
    estimatedMessages: todo.reduce((n, r) => n + rangeSize(r), 0),
  };
}

function targetRange(input: PlanInput): IdRange | undefined {
  const archived = normalize(input.archived);
  const newestArchived = archived.at(-1)?.to ?? 0;
  switch (input.mode) {
    case 'catch-up':
    case 'full':
      return input.head >= 1 ? { from: 1, to: input.head } : undefined;
    case 'verify': {
      // Re-read what is archived; messages newer than the head were deleted at the top and must be seen too.
      if (archived.length === 0) return undefined;
      return { from: archived[0]!.from, to: Math.max(input.head, newestArchived) };
    }
  }
}

/**
 * Message dates grow with ids within a chat, so archived dates bound the ids of a date window:
 * below the newest archived id older than `since` and above the oldest archived id newer than
 * `until` nothing can be in the window. The walker still checks each message's date.
 */
function clipToWindow(todo: IdRange[], input: PlanInput): IdRange[] {
  if (input.since === undefined && input.until === undefined) return todo;
  let lowest = 1;
  let highest = Number.POSITIVE_INFINITY;
  for (const span of input.archived) {
    if (input.since !== undefined) {
      if (span.toDate < input.since) lowest = Math.max(lowest, span.to + 1);
      else if (span.fromDate < input.since) lowest = Math.max(lowest, span.from + 1);
    }
    if (input.until !== undefined) {
      if (span.fromDate > input.until) highest = Math.min(highest, span.from - 1);
      else if (span.toDate > input.until) highest = Math.min(highest, span.to - 1);
    }
  }
  return todo
    .map((r) => ({ from: Math.max(r.from, lowest), to: Math.min(r.to, highest) }))
    .filter((r) => r.from <= r.to);
}

/**
 * Holes left by deleted messages are typically one id wide. Walking each alone costs a request;
 * holes that fit into one page together with the archived messages between them cost one.
 */
function mergeSmallHoles(todo: IdRange[], pageSize: number): IdRange[] {
  const descending = [...todo].sort((a, b) => b.to - a.to);
  const out: { from: number; to: number }[] = [];
  for (const r of descending) {
    const last = out.at(-1);
    if (last && last.to - r.from + 1 <= pageSize) last.from = r.from;
    else out.push({ from: r.from, to: r.to });
  }
  return out.sort((a, b) => a.from - b.from);
}
