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
export const description =
  'GraphQL search over all chats, 20 ranked hits with snippets over HTTP, 1M-message read model (within one chat: reported in details)';

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

const WORDS = new Intl.Segmenter(undefined, { granularity: 'word' });
const SPACELESS =
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]+$/u;

/**
 * Words from the texts of sampled messages, as people type them: what they search for is what they
 * wrote. Scripts written without spaces are split into words too (a whole sentence is no query).
 */
function wordsOf(texts: readonly string[]): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    for (const { segment, isWordLike } of WORDS.segment(text)) {
      if (!isWordLike) continue;
      const long = SPACELESS.test(segment) ? segment.length >= 2 : /^\p{L}{4,}$/u.test(segment);
      if (long) words.add(segment.toLowerCase());
    }
  }
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
    const inChat: number[] = [];
    let hits = 0;
    for (const [i, q] of queries.entries()) {
      const started = performance.now();
      const data = await postGraphQL<SearchAnswer>(archive.url, SEARCH, { q, chat: null });
      samples.push(performance.now() - started);
      hits += data.search.edges.length;
      // Every fourth word again within one chat, reported beside the target (see details).
      if (i % 4 === 3) {
        const scoped = performance.now();
        await postGraphQL<SearchAnswer>(archive.url, SEARCH, { q, chat: chats[i % chats.length] });
        inChat.push(performance.now() - scoped);
      }
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
        inChatSearches: inChat.length,
        inChatP50: percentile(inChat, 50),
        inChatP95: percentile(inChat, 95),
      },
    };
  } finally {
    await archive.close();
  }
}
