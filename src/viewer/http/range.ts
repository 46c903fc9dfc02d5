// HTTP range and validator logic for media (RFC 9110 §13-14), kept pure so every edge is testable.

export type RangeDecision =
  /** Serve the whole file (no Range header, a unit we do not know, several ranges, or a stale If-Range). */
  | { readonly kind: 'full' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

const SINGLE = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i;

/**
 * Decides what part of a `size`-byte resource a Range header asks for. `end` is inclusive.
 * Malformed byte ranges and ranges past the end are unsatisfiable (416): a client seeking a video
 * should learn that it asked wrongly rather than silently get the whole file.
 */
export function decideRange(header: string | null | undefined, size: number): RangeDecision {
  if (header === null || header === undefined || header.trim() === '') return { kind: 'full' };
  if (!/^\s*bytes\s*=/i.test(header)) return { kind: 'full' };
  if (header.includes(',')) return { kind: 'full' };
  const match = SINGLE.exec(header);
  if (!match) return { kind: 'unsatisfiable' };
  const [, first, last] = match as unknown as [string, string, string];
  if (first === '' && last === '') return { kind: 'unsatisfiable' };
  if (first === '') {
    // Suffix range: the last N bytes.
    const length = Number(last);
    if (!Number.isSafeInteger(length) || length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return { kind: 'unsatisfiable' };
  if (start >= size || (last !== '' && Number(last) < start)) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/** The entity tags listed in If-None-Match / If-Range, without weakness markers. */
function listedTags(header: string): string[] {
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .filter((tag) => tag !== '');
}

/** If-None-Match uses weak comparison: a listed tag equal to ours (or `*`) means "not modified". */
export function notModified(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return listedTags(ifNoneMatch).some((tag) => tag === '*' || tag === etag);
}

/**
 * If-Range: honour the Range only when the client's copy is still current. Our validators are
 * strong ETags; a date validator cannot be checked against content addressing, so it fails safe.
 */
export function ifRangeHolds(ifRange: string | null | undefined, etag: string): boolean {
  if (!ifRange) return true;
  const value = ifRange.trim();
  return !value.startsWith('W/') && value === etag;
}
