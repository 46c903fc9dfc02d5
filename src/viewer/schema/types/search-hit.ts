// SearchHit: one message matching a search, its rank and the highlighted excerpt.
import type { RankedHit } from '../../queries/search.ts';
import { builder } from '../builder.ts';
import { ChatNode } from './chat.ts';
import { MessageNode } from './message.ts';
import { SnippetRef } from './snippet.ts';

export const SearchHitRef = builder.objectRef<RankedHit>('SearchHit').implement({
  fields: (t) => ({
    rank: t.exposeInt('rank', { description: '0-based position in the ranking' }),
    score: t.exposeFloat('score', {
      description: 'Relevance; higher is better, comparable within one search',
    }),
    snippet: t.field({ type: SnippetRef, resolve: (hit) => hit.snippet }),
    message: t.field({ type: MessageNode, resolve: (hit) => String(hit.message) }),
    chat: t.field({ type: ChatNode, resolve: (hit) => hit.chat }),
  }),
});
