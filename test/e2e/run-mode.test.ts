// The whole archive in one process, against a fake Telegram over TCP: the listener and the backfill
// record, the projector projects, and the viewer answers over HTTP and SSE on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runArchive } from '../../src/cli/run-mode.ts';
import { loadConfig } from '../../src/config/index.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { createLogger } from '../../src/log/logger.ts';
import { writeSession } from '../../src/telegram/session-file.ts';
import type { FakeChannel, FakeGroup, FakeMessage, FakeUser } from '../support/fake-telegram/index.ts';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram/index.ts';
import { TEST_API_HASH } from '../support/gateway.ts';
import { readSse } from '../support/sse.ts';
import { waitFor } from '../support/wait.ts';

const photo = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 256));
let fake: FakeTelegram;
let dataDir: string;
let base: string;
let stop: AbortController;
let running: Promise<void>;
let family: FakeGroup;
let news: FakeChannel;
let alice: FakeUser;
let typo: FakeMessage;
let doomed: FakeMessage;

async function gql(query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const chatIdByTitle = async (title: string): Promise<string | undefined> =>
  (
    await gql(`{ chats(first: 50, filter: { search: "${title}" }) { edges { node { id title } } } }`)
  ).chats.edges.find((e: any) => e.node.title === title)?.node.id;

const page = async (chat: string, args = 'first: 50') =>
  (
    await gql(
      `query($id: ID!) { chat(id: $id) { messages(${args}) { edges { node { id messageId text edited deleted deletion { source matchedBy } media { file { url size } } } } } } }`,
      { id: chat },
    )
  ).chat.messages.edges.map((e: any) => e.node);

beforeAll(async () => {
  fake = await startFakeTelegram();
  alice = fake.world.addUser({ firstName: 'Alice', username: 'alice' });
  const bob = fake.world.addUser({ firstName: 'Bob' });
  family = fake.world.addGroup({ title: 'Family', members: [alice, bob] });
  news = fake.world.addChannel({ title: 'News', username: 'news' });
  [typo, doomed] = fake.world.addHistory(family, [
    { text: 'dinner at sevn', from: alice },
    { text: 'this will be deleted', from: bob },
    { text: 'see you there', from: bob },
  ]) as [FakeMessage, FakeMessage];
  fake.world.addHistory(news, [
    { text: 'release notes with a photo', media: { kind: 'photo', bytes: photo } },
    { text: 'second announcement' },
  ]);

  dataDir = mkdtempSync(join(tmpdir(), 'ta-run-'));
  writeSession(join(dataDir, 'session'), fake.sessionString);
  const { config } = loadConfig({
    cwd: dataDir,
    env: {
      DATA_DIR: dataDir,
      TELEGRAM_API_ID: '12345',
      TELEGRAM_API_HASH: TEST_API_HASH,
      TELEGRAM_TEST_SERVER: fake.address,
      VIEWER_PORT: '0',
      REQUESTS_PER_SECOND: '100',
    },
  });
  stop = new AbortController();
  let url: string | undefined;
  running = runArchive({
    config,
    logger: createLogger({ level: 'warn', pretty: false }),
    signal: stop.signal,
    onViewer: (viewer) => {
      url = viewer.url;
    },
  });
  base = await waitFor(() => url, 'the viewer to listen', 30_000);
  // The backfill at start fetches the history; the projector makes it visible.
  await waitFor(
    async () => (await chatIdByTitle('News')) && (await chatIdByTitle('Family')),
    'both chats',
    30_000,
    100,
  );
  const familyId = (await chatIdByTitle('Family'))!;
  await waitFor(async () => (await page(familyId)).length === 3, 'the family history', 30_000, 100);
});

afterAll(async () => {
  stop?.abort();
  await running?.catch(() => undefined);
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('run mode against a fake Telegram', () => {
  let familyId: string;
  let newsId: string;
  let beforeEdit: string;

  it('shows the backfilled chat pages', async () => {
    familyId = (await chatIdByTitle('Family'))!;
    newsId = (await chatIdByTitle('News'))!;
    expect((await page(familyId)).map((m: any) => m.text)).toEqual([
      'see you there',
      'this will be deleted',
      'dinner at sevn',
    ]);
  });

  it('streams a live edit to an SSE subscriber and keeps the version history', async () => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        query: 'subscription($id: ID!) { chatActivity(chatId: $id) { kind messageId message { text } } }',
        variables: { id: familyId },
      }),
    });
    const stream = readSse(response);
    try {
      // A moment before the edit is made (and so before it can be observed).
      beforeEdit = new Date(Date.now() - 1).toISOString();
      fake.world.editMessage(typo, { text: 'dinner at seven' });
      const activity = await stream.next(15_000);
      expect(activity.data.chatActivity).toEqual({
        kind: 'EDITED',
        messageId: typo.id,
        message: { text: 'dinner at seven' },
      });
    } finally {
      await stream.close();
    }
    const edited = (await page(familyId)).find((m: any) => m.messageId === typo.id);
    const { message } = await gql(
      'query($id: ID!) { message(id: $id) { versions { versionNo text validFrom validTo } } }',
      {
        id: edited.id,
      },
    );
    expect(message.versions.map((v: any) => v.text)).toEqual(['dinner at sevn', 'dinner at seven']);
    expect(message.versions[1].validTo).toBeNull();
  });

  it('shows the chat as it was before the edit', async () => {
    const then = await page(familyId, `first: 50, asOf: "${beforeEdit}"`);
    expect(then.find((m: any) => m.messageId === typo.id).text).toBe('dinner at sevn');
  });

  it('keeps a live deletion with its provenance', async () => {
    fake.world.deleteMessages(family, [doomed.id]);
    const deleted = await waitFor(
      async () => (await page(familyId)).find((m: any) => m.messageId === doomed.id && m.deleted),
      'the deletion to be projected',
      15_000,
      50,
    );
    // A basic group's deletion names no chat: the listener matched it through the archive.
    expect(deleted).toMatchObject({
      text: 'this will be deleted',
      deletion: { source: 'LIVE', matchedBy: 'LOOKUP' },
    });
  });

  it('finds messages by full-text search', async () => {
    const { search } = await gql(
      '{ search(query: "announcement") { edges { node { snippet { html } chat { title } } } } }',
    );
    expect(search.edges).toEqual([
      { node: { snippet: { html: 'second <mark>announcement</mark>' }, chat: { title: 'News' } } },
    ]);
  });

  it('serves the downloaded photo by range', async () => {
    const withPhoto = await waitFor(
      async () => (await page(newsId)).find((m: any) => m.media?.file),
      'the photo to be downloaded and projected',
      20_000,
      100,
    );
    const response = await fetch(`${base}${withPhoto.media.file.url}`, {
      headers: { range: 'bytes=100-199' },
    });
    expect(response.status).toBe(206);
    expect(Buffer.from(await response.arrayBuffer()).equals(photo.subarray(100, 200))).toBe(true);
  });

  it('downloads the photo of a live message as it arrives, and serves it', async () => {
    const snapshot = Buffer.from(Array.from({ length: 7000 }, (_, i) => (i * 7 + 3) % 256));
    const sent = fake.world.sendMessage(family, {
      text: 'live snapshot',
      from: alice,
      media: { kind: 'photo', bytes: snapshot },
    });
    const live = await waitFor(
      async () => (await page(familyId)).find((m: any) => m.messageId === sent.id && m.media?.file),
      'the live photo to be downloaded and projected',
      20_000,
      100,
    );
    const response = await fetch(`${base}${live.media.file.url}`);
    expect(Buffer.from(await response.arrayBuffer()).equals(snapshot)).toBe(true);
    // Fetched by the listener's hand-off, not by a backfill.
    const store = openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
    try {
      const outcome = (await store.readAll({ types: ['MediaDownloaded'] })).find(
        (e) => (e.data as { messageId: number }).messageId === sent.id,
      );
      expect(outcome?.metadata.source).toBe('live');
    } finally {
      await store.close();
    }
  });

  it('stops cleanly', async () => {
    stop.abort();
    await expect(running).resolves.toBeUndefined();
  });
});
