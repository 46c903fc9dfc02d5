// The backfill command on PostgreSQL (EVENT_STORE=postgres): a channel archived, edits and a
// deletion found by --verify, and a second run that fetches nothing, as on SQLite.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { peer } from '../../src/events/peers.ts';
import { ArchiveUnderTest, expectOk, range } from '../support/backfill-e2e.ts';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram/index.ts';
import { createTestDatabase, describePostgres } from '../support/postgres.ts';

describePostgres('backfill command on PostgreSQL', () => {
  let fake: FakeTelegram;
  let archive: ArchiveUnderTest;
  let database: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    database = await createTestDatabase('backfill');
    fake = await startFakeTelegram();
    archive = new ArchiveUnderTest(fake, { EVENT_STORE: 'postgres', EVENT_STORE_URL: database.url });
  });
  afterAll(async () => {
    await fake?.close();
    if (archive) rmSync(archive.dataDir, { recursive: true, force: true });
    await database?.drop();
  });

  it('archives, verifies and resumes on PostgreSQL', async () => {
    const news = fake.world.addChannel({ title: 'News', username: 'news' });
    const posts = fake.world.addHistory(
      news,
      range(1, 700).map((i) => ({ text: `post ${i}`, date: 1_700_000_000 + i * 60 })),
    );
    const chat = peer('channel', news.id);
    expectOk(await archive.backfill(['--chat', '@news']));
    expect(await archive.createdIds(chat)).toEqual(range(1, 700));

    const before = fake.server.countRequests('messages.GetHistory');
    expectOk(await archive.backfill(['--chat', '@news']));
    expect(fake.server.countRequests('messages.GetHistory')).toBe(before);

    fake.world.editMessage(posts[99]!, { text: 'post 100, fixed' });
    fake.world.deleteMessages(news, [200]);
    const verify = await archive.backfill(['--chat', '@news', '--verify']);
    expectOk(verify);
    expect(verify.stdout).toMatch(/verify\s+completed\s+699\s+0\s+1\s+1/);
    expect((await archive.events(['MessageDeleted'])).map((e) => e.data)).toMatchObject([
      { messageId: 200, matchedBy: 'verify' },
    ]);
  });
});
