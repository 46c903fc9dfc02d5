// No N+1: a page of messages with senders, reactions, media, replies and versions costs the same
// small number of SQL queries whether it holds 5 messages or 50. Statements are counted at the
// driver (node:sqlite's prepare on the read model's file), which both the ORM and the viewer's
// hand-written SQL go through.
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PeerRef } from '../../../src/events/peers.ts';
import {
  chatKey,
  createViewerWorld,
  events,
  general,
  globalId,
  type ViewerWorld,
} from '../../support/viewer-world.ts';

let world: ViewerWorld;
const queries: string[] = [];
const prepare = DatabaseSync.prototype.prepare;
const users: PeerRef[] = Array.from({ length: 12 }, (_, i) => ({ kind: 'user', id: String(100 + i) }));
const otherChannel: PeerRef = { kind: 'channel', id: '3003' };

beforeAll(async () => {
  world = await createViewerWorld();
  const pending = [
    events.chat(general, 'General', 'supergroup'),
    events.chat(otherChannel, 'Announcements', 'channel'),
    ...users.map((user, i) => events.user(user, { firstName: `User ${i}` })),
  ];
  for (let id = 1; id <= 60; id++) {
    const bytes = Buffer.from(`file number ${id}`);
    const media = {
      kind: 'document',
      fileId: `doc${id}`,
      size: bytes.length,
      mimeType: 'application/pdf',
    } as const;
    pending.push(
      events.created(general, id, {
        text: `message ${id}`,
        minute: id,
        // Every seventh message is posted by a channel, the rest by a dozen users.
        sender: id % 7 === 0 ? otherChannel : users[id % users.length],
        ...(id > 1 ? { replyTo: id - 1 } : {}),
        media,
      }),
      events.media(general, id, bytes, 'application/pdf', 'pdf', id),
      events.reactions(
        general,
        id,
        [
          { reaction: '👍', count: id },
          { reaction: '🔥', count: 1 },
        ],
        id + 1,
      ),
    );
    if (id % 3 === 0)
      pending.push(events.edited(general, id, `message ${id} (edited)`, id + 2, 'live', media));
  }
  await world.project(...pending);
  const readModel = world.copy.where;
  DatabaseSync.prototype.prepare = function (this: DatabaseSync, sql: string) {
    if (this.location() === readModel) queries.push(sql);
    return prepare.call(this, sql);
  };
});
afterAll(async () => {
  DatabaseSync.prototype.prepare = prepare;
  await world.close();
});

const PAGE = `query($id: ID!, $n: Int) { chat(id: $id) { title messages(first: $n) { edges { node {
  id text date editCount
  sender { __typename ... on User { displayName nameHistory { firstName } } ... on Chat { title } }
  reactions { reaction count }
  media { kind file { sha256 url mimeType size } }
  replyTo { messageId message { text sender { ... on User { displayName } } } }
  versions { versionNo text }
  deletion { deletedAt }
} } } } }`;

async function countQueries(n: number): Promise<{ count: number; statements: string[] }> {
  queries.length = 0;
  const { body } = await world.gql(PAGE, { id: globalId('Chat', chatKey(general)), n });
  expect(body.errors).toBeUndefined();
  const nodes = body.data!.chat.messages.edges.map((e: any) => e.node);
  expect(nodes).toHaveLength(n);
  // The data is really there, so the count is the count of a full answer.
  for (const node of nodes) {
    expect(node.sender).not.toBeNull();
    expect(node.reactions).toHaveLength(2);
    expect(node.media.file.mimeType).toBe('application/pdf');
    expect(node.replyTo.message.sender).not.toBeNull();
  }
  return { count: queries.length, statements: [...queries] };
}

/** Statements per table. A nested level may need its own statement (a replied-to message's sender). */
function perTable(statements: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const sql of statements) {
    const table = /from [`"]?(\w+)[`"]?/i.exec(sql)?.[1] ?? 'unknown';
    counts[table] = (counts[table] ?? 0) + 1;
  }
  return counts;
}

// One statement per loader and nesting level: the page's chat and the channel senders (chats),
// the page and the replied-to messages (messages), page senders and reply senders (users).
const CAPS = { chats: 2, messages: 2, users: 2, user_names: 1, media: 1, reactions: 1, message_versions: 1 };

describe('query count', () => {
  it.each([5, 50])('stays within one statement per loader and level for a page of %i', async (n) => {
    const { count, statements } = await countQueries(n);
    const counts = perTable(statements);
    expect(Object.keys(counts).every((table) => table in CAPS)).toBe(true);
    for (const [table, cap] of Object.entries(CAPS)) expect(counts[table] ?? 0).toBeLessThanOrEqual(cap);
    expect(count).toBeLessThanOrEqual(10);
    // The counter sees the statements at all: every kind of data asked for took at least one.
    for (const table of Object.keys(CAPS)) expect(counts[table]).toBeGreaterThanOrEqual(1);
  });

  it('does not grow with the page: 50 messages cost no more statements than 5', async () => {
    const small = await countQueries(5);
    const large = await countQueries(50);
    expect(large.count).toBeLessThanOrEqual(small.count);
  });
});
