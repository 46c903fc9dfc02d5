// Given events, projected by the real projector, the viewer answers these GraphQL queries: on a
// SQLite read model here, and on PostgreSQL through queries-postgres.test.ts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ACCOUNT,
  alice,
  at,
  bob,
  chatKey,
  events,
  family,
  general,
  globalId,
  type ViewerWorld,
} from '../../support/viewer-world.ts';

const photo = Buffer.from('not really a jpeg, but bytes all the same');

/** The whole suite, over a world made by `open` (run once per read-model engine). */
export function queryTests(open: () => Promise<ViewerWorld>): void {
  let world: ViewerWorld;

  beforeAll(async () => {
    world = await open();
    await world.project(
      events.chat(general, 'General', 'channel'),
      events.chat(family, 'Family', 'group'),
      events.user(alice, { firstName: 'Alice', username: 'alice' }, at(0)),
      events.user(bob, { firstName: 'Bob' }, at(0)),
      events.user(alice, { firstName: 'Alice', lastName: 'Liddell', username: 'alice' }, at(30)),
      events.created(general, 1, { text: 'hello world', minute: 1, sender: alice }),
      events.created(general, 2, { text: 'second message', minute: 2, sender: bob, replyTo: 1 }),
      events.created(general, 3, {
        text: 'a photo',
        minute: 3,
        sender: alice,
        media: {
          kind: 'photo',
          fileId: 'f1',
          size: photo.length,
          mimeType: 'image/jpeg',
          width: 10,
          height: 10,
        },
      }),
      events.media(general, 3, photo, 'image/jpeg', 'jpg', 4),
      events.reactions(general, 1, [{ reaction: '👍', count: 2 }], 5),
      events.created(general, 4, { text: 'typo teh', minute: 6, sender: bob }),
      events.edited(general, 4, 'typo fixed the', 10),
      events.created(general, 5, { text: 'regret this', minute: 7, sender: alice }),
      events.deleted(general, 5, 12, 'lookup', 'difference'),
      events.reactions(
        general,
        1,
        [
          { reaction: '👍', count: 3 },
          { reaction: '❤', count: 1 },
        ],
        15,
      ),
      events.created(family, 1, { text: 'family hello', minute: 8, sender: bob }),
    );
  });

  afterAll(() => world.close());

  describe('chats', () => {
    it('lists chats most recently active first, with counts and their last message', async () => {
      const { body } = await world.gql(`{
      chats(first: 10) {
        edges { node { id title type messageCount deletedCount lastMessage { messageId text } } }
        pageInfo { hasNextPage }
      }
    }`);
      expect(body.errors).toBeUndefined();
      const chats = body.data!.chats.edges.map((e: any) => e.node);
      expect(chats.map((c: any) => c.title)).toEqual(['Family', 'General']);
      const generalChat = chats[1];
      expect(generalChat).toMatchObject({
        id: globalId('Chat', chatKey(general)),
        type: 'CHANNEL',
        messageCount: 5,
        deletedCount: 1,
        lastMessage: { messageId: 5, text: 'regret this' },
      });
    });

    it('filters chats by type and by title, and pages through them', async () => {
      const titles = async (args: string) =>
        (await world.gql(`{ chats(${args}) { edges { node { title } } } }`)).body.data!.chats.edges.map(
          (e: any) => e.node.title,
        );
      expect(await titles('filter: { type: GROUP }')).toEqual(['Family']);
      expect(await titles('filter: { search: "GENER" }')).toEqual(['General']);
      expect(await titles('filter: { type: CHANNEL, search: "fam" }')).toEqual([]);
      const first = await world.gql(
        '{ chats(first: 1) { edges { node { title } } pageInfo { endCursor hasNextPage } } }',
      );
      expect(first.body.data!.chats.pageInfo.hasNextPage).toBe(true);
      const rest = await world.gql(
        `query($after: String) { chats(first: 1, after: $after) { edges { node { title } } pageInfo { hasNextPage } } }`,
        {
          after: first.body.data!.chats.pageInfo.endCursor,
        },
      );
      expect(rest.body.data!.chats).toEqual({
        edges: [{ node: { title: 'General' } }],
        pageInfo: { hasNextPage: false },
      });
    });
  });

  const generalId = () => globalId('Chat', chatKey(general));

  const MESSAGE_FIELDS = `
  id messageId text date edited editCount deleted
  sender { __typename ... on User { displayName } ... on Chat { title } }
  replyTo { messageId message { text } }
  reactions { reaction count }
  media { kind mimeType file { sha256 url size mimeType } }
  deletion { deletedAt source matchedBy }
`;

  async function page(args: string, fields = 'messageId text') {
    const { body } = await world.gql(
      `query($id: ID!) { chat(id: $id) { messages(${args}) { edges { cursor node { ${fields} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`,
      { id: generalId() },
    );
    expect(body.errors).toBeUndefined();
    return body.data!.chat.messages;
  }

  describe('a chat page', () => {
    it('shows messages newest first with senders, replies, reactions, media and deletions', async () => {
      const messages = await page('first: 10', MESSAGE_FIELDS);
      const nodes = messages.edges.map((e: any) => e.node);
      expect(nodes.map((n: any) => n.messageId)).toEqual([5, 4, 3, 2, 1]);
      const [m5, m4, m3, m2, m1] = nodes;
      expect(m1).toMatchObject({
        text: 'hello world',
        sender: { __typename: 'User', displayName: 'Alice Liddell' },
        reactions: [
          { reaction: '👍', count: 3 },
          { reaction: '❤', count: 1 },
        ],
      });
      expect(m2).toMatchObject({ replyTo: { messageId: 1, message: { text: 'hello world' } } });
      expect(m3.media).toMatchObject({
        kind: 'PHOTO',
        mimeType: 'image/jpeg',
        file: { mimeType: 'image/jpeg', size: photo.length },
      });
      expect(m3.media.file.url).toBe(`/media/${m3.media.file.sha256}`);
      expect(m4).toMatchObject({
        text: 'typo fixed the',
        edited: true,
        editCount: 1,
        deleted: false,
        deletion: null,
      });
      expect(m5).toMatchObject({
        text: 'regret this',
        deleted: true,
        deletion: { deletedAt: at(12), source: 'DIFFERENCE', matchedBy: 'LOOKUP' },
      });
      expect(messages.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    });

    it('pages forward with first/after and backward with last/before without gaps or repeats', async () => {
      const first = await page('first: 2');
      expect(first.edges.map((e: any) => e.node.messageId)).toEqual([5, 4]);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const second = await page(`first: 2, after: "${first.pageInfo.endCursor}"`);
      expect(second.edges.map((e: any) => e.node.messageId)).toEqual([3, 2]);
      expect(second.pageInfo.hasPreviousPage).toBe(true);
      const third = await page(`first: 2, after: "${second.pageInfo.endCursor}"`);
      expect(third.edges.map((e: any) => e.node.messageId)).toEqual([1]);
      expect(third.pageInfo.hasNextPage).toBe(false);

      const newest = await page('last: 2');
      expect(newest.edges.map((e: any) => e.node.messageId)).toEqual([2, 1]);
      const before = await page(`last: 2, before: "${newest.pageInfo.startCursor}"`);
      expect(before.edges.map((e: any) => e.node.messageId)).toEqual([4, 3]);
      expect(before.pageInfo.hasPreviousPage).toBe(true);
    });

    it('filters: deleted, edited, media, sender and dates', async () => {
      const ids = async (filter: string) =>
        (await page(`first: 50, filter: ${filter}`)).edges.map((e: any) => e.node.messageId);
      expect(await ids('{ includeDeleted: false }')).toEqual([4, 3, 2, 1]);
      expect(await ids('{ onlyDeleted: true }')).toEqual([5]);
      expect(await ids('{ onlyEdited: true }')).toEqual([4]);
      expect(await ids('{ hasMedia: true }')).toEqual([3]);
      expect(await ids('{ hasMedia: false }')).toEqual([5, 4, 2, 1]);
      expect(await ids('{ mediaType: PHOTO }')).toEqual([3]);
      expect(await ids('{ mediaType: VIDEO }')).toEqual([]);
      expect(await ids(`{ from: "${globalId('User', `${ACCOUNT}.${bob.id}`)}" }`)).toEqual([4, 2]);
      expect(await ids(`{ since: "${at(2)}", until: "${at(6)}" }`)).toEqual([4, 3, 2]);
    });
  });

  describe('history', () => {
    const messageId = async (telegramId: number) => {
      const messages = await page('first: 50', 'id messageId');
      return messages.edges.find((e: any) => e.node.messageId === telegramId).node.id as string;
    };

    it('keeps every version of an edited message with its validity interval', async () => {
      const { body } = await world.gql(
        `query($id: ID!) { message(id: $id) { text versions { versionNo text editDate validFrom validTo source } } }`,
        { id: await messageId(4) },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data!.message.text).toBe('typo fixed the');
      expect(body.data!.message.versions).toEqual([
        { versionNo: 0, text: 'typo teh', editDate: null, validFrom: at(6), validTo: at(10), source: 'LIVE' },
        {
          versionNo: 1,
          text: 'typo fixed the',
          editDate: at(10),
          validFrom: at(10),
          validTo: null,
          source: 'LIVE',
        },
      ]);
    });

    it('returns the raw audit trail of a message from the event store', async () => {
      const { body } = await world.gql(
        `query($id: ID!) { message(id: $id) { events { type streamVersion source observedAt data } } }`,
        { id: await messageId(5) },
      );
      expect(body.errors).toBeUndefined();
      const trail = body.data!.message.events;
      expect(trail.map((e: any) => e.type)).toEqual(['MessageCreated', 'MessageDeleted']);
      expect(trail[1]).toMatchObject({ streamVersion: 1, source: 'DIFFERENCE', observedAt: at(12) });
      expect(trail[1].data).toMatchObject({ messageId: 5, matchedBy: 'lookup' });
    });

    it('shows the chat exactly as it was: before the edit, before the deletion, without later messages', async () => {
      const asOf = await page(
        `first: 50, asOf: "${at(9)}"`,
        'messageId text edited editCount deleted deletion { deletedAt } asOf reactions { reaction count }',
      );
      const nodes = asOf.edges.map((e: any) => e.node);
      expect(nodes.map((n: any) => n.messageId)).toEqual([5, 4, 3, 2, 1]);
      expect(nodes[1]).toMatchObject({
        messageId: 4,
        text: 'typo teh',
        edited: false,
        editCount: 0,
        asOf: at(9),
      });
      expect(nodes[0]).toMatchObject({ messageId: 5, deleted: false, deletion: null });
      expect(nodes[4].reactions).toEqual([{ reaction: '👍', count: 2 }]);

      const early = await page(`first: 50, asOf: "${at(2)}"`, 'messageId text reactions { count }');
      expect(early.edges.map((e: any) => e.node.messageId)).toEqual([2, 1]);
      expect(early.edges[1].node.reactions).toEqual([]);

      const afterDeletion = await page(`first: 50, asOf: "${at(13)}", filter: { onlyDeleted: true }`);
      expect(afterDeletion.edges.map((e: any) => e.node.messageId)).toEqual([5]);
      const beforeDeletion = await page(`first: 50, asOf: "${at(11)}", filter: { onlyDeleted: true }`);
      expect(beforeDeletion.edges).toEqual([]);
      const editedThen = await page(
        `first: 50, asOf: "${at(11)}", filter: { onlyEdited: true }`,
        'messageId text',
      );
      expect(editedThen.edges.map((e: any) => e.node)).toEqual([{ messageId: 4, text: 'typo fixed the' }]);
      const notYetEdited = await page(`first: 50, asOf: "${at(9)}", filter: { onlyEdited: true }`);
      expect(notYetEdited.edges).toEqual([]);
    });
  });

  describe('search', () => {
    it('finds ranked hits with highlighted snippets, deleted messages included', async () => {
      const { body } = await world.gql(`{
      search(query: "hello") { edges { cursor node { rank snippet { text html highlights { start end } } message { messageId } chat { title } } } pageInfo { hasNextPage } }
    }`);
      expect(body.errors).toBeUndefined();
      const hits = body.data!.search.edges.map((e: any) => e.node);
      expect(hits.map((h: any) => h.chat.title).sort()).toEqual(['Family', 'General']);
      const inGeneral = hits.find((h: any) => h.chat.title === 'General');
      expect(inGeneral.message.messageId).toBe(1);
      expect(inGeneral.snippet).toEqual({
        text: 'hello world',
        html: '<mark>hello</mark> world',
        highlights: [{ start: 0, end: 5 }],
      });

      const deleted = await world.gql(
        '{ search(query: "regret") { edges { node { message { messageId deleted } } } } }',
      );
      expect(deleted.body.data!.search.edges.map((e: any) => e.node.message)).toEqual([
        { messageId: 5, deleted: true },
      ]);
      const without = await world.gql(
        '{ search(query: "regret", includeDeleted: false) { edges { node { rank } } } }',
      );
      expect(without.body.data!.search.edges).toEqual([]);
    });

    it('searches one chat and pages through hits', async () => {
      const one = await world.gql(
        `query($chat: ID!) { search(query: "hello", chatId: $chat) { edges { node { chat { title } } } } }`,
        { chat: globalId('Chat', chatKey(family)) },
      );
      expect(one.body.data!.search.edges.map((e: any) => e.node.chat.title)).toEqual(['Family']);
      const first = await world.gql(
        '{ search(query: "hello", first: 1) { edges { cursor node { rank } } pageInfo { hasNextPage endCursor } } }',
      );
      expect(first.body.data!.search.pageInfo.hasNextPage).toBe(true);
      const next = await world.gql(
        `query($after: String) { search(query: "hello", first: 1, after: $after) { edges { node { rank } } pageInfo { hasNextPage hasPreviousPage } } }`,
        { after: first.body.data!.search.pageInfo.endCursor },
      );
      expect(next.body.data!.search.edges.map((e: any) => e.node.rank)).toEqual([1]);
      expect(next.body.data!.search.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
    });
  });

  describe('users, nodes and stats', () => {
    it("lists users with each one's name history", async () => {
      const { body } = await world.gql(
        `{ users(first: 10) { edges { node { userId displayName nameHistory { firstName lastName validFrom validTo } } } } }`,
      );
      expect(body.errors).toBeUndefined();
      const users = body.data!.users.edges.map((e: any) => e.node);
      expect(users.map((u: any) => u.userId)).toEqual(['42', '43']);
      expect(users[0].nameHistory).toEqual([
        { firstName: 'Alice', lastName: null, validFrom: at(0), validTo: at(30) },
        { firstName: 'Alice', lastName: 'Liddell', validFrom: at(30), validTo: null },
      ]);
      const filtered = await world.gql(
        '{ users(first: 10, filter: { search: "lidd" }) { edges { node { userId } } } }',
      );
      expect(filtered.body.data!.users.edges).toEqual([{ node: { userId: '42' } }]);
    });

    it('refetches any object by its global id through node()', async () => {
      const chat = await world.gql(`query($id: ID!) { node(id: $id) { __typename ... on Chat { title } } }`, {
        id: generalId(),
      });
      expect(chat.body.data!.node).toEqual({ __typename: 'Chat', title: 'General' });
      const user = await world.gql(`query($id: ID!) { node(id: $id) { ... on User { username } } }`, {
        id: globalId('User', `${ACCOUNT}.${alice.id}`),
      });
      expect(user.body.data!.node).toEqual({ username: 'alice' });
      const gone = await world.gql(`query($id: ID!) { node(id: $id) { id } }`, {
        id: globalId('Message', 999999),
      });
      expect(gone.body).toEqual({ data: { node: null } });
    });

    it('counts per chat and over the whole archive', async () => {
      const { body } = await world.gql(
        `query($id: ID!) {
      stats { chatCount userCount messageCount deletedCount editedCount versionCount mediaCount mediaFileCount mediaBytes reactionCount eventsApplied }
      chat(id: $id) { stats { messageCount deletedCount editedCount mediaCount reactionCount firstMessageDate lastMessageDate } }
    }`,
        { id: generalId() },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data!.stats).toEqual({
        chatCount: 2,
        userCount: 2,
        messageCount: 6,
        deletedCount: 1,
        editedCount: 1,
        versionCount: 7,
        mediaCount: 1,
        mediaFileCount: 1,
        mediaBytes: photo.length,
        reactionCount: 4,
        eventsApplied: 16,
      });
      expect(body.data!.chat.stats).toEqual({
        messageCount: 5,
        deletedCount: 1,
        editedCount: 1,
        mediaCount: 1,
        reactionCount: 4,
        firstMessageDate: at(1),
        lastMessageDate: at(7),
      });
    });
  });
}
