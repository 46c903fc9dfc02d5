// Full-text search over HTTP on a read model of a million messages: ranked hits with highlighted
// snippets, for words taken from the archive itself, across all chats and within one. p95.

import type { Measurement, ScenarioContext } from '../scenario.ts';
import {
  type BusiestChats,
  messagesToBuild,
  percentile,
  postGraphQL,
  serveArchive,
} from '../viewer/archive.ts';

export const name = 'viewer-search';
export const description = 'GraphQL search, 20 ranked hits with snippets over HTTP, 1M-message read model';

const SEARCH = `query($q: String!, $chat: ID) { search(query: $q, chatId: $chat, first: 20) {
  edges { node { rank score snippet { html } message { id messageId date text chat { title } } } }
  pageInfo { hasNextPage }
} }`;

interface TextsAnswer {
  readonly chat: {
    readonly messages: { readonly edges: readonly { readonly node: { readonly text: string } }[] };
  };
}

interface SearchAnswer {
  readonly search: { readonly edges: readonly unknown[] };
}

/** Words of 4+ letters from the texts of sampled messages: what people search for is what they wrote. */
function wordsOf(texts: readonly string[]): string[] {
  const words = new Set<string>();
  for (const text of texts) for (const word of text.match(/\p{L}{4,}/gu) ?? []) words.add(word.toLowerCase());
  return [...words];
}

export async function run(context: ScenarioContext): Promise<Measurement> {
  const archive = await serveArchive(context.log, messagesToBuild());
  try {
    const busiest = await postGraphQL<BusiestChats>(
      archive.url,
      '{ stats { busiestChats(limit: 10) { chat { id } } } }',
    );
    const chats: string[] = busiest.stats.busiestChats.map((s) => s.chat.id);
    const texts: string[] = [];
    for (const id of chats) {
      const page = await postGraphQL<TextsAnswer>(
        archive.url,
        'query($id: ID!) { chat(id: $id) { messages(first: 100) { edges { node { text } } } } }',
        { id },
      );
      texts.push(...page.chat.messages.edges.map((e) => e.node.text));
    }
    // A deterministic spread of words: common and rare, short and long.
    const words = wordsOf(texts).sort();
    const queries = Array.from({ length: 200 }, (_, i) => words[(i * 7919) % words.length]!);
    for (const q of queries.slice(0, 5)) await postGraphQL(archive.url, SEARCH, { q });
    const samples: number[] = [];
    let hits = 0;
    for (const [i, q] of queries.entries()) {
      const chat = i % 4 === 3 ? chats[i % chats.length] : null; // every fourth search within one chat
      const started = performance.now();
      const data = await postGraphQL<SearchAnswer>(archive.url, SEARCH, { q, chat });
      samples.push(performance.now() - started);
      hits += data.search.edges.length;
    }
    context.log(
      `${samples.length} searches (${hits} hits), median ${percentile(samples, 50).toFixed(1)} ms, p99 ${percentile(samples, 99).toFixed(1)} ms`,
    );
    return {
      value: Number(percentile(samples, 95).toFixed(2)),
      unit: 'ms (p95)',
      target: 50,
      better: 'lower',
      details: {
        messages: archive.messages,
        events: archive.events,
        searches: samples.length,
        hits,
        p50: percentile(samples, 50),
        p99: percentile(samples, 99),
        max: Math.max(...samples),
      },
    };
  } finally {
    await archive.close();
  }
}
