// `telegram-archive backfill` as a real child process, killed with SIGKILL in the middle of a
// channel and started again: the second run continues below what the first stored, takes the lock
// the dead process held, and ends with exactly the channel's messages, each recorded once.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { peer } from '../../src/events/peers.ts';
import { ArchiveUnderTest, range } from '../support/backfill-e2e.ts';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram/index.ts';
import { waitFor } from '../support/wait.ts';

let fake: FakeTelegram;
let archive: ArchiveUnderTest;

beforeEach(async () => {
  fake = await startFakeTelegram();
});
afterEach(async () => {
  await fake.close();
  rmSync(archive.dataDir, { recursive: true, force: true });
});

const historyOffsets = (from = 0) =>
  fake.server.requests
    .slice(from)
    .filter((r) => r.method === 'messages.GetHistory')
    .map((r) => r.request.offsetId as number);

describe('backfill process', () => {
  it('resumes after SIGKILL with the exact message set and no duplicate events', async () => {
    const news = fake.world.addChannel({ title: 'News', username: 'news' });
    fake.world.addHistory(
      news,
      range(1, 5000).map((i) => ({ text: `post ${i}`, date: 1_700_000_000 + i * 60 })),
    );
    const chat = peer('channel', news.id);
    // Slow enough to be caught in the middle: 20 history pages a second.
    archive = new ArchiveUnderTest(fake, { REQUESTS_PER_SECOND: '20' });
    const first = archive.spawn(['--chat', '@news']);
    await waitFor(() => historyOffsets().length >= 15, 'fifteen history pages', 30_000);
    first.child.kill('SIGKILL');
    await first.exited;

    const stored = await archive.createdIds(chat);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(5000);
    expect(await archive.events(['BackfillRunCompleted'])).toEqual([]);
    const lowestStored = stored[0]!;

    const restartAt = fake.server.requests.length;
    const second = archive.spawn(['--chat', '@news']);
    const code = await second.exited;
    expect({ code, output: second.output() }).toMatchObject({ code: 0 });

    expect(await archive.createdIds(chat)).toEqual(range(1, 5000));
    const created = await archive.events(['MessageCreated']);
    expect(created).toHaveLength(5000);
    const all = await archive.events();
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    // The second run asked only for what was not stored (plus one page to learn the head, if any).
    const resumedOffsets = historyOffsets(restartAt);
    expect(Math.max(...resumedOffsets)).toBeLessThanOrEqual(lowestStored);
    const [completed] = await archive.events(['BackfillRunCompleted']);
    expect(completed!.data).toMatchObject({ status: 'completed', walked: [{ from: 1, to: 5000 }] });
  });
});
