// Highlighted snippets computed from the original text with the same tokenizer the index uses, so
// a hit shows exactly the words that matched, on both engines, and CJK substrings highlight too.
import { isSegmentedWord, type QueryTerm, tokenize } from './document.ts';

export interface Snippet {
  /** The excerpt, with … where it was cut. */
  readonly text: string;
  /** UTF-16 ranges in `text` that matched the query. */
  readonly highlights: readonly { readonly start: number; readonly end: number }[];
}

/** Ranges of `text` matching any term: consecutive tokens equal to the term's, the last one by prefix. */
export function matchRanges(text: string, terms: readonly QueryTerm[]): { start: number; end: number }[] {
  const tokens = tokenize(text);
  const ranges: { start: number; end: number }[] = [];
  for (const term of terms) {
    const n = term.tokens.length;
    for (let i = 0; i + n <= tokens.length; i++) {
      let hit = true;
      for (let j = 0; j < n && hit; j++) {
        const token = tokens[i + j]!.norm;
        const wanted = term.tokens[j]!;
        hit = j === n - 1 && term.prefix ? token.startsWith(wanted) : token === wanted;
      }
      if (!hit) continue;
      const last = tokens[i + n - 1]!;
      // A word beginning of a script without spaces (東京 in 東京タワー) highlights only what was typed,
      // when normalization kept the word's length.
      const partial =
        term.prefix && isSegmentedWord(last.norm) && last.end - last.start === last.norm.length
          ? last.start + term.tokens[n - 1]!.length
          : last.end;
      ranges.push({ start: tokens[i]!.start, end: partial });
    }
  }
  ranges.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: { start: number; end: number }[] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

const isLowSurrogate = (text: string, i: number) => {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
};

/** An excerpt of at most ~maxLength characters around the first match, with its highlights. */
export function snippet(text: string, terms: readonly QueryTerm[], maxLength = 200): Snippet {
  const ranges = matchRanges(text, terms);
  if (text.length <= maxLength) return { text, highlights: ranges };
  let start = Math.max(0, (ranges[0]?.start ?? 0) - Math.floor(maxLength / 4));
  const space = text.lastIndexOf(' ', start);
  if (space >= 0 && start - space < 20) start = space + 1;
  if (start > 0 && isLowSurrogate(text, start)) start -= 1;
  let end = Math.min(text.length, start + maxLength);
  if (end < text.length && isLowSurrogate(text, end)) end -= 1;
  const prefix = start > 0 ? '…' : '';
  const suffix = end < text.length ? '…' : '';
  const shift = prefix.length - start;
  return {
    text: `${prefix}${text.slice(start, end)}${suffix}`,
    highlights: ranges
      .filter((r) => r.end > start && r.start < end)
      .map((r) => ({ start: Math.max(r.start, start) + shift, end: Math.min(r.end, end) + shift })),
  };
}
