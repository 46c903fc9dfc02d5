import { describe, expect, it } from '@jest/globals';
import { type PageQuery, walkSegments } from '../../../src/ingest/backfill/walker.ts';

interface M {
  id: number;
  date: number;
}

/** getHistory over a set of ids: newest first below offsetId, above minId, at most limit. */
function history(ids: number[], log: PageQuery[] = []) {
  const desc = [...ids].sort((a, b) => b - a);
  return async (q: PageQuery): Promise<M[]> => {
    log.push(q);
    return desc
      .filter((id) => id < q.offsetId && id > q.minId)
      .slice(0, q.limit)
      .map((id) => ({ id, date: id * 1000 }));
  };
}

async function collect(options: Parameters<typeof walkSegments<M>>[0]) {
  const pages = [];
  for await (const page of walkSegments(options)) pages.push(page);
  return pages;
}

const base = { idOf: (m: M) => m.id, dateOf: (m: M) => m.date };

describe('walkSegments', () => {
  it('pages down a segment and vouches for every id in it exactly once', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => i + 1).filter((id) => id % 7 !== 0);
    const log: PageQuery[] = [];
    const pages = await collect({
      ...base,
      segments: [{ upper: 250, lower: 1 }],
      pageSize: 100,
      fetch: history(ids, log),
    });
    expect(log.map((q) => q.offsetId)).toEqual([251, pagesLowest(0), pagesLowest(1)]);
    function pagesLowest(i: number) {
      return pages[i]!.messages.at(-1)!.id;
    }
    expect(pages).toHaveLength(3);
    const spans = pages.map((p) => p.span);
    expect(spans[0]).toEqual({ from: pages[0]!.messages.at(-1)!.id, to: 250 });
    expect(spans.at(-1)!.from).toBe(1);
    // spans tile the segment without gaps or overlaps
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.to).toBe(spans[i - 1]!.from - 1);
    expect(pages.flatMap((p) => p.messages.map((m) => m.id)).sort((a, b) => a - b)).toEqual(ids);
  });

  it('vouches for a whole empty hole with one request', async () => {
    const log: PageQuery[] = [];
    const pages = await collect({
      ...base,
      segments: [
        { upper: 600, lower: 500 },
        { upper: 40, lower: 40 },
      ],
      pageSize: 100,
      fetch: history([1, 2, 3, 499, 601], log),
    });
    expect(pages.map((p) => [p.span.from, p.span.to, p.messages.length])).toEqual([
      [500, 600, 0],
      [40, 40, 0],
    ]);
    expect(log).toEqual([
      { offsetId: 601, minId: 499, limit: 100 },
      { offsetId: 41, minId: 39, limit: 100 },
    ]);
  });

  it('stops after the page that reaches --since', async () => {
    const ids = Array.from({ length: 500 }, (_, i) => i + 1);
    const pages = await collect({
      ...base,
      segments: [{ upper: 500, lower: 1 }],
      pageSize: 100,
      since: 250 * 1000,
      fetch: history(ids),
    });
    expect(pages).toHaveLength(3);
    expect(pages.at(-1)).toMatchObject({ reachedSince: true, span: { from: 201, to: 300 } });
  });

  it('keeps to the segment when a server ignores min_id', async () => {
    const pages = await collect({
      ...base,
      segments: [{ upper: 10, lower: 8 }],
      pageSize: 100,
      fetch: async () => [10, 9, 8, 7, 6].map((id) => ({ id, date: 0 })),
    });
    expect(pages[0]!.messages.map((m) => m.id)).toEqual([10, 9, 8]);
    expect(pages[0]!.span).toEqual({ from: 8, to: 10 });
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const fetch = history(Array.from({ length: 300 }, (_, i) => i + 1));
    const walk = walkSegments({
      ...base,
      segments: [{ upper: 300, lower: 1 }],
      pageSize: 100,
      fetch,
      signal: controller.signal,
    });
    await walk.next();
    controller.abort(new Error('stop'));
    await expect(walk.next()).rejects.toThrow('stop');
  });

  it('lets the next request leave before the caller records the current page', async () => {
    // A client library may take many promise turns before a request is on the wire; the caller's
    // recording (its own turns) must not run ahead of them, or fetching and recording never overlap.
    const ids = Array.from({ length: 300 }, (_, i) => i + 1);
    const fetchPage = history(ids);
    const order: string[] = [];
    const fetch = async (query: PageQuery) => {
      for (let turn = 0; turn < 50; turn++) await Promise.resolve();
      order.push(`sent ${query.offsetId}`);
      return fetchPage(query);
    };
    for await (const page of walkSegments({
      ...base,
      segments: [{ upper: 300, lower: 1 }],
      pageSize: 100,
      fetch,
    })) {
      order.push(`record ${page.span.to + 1}`);
      for (let turn = 0; turn < 5; turn++) await Promise.resolve();
    }
    expect(order).toEqual(['sent 301', 'sent 201', 'record 301', 'sent 101', 'record 201', 'record 101']);
  });
});
