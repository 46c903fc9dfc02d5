// Search through the read model's full-text index (projections/search), paged by offset so that
// every hit gets its own Relay cursor. The projections' page cursor is rebuilt from an offset here;
// a test pins that format so a change there fails loudly instead of breaking paging.
import type { ReadModelCopy } from '../../../projections/db/open.ts';
import { InvalidSearchError, type SearchHit, searchMessages } from '../../../projections/search/query.ts';
import { ViewerInputError } from '../errors.ts';

export const MAX_SEARCH_PAGE = 100;

/** The cursor searchMessages issues for "continue at `offset`". */
export const searchCursorAt = (query: string, offset: number): string =>
  Buffer.from(JSON.stringify({ offset, query })).toString('base64url');

export interface SearchWindow {
  readonly query: string;
  readonly chats?: readonly string[];
  readonly offset: number;
  readonly limit: number;
  readonly includeDeleted: boolean;
}

export interface RankedHit extends SearchHit {
  /** 0-based position in the whole result list. */
  readonly rank: number;
}

export async function searchWindow(
  copy: ReadModelCopy,
  window: SearchWindow,
): Promise<{ hits: RankedHit[]; more: boolean }> {
  if (window.limit === 0) return { hits: [], more: false };
  try {
    const page = await searchMessages(copy, {
      query: window.query,
      chats: window.chats,
      limit: window.limit,
      cursor: window.offset > 0 ? searchCursorAt(window.query, window.offset) : undefined,
      includeDeleted: window.includeDeleted,
    });
    return {
      hits: page.hits.map((hit, i) => ({ ...hit, rank: window.offset + i })),
      more: page.nextCursor !== undefined,
    };
  } catch (error) {
    if (error instanceof InvalidSearchError) throw new ViewerInputError(error.message, { argument: 'query' });
    throw error;
  }
}
