// `telegram-archive backfill` end to end: the real command, gateway (gramjs), recorder and SQLite
// store against the fake Telegram.

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { peer } from '../../src/events/peers.ts';
import { ArchiveUnderTest, expectOk, range } from '../support/backfill-e2e.ts';
import { type FakeTelegram, rpcFail, startFakeTelegram } from '../support/fake-telegram/index.ts';

const BASE = 1_700_000_000;

let fake: FakeTelegram;
let archive: ArchiveUnderTest;

beforeEach(async () => {
  fake = await startFakeTelegram();
  archive = new ArchiveUnderTest(fake);
});
afterEach(async () => {
  await fake.close();
  rmSync(archive.dataDir, { recursive: true, force: true });
  expect(fake.server.unexpectedErrors).toEqual([]);
});

describe('backfill command', () => {
  it('archives a 10,000-message channel completely', async () => {
    const news = fake.world.addChannel({ title: 'News', username: 'news' });
    fake.world.addHistory(
      news,
      range(1, 10_000).map((i) => ({ text: `post ${i}`, date: BASE + i * 60 })),
    );
    const result = await archive.backfill(['--chat', '@news']);
    expectOk(result);
    const chat = peer('channel', news.id);
    expect(await archive.createdIds(chat)).toEqual(range(1, 10_000));
    expect(result.stdout).toMatch(/News \(-100\d+\)\s+catch-up\s+completed\s+10000\s+10000\s+0\s+0/);
    const [completed] = await archive.events(['BackfillRunCompleted']);
    expect(completed!.data).toMatchObject({
      status: 'completed',
      fetched: 10_000,
      walked: [{ from: 1, to: 10_000 }],
    });
    // Nothing is fetched again on the next run.
    const before = fake.server.countRequests('messages.GetHistory');
    expect((await archive.backfill(['--chat', '@news'])).code).toBe(0);
    expect(fake.server.countRequests('messages.GetHistory')).toBe(before);
  });

  it('finds edits, deletions and reaction changes made while it was off with --verify', async () => {
    const news = fake.world.addChannel({ title: 'News', username: 'news' });
    const posts = fake.world.addHistory(
      news,
      range(1, 300).map((i) => ({ text: `post ${i}`, date: BASE + i * 60 })),
    );
    expect((await archive.backfill(['--chat', '@news'])).code).toBe(0);

    // Nobody is connected: these happen while the archiver is off.
    fake.world.editMessage(posts[9]!, { text: 'post 10, corrected' });
    fake.world.deleteMessages(news, [20, 150, 300]);
    fake.world.setReactions(posts[49]!, [{ reaction: '👍', count: 3 }]);

    const catchUp = await archive.backfill(['--chat', '@news']);
    expect(catchUp.code).toBe(0);
    expect(await archive.events(['MessageEdited', 'MessageDeleted'])).toEqual([]);

    const verify = await archive.backfill(['--chat', '@news', '--verify']);
    expectOk(verify);
    expect(verify.stdout).toMatch(/News \(-100\d+\)\s+verify\s+completed\s+297\s+0\s+1\s+3/);
    const edited = await archive.events(['MessageEdited']);
    expect(
      edited.map((e) => [(e.data as { messageId: number }).messageId, (e.data as { text: string }).text]),
    ).toEqual([[10, 'post 10, corrected']]);
    const deleted = await archive.events(['MessageDeleted']);
    expect(
      deleted
        .map((e) => e.data)
        .sort((a, b) => (a as { messageId: number }).messageId - (b as { messageId: number }).messageId),
    ).toMatchObject([
      { messageId: 20, matchedBy: 'verify' },
      { messageId: 150, matchedBy: 'verify' },
      { messageId: 300, matchedBy: 'verify' },
    ]);
    expect(deleted.every((e) => e.metadata.source === 'backfill')).toBe(true);
    const reactions = await archive.events(['MessageReactionsChanged']);
    expect(reactions.map((e) => e.data)).toMatchObject([
      { messageId: 50, reactions: [{ reaction: '👍', count: 3 }] },
    ]);
    // A second verify finds nothing new.
    const again = await archive.backfill(['--chat', '@news', '--verify']);
    expect(again.stdout).toMatch(/verify\s+completed\s+297\s+0\s+0\s+0/);
  });

  it('sits out a FLOOD_WAIT in the middle of a backfill and still archives everything', async () => {
    const news = fake.world.addChannel({ title: 'News', username: 'news' });
    fake.world.addHistory(
      news,
      range(1, 500).map((i) => ({ text: `post ${i}`, date: BASE + i * 60 })),
    );
    let calls = 0;
    fake.server.onRequest((entry) => {
      if (entry.method === 'messages.GetHistory' && ++calls === 3)
        fake.faults.failNext('messages.GetHistory', 'FLOOD_WAIT_1');
    });
    const result = await archive.backfill(['--chat', '@news']);
    expectOk(result);
    expect(await archive.createdIds(peer('channel', news.id))).toEqual(range(1, 500));
    expect(result.stdout).toMatch(/News \(-100\d+\)\s+catch-up\s+completed\s+500\s+500\s+0\s+0\s+1\s/);
    // The flooded page was asked again with the same offset.
    const offsets = fake.server.requests
      .filter((r) => r.method === 'messages.GetHistory')
      .map((r) => r.request.offsetId as number);
    expect(offsets[2]).toBe(offsets[3]);
  });

  it('ends a chat flooded for longer than MAX_FLOOD_WAIT_SECONDS, runs the others, and resumes it next time', async () => {
    archive = new ArchiveUnderTest(fake, { MAX_FLOOD_WAIT_SECONDS: '5' });
    const news = fake.world.addChannel({ title: 'News', username: 'news' });
    fake.world.addHistory(
      news,
      range(1, 300).map((i) => ({ text: `post ${i}`, date: BASE + i * 60 })),
    );
    const alice = fake.world.addUser({ firstName: 'Alice', username: 'alice_a' });
    fake.world.addHistory(alice, [{ text: 'hello' }]);
    let calls = 0;
    fake.server.onRequest((entry) => {
      if (entry.method === 'messages.GetHistory' && ++calls === 2)
        fake.faults.failNext('messages.GetHistory', 'FLOOD_WAIT_3600');
    });
    const first = await archive.backfill(['--chat', '@news']);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/News \(-100\d+\): interrupted: .*wait 3600 s.*MAX_FLOOD_WAIT_SECONDS=5/);
    expect((await archive.createdIds(peer('channel', news.id))).length).toBe(100);

    const second = await archive.backfill(['--chat', '@news', '--chat', '@alice_a']);
    expectOk(second);
    expect(await archive.createdIds(peer('channel', news.id))).toEqual(range(1, 300));
    expect(second.stdout).toMatch(/News \(-100\d+\)\s+catch-up\s+completed\s+200\s+200/);
  });

  it('follows a group upgraded to a supergroup and archives both halves, linked', async () => {
    const bob = fake.world.addUser({ firstName: 'Bob' });
    const group = fake.world.addGroup({ title: 'Team', members: [bob] });
    fake.world.addHistory(
      group,
      range(1, 40).map((i) => ({ text: `old ${i}`, from: bob, date: BASE + i })),
    );
    const supergroup = fake.world.migrateGroup(group);
    fake.world.addHistory(
      supergroup,
      range(1, 25).map((i) => ({ text: `new ${i}`, from: bob })),
    );
    const result = await archive.backfill(['--chat', String(-(1_000_000_000_000n + supergroup.id))]);
    expectOk(result);
    const oldIds = await archive.createdIds(peer('group', group.id));
    const newIds = await archive.createdIds(peer('channel', supergroup.id));
    expect(oldIds.length).toBe(41); // 40 messages and the "upgraded" service message
    expect(newIds.length).toBe(26); // the "created from" service message and 25 messages
    const [migrated] = await archive.events(['ChatMigrated']);
    expect(migrated!.data).toMatchObject({
      from: peer('group', group.id),
      to: peer('channel', supergroup.id),
    });
  });

  it('reads a private chat given by @username, and reports a missing and an unreadable chat without stopping', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice', username: 'alice_a' });
    fake.world.addHistory(
      alice,
      range(1, 30).map((i) => ({ text: `hi ${i}` })),
    );
    const secret = fake.world.addChannel({ title: 'Secret', username: 'secret_channel' });
    fake.world.addHistory(secret, [{ text: 'classified' }]);
    const history = fake.server.handler('messages.GetHistory')!;
    fake.server.on('messages.GetHistory', (request, context) =>
      String(request.peer.channelId ?? '') === String(secret.id)
        ? rpcFail(400, 'CHANNEL_PRIVATE')
        : history(request, context),
    );
    const result = await archive.backfill([
      '--chat',
      '-1009999999999',
      '--chat',
      '@secret_channel',
      '--chat',
      '@alice_a',
    ]);
    expect(result.code).toBe(1);
    expect(await archive.createdIds(peer('user', alice.id))).toHaveLength(30);
    expect(result.stdout).toMatch(/Alice \(\d+\)\s+catch-up\s+completed\s+30\s+30/);
    expect(result.stdout).toContain('-1009999999999: failed: chat -1009999999999 not found');
    expect(result.stdout).toMatch(/Secret \(-100\d+\): failed: .*CHANNEL_PRIVATE/);
    expect(result.stderr).toContain('2 of 3 chats did not complete');
  });

  it('downloads the files it finds, by content, while it archives the messages', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice', username: 'alice_a' });
    const photo = randomBytes(300 * 1024);
    const report = randomBytes(1024 * 1024 + 17);
    fake.world.addHistory(alice, [
      { text: 'look', media: { kind: 'photo', bytes: photo } },
      { media: { kind: 'document', bytes: report, fileName: 'report.pdf', mimeType: 'application/pdf' } },
      { media: { kind: 'video', bytes: randomBytes(1000), fileName: 'clip.mp4' } },
    ]);
    archive = new ArchiveUnderTest(fake, { MEDIA_TYPES: 'photo,document' });
    const result = await archive.backfill(['--chat', '@alice_a']);
    expectOk(result);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const file = (b: Buffer, ext: string) =>
      join(archive.dataDir, 'media', sha(b).slice(0, 2), `${sha(b)}.${ext}`);
    expect(readFileSync(file(photo, 'jpg')).equals(photo)).toBe(true);
    expect(readFileSync(file(report, 'pdf')).equals(report)).toBe(true);
    expect((await archive.events(['MediaSkipped'])).map((e) => e.data)).toMatchObject([
      { reason: 'type-disabled' },
    ]);
    expect(result.stdout).toContain('media: 2 downloaded');
    expect(existsSync(join(archive.dataDir, 'media', 'partial'))).toBe(true);
  });

  it('counts the flood waits of the dialog list and of file downloads in the summary', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice' });
    const photo = randomBytes(10 * 1024);
    fake.world.addHistory(alice, [{ text: 'look', media: { kind: 'photo', bytes: photo } }]);
    // Both are sat out inside the gateway or the downloader, away from the history pages.
    fake.faults.failNext('messages.GetDialogs', 'FLOOD_WAIT_1');
    fake.faults.failNext('upload.GetFile', 'FLOOD_WAIT_1');
    archive = new ArchiveUnderTest(fake, { MEDIA_TYPES: 'photo' });
    const result = await archive.backfill(['--chat', 'Alice']);
    expectOk(result);
    expect(result.stdout).toContain('media: 1 downloaded');
    expect(fake.server.countRequests('upload.GetFile')).toBeGreaterThanOrEqual(2);
    expect(result.stdout).toMatch(/total \(1 chat\)\s+1 ok\s+1\s+1\s+0\s+0\s+2\s/);
  });

  it('explains bad arguments with exit code 2 and touches nothing', async () => {
    const bad = await archive.backfill(['--chat', '@x_chat', '--since', '2024-13-01']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since '2024-13-01' is not a date");
    expect((await archive.backfill([])).stderr).toContain('Name the chats to backfill with --chat');
    expect(existsSync(join(archive.dataDir, 'events.sqlite'))).toBe(false);
  });

  it('pages through a thousand dialogs, past a FLOOD_WAIT, to find a chat by its title', async () => {
    const people = range(1, 1000).map((i) => fake.world.addUser({ firstName: `Person ${i}` }));
    people.forEach((person, i) => {
      fake.world.addHistory(person, [{ text: `hello ${i}`, date: BASE + i * 60 }]);
    });
    let pages = 0;
    fake.server.onRequest((entry) => {
      if (entry.method === 'messages.GetDialogs' && ++pages === 3)
        fake.faults.failNext('messages.GetDialogs', 'FLOOD_WAIT_1');
    });
    // The oldest conversation comes last in the dialog list.
    const result = await archive.backfill(['--chat', 'Person 1']);
    expectOk(result);
    expect(await archive.createdIds(peer('user', people[0]!.id))).toHaveLength(1);
    expect(pages).toBeGreaterThanOrEqual(11);
    expect(result.stdout).toMatch(/Person 1 \(\d+\)\s+catch-up\s+completed\s+1\s+1/);
  });

  it('walks a --since/--until window, and --full reads everything again without new events', async () => {
    const DAY = 86_400;
    const news = fake.world.addChannel({ title: 'News', username: 'news' });
    fake.world.addHistory(
      news,
      range(1, 1000).map((i) => ({ text: `day ${i}`, date: BASE + i * DAY })),
    );
    const chat = peer('channel', news.id);
    const iso = (i: number) => new Date((BASE + i * DAY) * 1000).toISOString();
    const window = await archive.backfill(['--chat', '@news', '--since', iso(600), '--until', iso(700)]);
    expectOk(window);
    expect(window.stdout).toMatch(/News \(-100\d+\)\s+range\s+completed/);
    const stored = await archive.createdIds(chat);
    expect(stored).toEqual(expect.arrayContaining(range(600, 700)));
    // It stops within a page of --since.
    expect(Math.min(...stored)).toBeGreaterThan(600 - 100);

    const catchUp = await archive.backfill(['--chat', '@news']);
    expectOk(catchUp);
    expect(await archive.createdIds(chat)).toEqual(range(1, 1000));

    const before = fake.server.countRequests('messages.GetHistory');
    const full = await archive.backfill(['--chat', '@news', '--full']);
    expectOk(full);
    expect(full.stdout).toMatch(/News \(-100\d+\)\s+full\s+completed\s+1000\s+0\s+0\s+0/);
    expect(fake.server.countRequests('messages.GetHistory') - before).toBeGreaterThanOrEqual(10);
    expect(await archive.events(['MessageCreated'])).toHaveLength(1000);
  });
});
