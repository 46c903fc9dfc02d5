// Snippet: the part of a message around the matched words, with the matches marked.
import type { Snippet } from '../../../../projections/search/snippet.ts';
import { builder } from '../builder.ts';
import { HighlightRef } from './highlight.ts';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The snippet as HTML: text escaped, matches in <mark>. */
export function snippetHtml(snippet: Snippet): string {
  let html = '';
  let at = 0;
  for (const { start, end } of snippet.highlights) {
    html += `${escapeHtml(snippet.text.slice(at, start))}<mark>${escapeHtml(snippet.text.slice(start, end))}</mark>`;
    at = end;
  }
  return html + escapeHtml(snippet.text.slice(at));
}

export const SnippetRef = builder.objectRef<Snippet>('Snippet').implement({
  fields: (t) => ({
    text: t.exposeString('text', { description: 'The excerpt, with … where it was cut' }),
    highlights: t.field({ type: [HighlightRef], resolve: (s) => [...s.highlights] }),
    html: t.string({ description: 'The excerpt as HTML, matches wrapped in <mark>', resolve: snippetHtml }),
  }),
});
