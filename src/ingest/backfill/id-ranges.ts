// Inclusive message-id ranges and the set operations the planner needs. Always normalised:
// sorted ascending, non-overlapping, non-adjacent.

export interface IdRange {
  readonly from: number;
  readonly to: number;
}

/** Sorts, drops empty ranges and merges overlapping or adjacent ones. */
export function normalize(ranges: readonly IdRange[]): IdRange[] {
  const sorted = ranges.filter((r) => r.from <= r.to).sort((a, b) => a.from - b.from);
  const out: { from: number; to: number }[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else out.push({ from: r.from, to: r.to });
  }
  return out;
}

export const union = (...sets: (readonly IdRange[])[]): IdRange[] => normalize(sets.flat());

/** Collapses ids (any order, duplicates allowed) into ranges of consecutive ids. */
export function rangesOfIds(ids: Iterable<number>): IdRange[] {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const out: IdRange[] = [];
  let start: number | undefined;
  let prev = 0;
  for (const id of sorted) {
    if (start === undefined) start = id;
    else if (id !== prev + 1) {
      out.push({ from: start, to: prev });
      start = id;
    }
    prev = id;
  }
  if (start !== undefined) out.push({ from: start, to: prev });
  return out;
}

/** The parts of `within` not covered by `covered`. */
export function subtract(within: IdRange, covered: readonly IdRange[]): IdRange[] {
  const out: IdRange[] = [];
  let cursor = within.from;
  for (const c of normalize(covered)) {
    if (c.to < cursor) continue;
    if (c.from > within.to) break;
    if (c.from > cursor) out.push({ from: cursor, to: Math.min(c.from - 1, within.to) });
    cursor = Math.max(cursor, c.to + 1);
    if (cursor > within.to) break;
  }
  if (cursor <= within.to) out.push({ from: cursor, to: within.to });
  return out;
}

export function contains(ranges: readonly IdRange[], id: number): boolean {
  return ranges.some((r) => r.from <= id && id <= r.to);
}

export const rangeSize = (r: IdRange): number => r.to - r.from + 1;

export const formatRanges = (ranges: readonly IdRange[]): string =>
  ranges.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(',');
