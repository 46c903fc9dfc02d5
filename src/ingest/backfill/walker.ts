// Walks planned segments page by page, newest first, and says for each page which id span it
// vouches for: every message with an id in the span is in the page or does not exist. That span is
// what makes progress resumable (walked ranges) and what verify compares the archive against.
// The next page is requested while the caller records the current one, so Telegram's answer time
// and our recording overlap.
import type { IdRange } from './id-ranges.ts';
import type { Segment } from './planner.ts';

export interface PageQuery {
  /** Messages with ids below this one. */
  readonly offsetId: number;
  /** Messages with ids above this one. */
  readonly minId: number;
  readonly limit: number;
}

export interface WalkOptions<M, P = readonly M[]> {
  readonly segments: readonly Segment[];
  readonly pageSize: number;
  /** One history request (paced by the caller). */
  readonly fetch: (query: PageQuery) => Promise<P>;
  /** The messages of an answer (default: the answer is the message list). */
  readonly messagesOf?: (answer: P) => readonly M[];
  readonly idOf: (message: M) => number;
  /** Milliseconds since the epoch. */
  readonly dateOf: (message: M) => number;
  /** Stop after the first page that reaches a message older than this. */
  readonly since?: number;
  readonly signal?: AbortSignal;
}

export interface WalkPage<M, P = readonly M[]> {
  readonly segment: Segment;
  /** The whole answer, for what came with the messages. */
  readonly answer: P;
  /** As returned, newest first; only ids inside the segment. */
  readonly messages: readonly M[];
  /** The ids this page vouches for. */
  readonly span: IdRange;
  /** The last page of the walk because --since was reached. */
  readonly reachedSince: boolean;
}

interface Request<P> {
  readonly segment: number;
  readonly cursor: number;
  readonly answer: Promise<P>;
}

export async function* walkSegments<M, P = readonly M[]>(
  options: WalkOptions<M, P>,
): AsyncGenerator<WalkPage<M, P>> {
  const messagesOf = options.messagesOf ?? ((answer: P) => answer as unknown as readonly M[]);
  const request = (segment: number, cursor: number): Request<P> => {
    options.signal?.throwIfAborted();
    const answer = options.fetch({
      offsetId: cursor + 1,
      minId: options.segments[segment]!.lower - 1,
      limit: options.pageSize,
    });
    // Observed when awaited; a prefetch abandoned by a stopping caller must not go unhandled.
    answer.catch(() => undefined);
    return { segment, cursor, answer };
  };
  let next: Request<P> | undefined =
    options.segments.length > 0 ? request(0, options.segments[0]!.upper) : undefined;
  while (next) {
    const { segment: index, cursor } = next;
    const segment = options.segments[index]!;
    const answer = await next.answer;
    next = undefined;
    const returned = messagesOf(answer);
    // Keep to the segment even if a server ignores min_id; sort newest first.
    const messages = returned
      .filter((m) => {
        const id = options.idOf(m);
        return id >= segment.lower && id <= cursor;
      })
      .sort((a, b) => options.idOf(b) - options.idOf(a));
    const lowest = messages.length > 0 ? options.idOf(messages.at(-1)!) : undefined;
    // Telegram returns fewer messages than asked only at the end of the range.
    const end = lowest === undefined || returned.length < options.pageSize || lowest <= segment.lower;
    const reachedSince =
      options.since !== undefined && messages.some((m) => options.dateOf(m) < options.since!);
    const spanLower = end && !reachedSince ? segment.lower : (lowest ?? segment.lower);
    if (!reachedSince) {
      if (!end) next = request(index, lowest! - 1);
      else if (index + 1 < options.segments.length)
        next = request(index + 1, options.segments[index + 1]!.upper);
    }
    // Let the request leave before the caller records this page: a client library's send path can
    // take many promise turns, and recording, whose own turns come first, would finish before it.
    if (next) await new Promise<void>((resolve) => setImmediate(resolve));
    yield { segment, answer, messages, span: { from: spanLower, to: cursor }, reachedSince };
  }
}
