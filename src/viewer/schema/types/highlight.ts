// Highlight: where a search term matched inside a snippet.
import { builder } from '../builder.ts';

export const HighlightRef = builder.objectRef<{ start: number; end: number }>('Highlight').implement({
  description: 'A matched range of the snippet text, in UTF-16 code units',
  fields: (t) => ({ start: t.exposeInt('start'), end: t.exposeInt('end') }),
});
