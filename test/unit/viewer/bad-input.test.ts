// Bad input gets a typed GraphQL error (BAD_USER_INPUT, NOT_FOUND, limits), never a 500 or a crash,
// and unexpected failures are masked.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encodeCursor } from '../../../src/viewer/pagination.ts';
import {
  ACCOUNT,
  alice,
  chatKey,
  createViewerWorld,
  events,
  general,
  globalId,
  type ViewerWorld,
} from '../../support/viewer-world.ts';

let world: ViewerWorld;
const chatId = () => globalId('Chat', chatKey(general));

beforeAll(async () => {
  world = await createViewerWorld();
  await world.project(
    events.chat(general, 'General', 'channel'),
    events.created(general, 1, { text: 'hello', minute: 1, sender: alice }),
  );
});
afterAll(() => world.close());

async function expectError(query: string, variables: Record<string, unknown>, code: string, message: RegExp) {
  const { status, body } = await world.gql(query, variables);
  expect(status).toBeLessThan(500);
  expect(body.errors).toHaveLength(1);
  expect(body.errors![0]!.extensions?.code).toBe(code);
  expect(body.errors![0]!.message).toMatch(message);
  return body;
}

const CHAT = 'query($id: ID!) { chat(id: $id) { title } }';
const MESSAGES =
  'query($id: ID!, $first: Int, $last: Int, $after: String, $before: String) { chat(id: $id) { messages(first: $first, last: $last, after: $after, before: $before) { edges { node { text } } } } }';

describe('ids', () => {
  it.each([
    ['not base64 at all', '%%%'],
    ['base64 of nothing sensible', Buffer.from('hello').toString('base64url')],
    ['an unknown type', globalId('Secret', '1')],
    ['a malformed key', globalId('Chat', '../../etc/passwd')],
    ['padding and noise', `${globalId('Chat', chatKey(general))}==`],
    ['an empty string', ''],
  ])('rejects %s as BAD_USER_INPUT', async (_what, id) => {
    await expectError(CHAT, { id }, 'BAD_USER_INPUT', /Invalid id/);
  });

  it('rejects an id of the wrong type', async () => {
    await expectError(
      CHAT,
      { id: globalId('User', `${ACCOUNT}.42`) },
      'BAD_USER_INPUT',
      /must be a Chat id, got a User id/,
    );
  });

  it('answers NOT_FOUND for well-formed ids that name nothing', async () => {
    const body = await expectError(
      CHAT,
      { id: globalId('Chat', `${ACCOUNT}.c999`) },
      'NOT_FOUND',
      /does not exist/,
    );
    expect(body.data).toBeNull();
    await expectError(
      'query($id: ID!) { message(id: $id) { text } }',
      { id: globalId('Message', 424242) },
      'NOT_FOUND',
      /Message/,
    );
    await expectError(
      'query($id: ID!) { user(id: $id) { userId } }',
      { id: globalId('User', `${ACCOUNT}.1`) },
      'NOT_FOUND',
      /User/,
    );
    await expectError(
      'query($id: ID!) { search(query: "hello", chatId: $id) { edges { cursor } } }',
      { id: globalId('Chat', `${ACCOUNT}.c999`) },
      'NOT_FOUND',
      /Chat/,
    );
  });

  it('rejects malformed ids inside filters', async () => {
    await expectError(
      'query($id: ID!) { chat(id: $id) { messages(filter: { from: "nope" }) { edges { cursor } } } }',
      { id: chatId() },
      'BAD_USER_INPUT',
      /Invalid id/,
    );
  });
});

describe('pages and cursors', () => {
  it.each([
    [{ first: 201 }, /'first' must be between 0 and 200, got 201/],
    [{ last: 10_000 }, /'last' must be between 0 and 200/],
    [{ first: -1 }, /'first' must be between 0 and 200, got -1/],
    [{ first: 5, last: 5 }, /either 'first' or 'last'/],
  ])('rejects page arguments %j', async (args, message) => {
    await expectError(MESSAGES, { id: chatId(), ...args }, 'BAD_USER_INPUT', message);
  });

  it('accepts exactly 200', async () => {
    const { body } = await world.gql(MESSAGES, { id: chatId(), first: 200 });
    expect(body.errors).toBeUndefined();
  });

  it.each([
    ['garbage', 'garbage!'],
    ['base64 that is not JSON', Buffer.from('{{{').toString('base64url')],
    ["another connection's cursor", encodeCursor('chat', [1, 'x'])],
    ['a cursor with the wrong shape', encodeCursor('message', ['seven'])],
  ])('rejects %s as a cursor', async (_what, cursor) => {
    await expectError(
      MESSAGES,
      { id: chatId(), first: 5, after: cursor },
      'BAD_USER_INPUT',
      /Invalid cursor in 'after'/,
    );
    await expectError(
      MESSAGES,
      { id: chatId(), last: 5, before: cursor },
      'BAD_USER_INPUT',
      /Invalid cursor in 'before'/,
    );
  });

  it('rejects bad chats, users and search pages', async () => {
    await expectError(
      '{ chats(first: 500) { edges { cursor } } }',
      {},
      'BAD_USER_INPUT',
      /'first' must be between/,
    );
    await expectError(
      '{ chats(first: 5, after: "x") { edges { cursor } } }',
      {},
      'BAD_USER_INPUT',
      /Invalid cursor/,
    );
    await expectError(
      '{ users(last: 201) { edges { cursor } } }',
      {},
      'BAD_USER_INPUT',
      /'last' must be between/,
    );
    await expectError(
      '{ search(query: "hello", first: 101) { edges { cursor } } }',
      {},
      'BAD_USER_INPUT',
      /at most|between 0 and 100/,
    );
    await expectError(
      '{ search(query: "hello", after: "zzz") { edges { cursor } } }',
      {},
      'BAD_USER_INPUT',
      /Invalid cursor/,
    );
    await expectError('{ search(query: "!!! ???") { edges { cursor } } }', {}, 'BAD_USER_INPUT', /no words/);
    await expectError(
      '{ stats { busiestChats(limit: 1000) { messageCount } } }',
      {},
      'BAD_USER_INPUT',
      /'limit'/,
    );
  });
});

describe('filters and scalars', () => {
  it('rejects contradictory filters and reversed date ranges', async () => {
    const q =
      'query($id: ID!, $f: MessageFilter) { chat(id: $id) { messages(filter: $f) { edges { cursor } } } }';
    await expectError(
      q,
      { id: chatId(), f: { onlyDeleted: true, includeDeleted: false } },
      'BAD_USER_INPUT',
      /contradicts/,
    );
    await expectError(
      q,
      { id: chatId(), f: { since: '2024-05-02T00:00:00Z', until: '2024-05-01T00:00:00Z' } },
      'BAD_USER_INPUT',
      /after 'until'/,
    );
  });

  it('rejects malformed DateTime values in variables and literals', async () => {
    const { status, body } = await world.gql(
      'query($id: ID!, $t: DateTime) { chat(id: $id) { messages(asOf: $t) { edges { cursor } } } }',
      { id: chatId(), t: 'yesterday' },
    );
    expect(status).toBeLessThan(500);
    expect(body.errors![0]!.message).toMatch(/DateTime must be an ISO-8601 string/);
    const literal = await world.gql(
      `{ chat(id: "${chatId()}") { messages(asOf: "2024-13-45") { edges { cursor } } } }`,
    );
    expect(literal.status).toBeLessThan(500);
    expect(literal.body.errors![0]!.message).toMatch(/DateTime must be an ISO-8601 string/);
    expect(literal.body.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('reports unknown fields and syntax errors as client errors', async () => {
    const unknown = await world.gql('{ chats { nope } }');
    expect(unknown.status).toBeLessThan(500);
    expect(unknown.body.errors).toEqual([
      expect.objectContaining({
        message: 'Cannot query field "nope" on type "ChatConnection".',
        extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }),
      }),
    ]);
    const syntax = await world.gql('{ chats(');
    expect(syntax.status).toBeLessThan(500);
    expect(syntax.body.errors![0]!.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});

describe('limits', () => {
  it('rejects an over-deep query before executing it', async () => {
    let selection = 'text';
    for (let i = 0; i < 8; i++) selection = `replyTo { message { ${selection} } }`;
    const { status, body } = await world.gql(
      `query($id: ID!) { chat(id: $id) { messages(first: 1) { edges { node { ${selection} } } } } }`,
      {
        id: chatId(),
      },
    );
    expect(status).toBeLessThan(500);
    expect(body.errors![0]!.extensions?.code).toBe('QUERY_DEPTH');
    expect(body.data).toBeUndefined();
  });

  it('rejects an over-complex query, counting the page sizes the request asks for', async () => {
    const query =
      'query($n: Int) { chats(first: $n) { edges { node { messages(first: $n) { edges { node { text versions { text } reactions { count } } } } } } } }';
    const ok = await world.gql(query, { n: 5 });
    expect(ok.body.errors).toBeUndefined();
    const { status, body } = await world.gql(query, { n: 200 });
    expect(status).toBeLessThan(500);
    expect(body.errors!.map((e) => e.extensions?.code)).toContain('QUERY_COMPLEXITY');
    expect(body.data).toBeUndefined();
  });

  it('accepts the GraphiQL example query', async () => {
    const { DEFAULT_QUERY } = await import('../../../src/viewer/graphiql.ts');
    const { body } = await world.gql(DEFAULT_QUERY);
    expect(body.errors).toBeUndefined();
    expect(body.data!.chats.edges[0].node.title).toBe('General');
  });
});

describe('unexpected failures', () => {
  it('masks them: no message, no stack, a reference to the log', async () => {
    const broken = await createViewerWorld();
    await broken.close(); // the read model is gone: every query fails inside the resolver
    const { status, body } = await broken.gql('{ stats { messageCount } }');
    expect(status).toBeLessThan(500);
    expect(body.errors![0]!.message).toBe('Unexpected error');
    expect(body.errors![0]!.extensions).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
      reference: expect.any(String),
    });
    expect(JSON.stringify(body)).not.toMatch(/at |\.ts|sqlite|closed/i);
  });
});
