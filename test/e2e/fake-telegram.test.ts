// The fake Telegram server against the real gramjs client: the protocol, the world's answers and the
// injected faults behave as the README promises.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import bigInt from 'big-integer';
import { Api, type TelegramClient } from 'telegram';
import { Raw } from 'telegram/events/index.js';
import { type FakeTelegram, populateDemoWorld, startFakeTelegram } from '../support/fake-telegram/index.ts';
import { destroyRawClient, rawClient } from '../support/fake-telegram/raw-client.ts';
import { waitFor } from '../support/wait.ts';

describe('fake Telegram server', () => {
  let fake: FakeTelegram;
  let client: TelegramClient | undefined;
  beforeEach(async () => {
    fake = await startFakeTelegram();
  });
  afterEach(async () => {
    if (client) await destroyRawClient(client);
    client = undefined;
    await fake.close();
    expect(fake.server.unexpectedErrors).toEqual([]);
  });

  const connect = async (session?: string) => {
    client = rawClient(fake, session);
    await client.connect();
    return client;
  };

  it('serves getMe, dialogs and history pages to gramjs', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice', username: 'alice' });
    fake.world.addHistory(alice, [{ text: 'one' }, { text: 'two' }, { text: 'three' }]);
    const c = await connect();
    const me = (await c.getMe()) as Api.User;
    expect(me.id.toString()).toBe(fake.world.me.id.toString());
    const dialogs = await c.getDialogs({ limit: 10 });
    const dialog = dialogs.find((d) => d.id?.toString() === alice.id.toString());
    expect(dialog).toBeDefined();
    const messages = await c.getMessages(dialog!.entity!, { limit: 2 });
    expect(Array.from(messages, (m) => m.message)).toEqual(['three', 'two']);
  });

  it('pushes updates to a connected client and keeps them for getDifference', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice' });
    const c = await connect();
    const seen: string[] = [];
    c.addEventHandler((update: any) => seen.push(update.className), new Raw({}));
    const state = await c.invoke(new Api.updates.GetState());
    await c.getMe(); // makes this connection an update receiver, as any request does
    fake.world.sendMessage(alice, { text: 'live' });
    await waitFor(() => seen.includes('UpdateNewMessage'), 'the pushed UpdateNewMessage');
    fake.world.sendMessage(alice, { text: 'missed' }, { push: false });
    const difference = await c.invoke(
      new Api.updates.GetDifference({ pts: state.pts, date: state.date, qts: state.qts }),
    );
    expect(difference).toBeInstanceOf(Api.updates.Difference);
    const texts = (difference as Api.updates.Difference).newMessages.map((m: any) => m.message);
    expect(texts).toEqual(['live', 'missed']);
    expect((difference as Api.updates.Difference).state.pts).toBe(state.pts + 2);
  });

  it('answers a scripted FLOOD_WAIT, then serves the retry', async () => {
    const c = await connect();
    fake.faults.failNext('users.GetUsers', 'FLOOD_WAIT_7');
    await expect(c.getMe()).rejects.toMatchObject({ seconds: 7 });
    await expect(c.getMe()).resolves.toBeDefined();
  });

  it('recovers a hung request after the server drops the connection', async () => {
    const c = await connect();
    fake.faults.hangNext('users.GetUsers');
    const before = fake.server.countRequests('users.GetUsers');
    const pending = c.getMe();
    await waitFor(() => fake.server.countRequests('users.GetUsers') > before, 'the hung request');
    fake.server.dropConnections();
    await expect(pending).resolves.toBeDefined(); // gramjs resends it on the new connection
  });

  it('logs in with code and two-step password through gramjs own SRP code', async () => {
    fake.world.account.password = 'correct horse';
    const c = await connect(fake.newSession({ authorized: false }));
    await expect(c.invoke(new Api.updates.GetState())).rejects.toMatchObject({
      errorMessage: 'AUTH_KEY_UNREGISTERED',
    });
    const errors: string[] = [];
    await c.start({
      phoneNumber: fake.world.account.phone,
      phoneCode: async () => fake.login.nextCode,
      password: async () => (errors.length === 0 ? 'wrong' : 'correct horse'),
      onError: async (error: any) => {
        errors.push(error.errorMessage ?? error.message);
        return false;
      },
    });
    expect(errors).toEqual(['PASSWORD_HASH_INVALID']);
    await expect(c.invoke(new Api.updates.GetState())).resolves.toBeInstanceOf(Api.updates.State);
  });

  it('serves forum topics and builds the same demo world from the same seed', async () => {
    const a = populateDemoWorld(fake.world, { seed: 7, messagesPerChat: 5 });
    const forum = a.chats.find((chat) => chat.kind === 'channel' && chat.forum)!;
    const c = await connect();
    await c.getDialogs({ limit: 50 });
    const topics: any = await c.invoke(
      new Api.channels.GetForumTopics({
        channel: await c.getInputEntity(forum.kind === 'channel' ? bigInt(`-100${forum.id}`) : 0),
        offsetDate: 0,
        offsetId: 0,
        offsetTopic: 0,
        limit: 10,
      }),
    );
    expect(topics.topics.map((t: any) => t.title)).toEqual(['General', 'Design']);
    const other = await startFakeTelegram();
    try {
      const b = populateDemoWorld(other.world, { seed: 7, messagesPerChat: 5 });
      const texts = (w: typeof fake.world, chats: typeof a.chats) =>
        chats.flatMap((chat) => w.messagesOf(chat).map((m) => m.text));
      expect(texts(other.world, b.chats)).toEqual(texts(fake.world, a.chats));
    } finally {
      await other.close();
    }
  });
});
