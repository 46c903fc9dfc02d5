// A chat page over HTTP: 50 messages with senders, reactions, media and replies, as a client pages
// through the busiest chats of a read model of a million messages. p95 of the request time.

import type { Measurement, ScenarioContext } from '../scenario.ts';
import {
  type BusiestChats,
  messagesToBuild,
  percentile,
  postGraphQL,
  serveArchive,
} from '../viewer/archive.ts';

export const name = 'viewer-chat-page';
export const description =
  'GraphQL chat page of 50 messages with reactions and media over HTTP, 1M-message read model';

const PAGE = `query($id: ID!, $after: String) { chat(id: $id) { messages(first: 50, after: $after) {
  edges { node {
    id messageId date text edited deleted
    entities { type offset length }
    sender { __typename ... on User { displayName } ... on Chat { title } }
    reactions { reaction count }
    media { kind mimeType size file { url mimeType size } }
    replyTo { messageId message { text } }
    forward { fromName date }
  } }
  pageInfo { hasNextPage endCursor }
} } }`;

interface PageAnswer {
  readonly chat: {
    readonly messages: { readonly pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  };
}

const CHATS = 20;
const PAGES_PER_CHAT = 10;
const ROUNDS = 3;

export async function run(context: ScenarioContext): Promise<Measurement> {
  const archive = await serveArchive(context.log, messagesToBuild());
  try {
    const busiest = await postGraphQL<BusiestChats>(
      archive.url,
      `{ stats { busiestChats(limit: ${CHATS}) { messageCount chat { id } } } }`,
    );
    const chats: string[] = busiest.stats.busiestChats.map((s) => s.chat.id);
    // Warm-up: the first requests pay for caches and JIT, as a server does once.
    for (const id of chats.slice(0, 3)) await postGraphQL(archive.url, PAGE, { id });
    const samples: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const id of chats) {
        let after: string | null = null;
        for (let page = 0; page < PAGES_PER_CHAT; page++) {
          const started = performance.now();
          const data: PageAnswer = await postGraphQL<PageAnswer>(archive.url, PAGE, { id, after });
          samples.push(performance.now() - started);
          const messages: PageAnswer['chat']['messages'] = data.chat.messages;
          if (!messages.pageInfo.hasNextPage) break;
          after = messages.pageInfo.endCursor;
        }
      }
    }
    context.log(
      `${samples.length} pages, median ${percentile(samples, 50).toFixed(1)} ms, p99 ${percentile(samples, 99).toFixed(1)} ms`,
    );
    return {
      value: Number(percentile(samples, 95).toFixed(2)),
      unit: 'ms (p95)',
      target: 15,
      better: 'lower',
      details: {
        messages: archive.messages,
        events: archive.events,
        requests: samples.length,
        p50: percentile(samples, 50),
        p99: percentile(samples, 99),
        max: Math.max(...samples),
        chats: chats.length,
      },
    };
  } finally {
    await archive.close();
  }
}
