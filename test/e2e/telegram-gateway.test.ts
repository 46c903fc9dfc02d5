// The gateway (real gramjs) against the fake Telegram: reads, pushed updates, differences, media,
// pacing, reconnects and shutdown.

import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Observation } from '../../src/events/observations.ts';
import type { GatewayEvent, TelegramGateway, UpdateBatch } from '../../src/telegram/index.ts';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram/index.ts';
import { gatewayFor } from '../support/gateway.ts';
import { waitFor } from '../support/wait.ts';

const u = (id: bigint) => ({ kind: 'user' as const, id: String(id) });
const c = (id: bigint) => ({ kind: 'channel' as const, id: String(id) });
const g = (id: bigint) => ({ kind: 'group' as const, id: String(id) });

describe('Telegram gateway against the fake server', () => {
  let fake: FakeTelegram;
  let gateway: TelegramGateway | undefined;
  const events: GatewayEvent[] = [];
  const batches = () => events.flatMap((e) => (e.kind === 'updates' ? [e.batch] : []));
  const observed = (): Observation[] =>
    batches().flatMap((b: UpdateBatch) => b.items.flatMap((i) => i.observations));

  beforeEach(async () => {
    fake = await startFakeTelegram();
    events.length = 0;
  });
  afterEach(async () => {
    await gateway?.disconnect();
    gateway = undefined;
    await fake.close();
    expect(fake.server.unexpectedErrors).toEqual([]);
  });

  const connect = async (options: Parameters<typeof gatewayFor>[1] = {}) => {
    gateway = gatewayFor(fake, options);
    gateway.subscribe((event) => events.push(event));
    const account = await gateway.connect();
    return { gateway, account };
  };

  it('connects, names the account and pages through dialogs', async () => {
    const people = Array.from({ length: 7 }, (_, i) => fake.world.addUser({ firstName: `P${i}` }));
    for (const [i, p] of people.entries())
      fake.world.addHistory(p, [{ text: `hi ${i}`, date: 1_700_000_000 + i }]);
    const news = fake.world.addChannel({ title: 'News', username: 'news' });
    const { gateway, account } = await connect();
    expect(account.userId).toBe(String(fake.world.me.id));
    const seen: string[] = [];
    let pages = 0;
    for await (const page of gateway.dialogs(3)) {
      pages += 1;
      seen.push(...page.dialogs.map((d) => `${d.chat.kind}:${d.chat.id}`));
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.sort()).toEqual([...people.map((p) => `user:${p.id}`), `channel:${news.id}`].sort());
  });

  it('reads history pages, messages by id and resolves usernames', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice', username: 'alice' });
    const msgs = fake.world.addHistory(
      alice,
      Array.from({ length: 5 }, (_, i) => ({ text: `m${i}` })),
    );
    const { gateway } = await connect();
    const resolved = await gateway.resolveUsername('@alice');
    expect(resolved.peer).toEqual(u(alice.id));
    const page = await gateway.history(u(alice.id), { limit: 2 });
    expect(page.messages.map((m) => m.message.text)).toEqual(['m4', 'm3']);
    expect(page.count).toBe(5);
    const older = await gateway.history(u(alice.id), {
      limit: 10,
      offsetId: page.messages.at(-1)!.message.messageId,
    });
    expect(older.messages.map((m) => m.message.text)).toEqual(['m2', 'm1', 'm0']);
    const byId = await gateway.messagesByIds(u(alice.id), [msgs[1]!.id, 9999]);
    expect(byId.map((m) => m?.message.text)).toEqual(['m1', undefined]);
  });

  it('streams pushed updates in order with their pts, boxes and peers', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice' });
    const news = fake.world.addChannel({ title: 'News' });
    const { gateway } = await connect();
    await gateway.getState(); // any request makes the connection receive updates
    const m1 = fake.world.sendMessage(alice, { text: 'hello' });
    fake.world.editMessage(m1, { text: 'hello!' });
    fake.world.setReactions(m1, [{ reaction: '👍', count: 1 }]);
    fake.world.pinMessage(m1);
    const post = fake.world.sendMessage(news, { text: 'post' });
    fake.world.deleteMessages(news, [post.id]);
    fake.world.deleteMessages(alice, [m1.id]);
    await waitFor(() => observed().filter((o) => o.kind === 'deletion').length === 2, 'both deletions');
    expect(observed().map((o) => o.kind)).toEqual([
      'message',
      'message',
      'reactions',
      'pins',
      'message',
      'deletion',
      'deletion',
    ]);
    const items = batches().flatMap((b) => b.items);
    expect(items.map((i) => i.box?.kind ?? '-')).toEqual([
      'common',
      'common',
      '-',
      'common',
      'channel',
      'channel',
      'common',
    ]);
    const deletions = observed().filter((o) => o.kind === 'deletion');
    expect(deletions[0]).toMatchObject({ chat: c(news.id), messageIds: [post.id] });
    expect(deletions[1]).not.toHaveProperty('chat');
  });

  it('returns what was missed through getDifference and getChannelDifference', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice' });
    const news = fake.world.addChannel({ title: 'News' });
    const group = fake.world.addGroup({ title: 'G', members: [alice] });
    const { gateway } = await connect();
    const state = await gateway.getState();
    const channelPts = fake.world.channelBox(news).pts;
    fake.world.sendMessage(alice, { text: 'missed 1' }, { push: false });
    fake.world.sendMessage(group, { text: 'missed 2' }, { push: false });
    fake.world.sendMessage(news, { text: 'missed post' }, { push: false });
    const difference = await gateway.getDifference(state);
    expect(difference.kind).toBe('difference');
    if (difference.kind !== 'difference') return;
    expect(difference.state.pts).toBe(state.pts + 2);
    const texts = difference.items.flatMap((i) =>
      i.observations.flatMap((o) => (o.kind === 'message' ? [o.message.text] : [])),
    );
    expect(texts).toEqual(['missed 1', 'missed 2']);
    expect(difference.items.find((i) => i.channelTooLong)?.channelTooLong).toEqual({
      channelId: String(news.id),
      pts: channelPts + 1,
    });
    const channel = await gateway.getChannelDifference(String(news.id), channelPts, 100);
    expect(channel).toMatchObject({ kind: 'difference', pts: channelPts + 1, final: true });
    expect(await gateway.getChannelDifference(String(news.id), channelPts + 1, 100)).toMatchObject({
      kind: 'empty',
    });
    expect(g(group.id).kind).toBe('group');
  });

  it('downloads a file in chunks from an offset and survives an expired file reference', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice' });
    const data = randomBytes(300 * 1024 + 123);
    const [message] = fake.world.addHistory(alice, [
      { media: { kind: 'document', bytes: data, fileName: 'a.bin' } },
    ]);
    const { gateway } = await connect();
    const chunks: Buffer[] = [];
    for await (const chunk of gateway.downloadMedia(u(alice.id), message!.id, { chunkSize: 64 * 1024 }))
      chunks.push(chunk);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    expect(chunks.length).toBe(5);
    const [observation] = await gateway.messagesByIds(u(alice.id), [message!.id]);
    fake.world.rotateFileReference(message!);
    const rest: Buffer[] = [];
    for await (const chunk of gateway.downloadMedia(u(alice.id), message!.id, {
      chunkSize: 64 * 1024,
      offset: 128 * 1024,
      location: observation!.mediaLocation,
    }))
      rest.push(chunk);
    expect(Buffer.concat(rest).equals(data.subarray(128 * 1024))).toBe(true);
  });

  it('honours FLOOD_WAIT by pausing that method and retrying', async () => {
    const { gateway } = await connect();
    fake.faults.failNext('updates.GetState', 'FLOOD_WAIT_1');
    const started = Date.now();
    await gateway.getState();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.server.countRequests('updates.GetState')).toBe(2);
    fake.faults.failNext('updates.GetState', 'FLOOD_WAIT_5000');
    await expect(gateway.getState({ maxFloodWaitSeconds: 60 })).rejects.toMatchObject({
      name: 'FloodWaitTooLongError',
      seconds: 5000,
    });
  });

  it('gives up on a call that never answers after the call timeout', async () => {
    const { gateway } = await connect({ callTimeoutMs: 300 });
    fake.faults.hangNext('updates.GetState');
    await expect(gateway.getState()).rejects.toMatchObject({ name: 'CallTimeoutError' });
    await expect(gateway.getState()).resolves.toMatchObject({ pts: fake.world.common.pts });
  });

  it('reports connection loss and reconnects by itself, also after the server refused for a while', async () => {
    const { gateway } = await connect();
    await gateway.getState();
    const states = () => events.flatMap((e) => (e.kind === 'connection' ? [e.state] : []));
    await fake.server.setOnline(false);
    await waitFor(() => states().includes('disconnected'), 'the disconnect');
    await waitFor(
      () => fake.server.requests.length > 0 && fake.server.connectionCount === 0,
      'no connection while offline',
    );
    await fake.server.setOnline(true);
    await waitFor(
      () => states().at(-1) === 'connected' && fake.server.connectionCount > 0,
      'the reconnect',
      15_000,
    );
    await expect(gateway.getState()).resolves.toBeDefined();
  });

  it('refuses a session that is not logged in', async () => {
    gateway = gatewayFor(fake, { session: fake.newSession({ authorized: false }) });
    await expect(gateway.connect()).rejects.toMatchObject({ name: 'NotAuthorizedError' });
  });
});
