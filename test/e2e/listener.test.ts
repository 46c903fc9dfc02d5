// The listener end to end: the real gramjs client against the fake Telegram, through the tracker and
// deciders into an SQLite event store. Assertions are on the recorded events.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { EventStore } from '../../src/eventstore/port.ts';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram/index.ts';
import {
  eventsOf,
  openTestStore,
  type RunningListener,
  startListener,
  summary,
  tempDir,
} from '../support/listener.ts';
import { waitFor } from '../support/wait.ts';

describe('listener end to end', () => {
  let fake: FakeTelegram;
  let store: EventStore;
  let dataDir: string;
  let listener: RunningListener | undefined;
  let acct: string;

  beforeEach(async () => {
    fake = await startFakeTelegram();
    dataDir = tempDir();
    store = openTestStore(dataDir);
    acct = String(fake.world.me.id);
  });
  afterEach(async () => {
    await listener?.stop();
    listener = undefined;
    await store.close();
    await fake.close();
    expect(fake.server.unexpectedErrors).toEqual([]);
  });

  const messages = () => summary(store, `message-${acct}.`);
  const count = async (type: Parameters<typeof eventsOf>[1]) => (await eventsOf(store, type)).length;

  it('records live create, edit, reactions, pin and delete in a private chat, a group and a channel', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice', username: 'alice' });
    const group = fake.world.addGroup({ title: 'Family', members: [alice] });
    const news = fake.world.addChannel({ title: 'News', username: 'news' });
    listener = await startListener(fake, store, dataDir);
    await waitFor(() => fake.server.updateConnectionCount > 0, 'listener receiving updates');

    const chats = [alice, group, news] as const;
    const sent = chats.map((chat) => fake.world.sendMessage(chat, { text: `hello ${chat.kind}` }));
    for (const message of sent) {
      fake.world.editMessage(message, { text: `${message.text} (edited)` });
      fake.world.editMessage(message, { text: `${message.text}` }); // same content again: no event
      fake.world.setReactions(message, [{ reaction: '👍', count: 1 }]);
      fake.world.setReactions(message, [{ reaction: '👍', count: 1 }]); // same snapshot: no event
      fake.world.pinMessage(message);
    }
    for (const [i, chat] of chats.entries()) fake.world.deleteMessages(chat, [sent[i]!.id]);

    await waitFor(async () => (await count('MessageDeleted')) === 3, 'three deletions', 15_000);
    const key = (chat: (typeof chats)[number], id: number) =>
      `${chat.kind === 'user' ? 'u' : chat.kind === 'group' ? 'g' : 'c'}${chat.id}.${id}`;
    const recorded = await messages();
    for (const [i, chat] of chats.entries()) {
      const stream = key(chat, sent[i]!.id);
      expect(
        recorded.filter((line) => line.endsWith(`@${stream}`)).map((line) => line.split('@')[0]),
      ).toEqual([
        'MessageCreated',
        'MessageEdited',
        'MessageReactionsChanged',
        'MessagePinned',
        'MessageDeleted',
      ]);
    }
    const deletions = await eventsOf(store, 'MessageDeleted');
    const matchedBy = Object.fromEntries(
      deletions.map((e) => [e.stream.split('.')[1], (e.data as { matchedBy: string }).matchedBy]),
    );
    expect(matchedBy).toEqual({
      [`u${alice.id}`]: 'lookup',
      [`g${group.id}`]: 'lookup',
      [`c${news.id}`]: 'peer',
    });
    const created = (await eventsOf(store, 'MessageCreated'))[0]!;
    expect(created.metadata).toMatchObject({ source: 'live', layer: 198 });
    expect((created.metadata.raw as { _: string })._).toBe('Message');
    expect(await count('AccountLinked')).toBe(1);
  });

  it('records short updates, chat and user changes, and a group upgraded to a supergroup', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice', username: 'alice' });
    const group = fake.world.addGroup({ title: 'Family', members: [alice] });
    const news = fake.world.addChannel({ title: 'News' });
    listener = await startListener(fake, store, dataDir);
    await waitFor(() => fake.server.updateConnectionCount > 0, 'listener receiving updates');
    fake.world.sendMessage(alice, { text: 'short and sweet', short: true });
    fake.world.setTitle(news, 'Daily News');
    fake.world.setAbout(news, 'All the news');
    fake.world.renameUser(alice, { firstName: 'Alicia', username: 'alicia' });
    const supergroup = fake.world.migrateGroup(group);
    await waitFor(async () => (await count('ChatMigrated')) === 1, 'the migration', 15_000);
    await waitFor(
      async () =>
        (await eventsOf(store, 'ChatObserved', `chat-${acct}.c${news.id}`)).some(
          (e) => (e.data as { about?: string }).about === 'All the news',
        ),
      'the new about text',
    );
    const newsFacts = (await eventsOf(store, 'ChatObserved', `chat-${acct}.c${news.id}`)).map((e) => e.data);
    expect(newsFacts.at(-1)).toMatchObject({
      title: 'Daily News',
      about: 'All the news',
      chatType: 'channel',
    });
    const aliceFacts = (await eventsOf(store, 'UserObserved', `user-${acct}.${alice.id}`)).map((e) => e.data);
    expect(aliceFacts.at(-1)).toMatchObject({ firstName: 'Alicia', username: 'alicia' });
    const [migrated] = await eventsOf(store, 'ChatMigrated');
    expect(migrated!.stream).toBe(`chat-${acct}.g${group.id}`);
    expect(migrated!.data).toMatchObject({ to: { kind: 'channel', id: String(supergroup.id) } });
    const short = (await eventsOf(store, 'MessageCreated')).find(
      (e) => (e.data as { text: string }).text === 'short and sweet',
    );
    expect(short?.stream).toBe(`message-${acct}.u${alice.id}.1`);
  });

  it('recovers updates pushed while disconnected through getDifference, nothing lost or duplicated', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice' });
    const news = fake.world.addChannel({ title: 'News' });
    listener = await startListener(fake, store, dataDir);
    await waitFor(() => fake.server.updateConnectionCount > 0, 'listener receiving updates');
    const first = fake.world.sendMessage(alice, { text: 'before' });
    const post = fake.world.sendMessage(news, { text: 'post before' });
    await waitFor(async () => (await count('MessageCreated')) === 2, 'two messages');

    await fake.server.setOnline(false);
    const missed = fake.world.sendMessage(alice, { text: 'while offline' });
    fake.world.editMessage(first, { text: 'before (edited offline)' });
    fake.world.sendMessage(news, { text: 'post while offline' });
    fake.world.deleteMessages(news, [post.id]);
    const differencesBefore = fake.server.countRequests('updates.GetDifference');
    await fake.server.setOnline(true);

    await waitFor(async () => (await count('MessageDeleted')) === 1, 'the offline deletion', 20_000);
    await waitFor(async () => (await count('MessageCreated')) === 4, 'all four messages', 20_000);
    expect(fake.server.countRequests('updates.GetDifference')).toBeGreaterThan(differencesBefore);
    expect(fake.server.countRequests('updates.GetChannelDifference')).toBeGreaterThan(0);
    const all = await messages();
    expect(all.filter((l) => l.startsWith('MessageCreated'))).toHaveLength(4);
    expect(all.filter((l) => l === `MessageEdited@u${alice.id}.${first.id}`)).toHaveLength(1);
    const recovered = (await eventsOf(store, 'MessageCreated')).find(
      (e) => e.stream.endsWith(`.${missed.id}`) && e.stream.includes(`u${alice.id}`),
    );
    expect(recovered?.metadata.source).toBe('difference');
  });

  it('fills a channel pts gap with getChannelDifference and a common gap after updatesTooLong', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice' });
    const news = fake.world.addChannel({ title: 'News' });
    listener = await startListener(fake, store, dataDir);
    await waitFor(() => fake.server.updateConnectionCount > 0, 'listener receiving updates');
    fake.world.sendMessage(news, { text: 'one' });
    await waitFor(async () => (await count('MessageCreated')) === 1, 'first post');
    fake.world.sendMessage(news, { text: 'two (never pushed)' }, { push: false });
    fake.world.sendMessage(news, { text: 'three' });
    await waitFor(async () => (await count('MessageCreated')) === 3, 'the gap filled', 10_000);
    expect(fake.server.countRequests('updates.GetChannelDifference')).toBeGreaterThan(0);

    const differences = fake.server.countRequests('updates.GetDifference');
    fake.world.sendMessage(alice, { text: 'lost in a flood' }, { push: false });
    fake.world.pushUpdatesTooLong();
    await waitFor(
      async () => (await count('MessageCreated')) === 4,
      'the message behind updatesTooLong',
      10_000,
    );
    expect(fake.server.countRequests('updates.GetDifference')).toBeGreaterThan(differences);
    const texts = (await eventsOf(store, 'MessageCreated')).map((e) => (e.data as { text: string }).text);
    expect(texts.sort()).toEqual(['lost in a flood', 'one', 'three', 'two (never pushed)']);
  });

  it('hands a differenceTooLong and a channelDifferenceTooLong to the backfill', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice' });
    const news = fake.world.addChannel({ title: 'News' });
    listener = await startListener(fake, store, dataDir);
    await waitFor(() => fake.server.updateConnectionCount > 0, 'listener receiving updates');
    fake.world.sendMessage(news, { text: 'seen' });
    await waitFor(async () => (await count('MessageCreated')) === 1, 'the channel is followed');
    fake.policy.differenceTooLongAfter = 2;
    fake.policy.channelDifferenceTooLongAfter = 2;
    await fake.server.setOnline(false);
    for (let i = 0; i < 4; i++) {
      fake.world.sendMessage(alice, { text: `private ${i}` });
      fake.world.sendMessage(news, { text: `post ${i}` });
    }
    await fake.server.setOnline(true);
    await waitFor(async () => (await count('GapDetected')) === 2, 'two gaps', 20_000);
    const gaps = (await eventsOf(store, 'GapDetected')).map((e) => e.data);
    expect(gaps).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'differenceTooLong', backfillRequested: true }),
        expect.objectContaining({
          reason: 'channelDifferenceTooLong',
          chat: { kind: 'channel', id: String(news.id) },
          backfillRequested: true,
        }),
      ]),
    );
    expect(gaps.find((g: any) => g.reason === 'differenceTooLong')).not.toHaveProperty('chat');
    // channelDifferenceTooLong carries the newest messages: they are recorded right away.
    await waitFor(
      async () =>
        (await eventsOf(store, 'MessageCreated')).some((e) => (e.data as { text: string }).text === 'post 3'),
      'the newest channel post',
    );
  });

  it('matches a peerless deletion to its chat and records an unknown id as unresolved', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice' });
    const [old] = fake.world.addHistory(alice, [{ text: 'never archived' }]);
    listener = await startListener(fake, store, dataDir);
    await waitFor(() => fake.server.updateConnectionCount > 0, 'listener receiving updates');
    const known = fake.world.sendMessage(alice, { text: 'archived' });
    // Created and deleted at once: the deletion must wait for the creation queued before it.
    fake.world.deleteMessages(alice, [known.id, old!.id]);
    await waitFor(async () => (await count('DeletionUnresolved')) === 1, 'the unresolved id', 10_000);
    const [unresolved] = await eventsOf(store, 'DeletionUnresolved');
    expect(unresolved!.data).toMatchObject({ messageIds: [old!.id] });
    expect(unresolved!.stream).toBe(`account-${acct}`);
    const [deleted] = await eventsOf(store, 'MessageDeleted');
    expect(deleted).toMatchObject({
      stream: `message-${acct}.u${alice.id}.${known.id}`,
      data: { matchedBy: 'lookup' },
    });
  });

  it('honours FLOOD_WAIT on getDifference and still records what was missed', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice' });
    fake.faults.failNext('updates.GetDifference', 'FLOOD_WAIT_1');
    const at: number[] = [];
    fake.server.onRequest((entry) => {
      if (entry.method === 'updates.GetDifference') at.push(entry.at);
    });
    listener = await startListener(fake, store, dataDir);
    expect(at.length).toBeGreaterThanOrEqual(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1000);
    fake.world.sendMessage(alice, { text: 'after the wait' });
    await waitFor(async () => (await count('MessageCreated')) === 1, 'the message');
  });

  it('stops cleanly: drains, saves the state, and the next start continues from it', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice' });
    listener = await startListener(fake, store, dataDir);
    await waitFor(() => fake.server.updateConnectionCount > 0, 'listener receiving updates');
    fake.world.sendMessage(alice, { text: 'one' });
    await waitFor(async () => (await count('MessageCreated')) === 1, 'one');
    const started = Date.now();
    await listener.stop();
    listener = undefined;
    expect(Date.now() - started).toBeLessThan(10_000);
    await waitFor(() => fake.server.connectionCount === 0, 'no connection left');
    fake.world.sendMessage(alice, { text: 'two, while stopped' });
    listener = await startListener(fake, store, dataDir);
    await waitFor(async () => (await count('MessageCreated')) === 2, 'two');
    expect(await count('MessageCreated')).toBe(2);
  });
});
