// `telegram-archive backfill` end to end: the real command, gateway (gramjs), recorder and SQLite
// store against the fake Telegram.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { peer } from '../../src/events/peers.ts';
import { ArchiveUnderTest, range } from '../support/backfill-e2e.ts';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram/index.ts';

const DAY = 86_400;
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
    expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
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
});
