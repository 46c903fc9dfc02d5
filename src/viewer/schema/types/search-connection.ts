// SearchConnection: a page of ranked search hits (the edge type SearchEdge comes with it).
import { builder } from '../builder.ts';
import { SearchHitRef } from './search-hit.ts';

export const SearchConnectionRef = builder.connectionObject(
  { type: SearchHitRef, name: 'SearchConnection', description: 'Search hits, best first' },
  { name: 'SearchEdge' },
);
