// `telegram-archive listen` runs the scheduled backfill on its own connection: a gap recorded while
// nothing ran is answered right after start, for that chat only, and Ctrl-C stops both cleanly.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { commands } from '../../src/cli/commands/index.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import { eventId } from '../../src/events/ids.ts';
import { peer, streams } from '../../src/events/peers.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { acquireRunLock } from '../../src/ingest/backfill/run-lock.ts';
import { ArchiveUnderTest, range } from '../support/backfill-e2e.ts';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram/index.ts';
import { waitFor } from '../support/wait.ts';

let fake: FakeTelegram;
let archive: ArchiveUnderTest;

beforeEach(async () => {
  fake = await startFakeTelegram();
  archive = new ArchiveUnderTest(fake, { SCHEDULE: '0 0 1 1 *' });
});
afterEach(async () => {
  await fake.close();
  rmSync(archive.dataDir, { recursive: true, force: true });
});

describe('listen with the scheduled backfill', () => {
  it('answers a pending gap right after start, for that chat only, and stops cleanly', async () => {
    const news = fake.world.addChannel({ title: 'News', username: 'news' });
    fake.world.addHistory(
      news,
      range(1, 250).map((i) => ({ text: `post ${i}` })),
    );
    const other = fake.world.addChannel({ title: 'Other', username: 'other' });
    fake.world.addHistory(
      other,
      range(1, 50).map((i) => ({ text: `other ${i}` })),
    );
    const account = String(fake.world.me.id);
    const store = openSqliteEventStore({ path: join(archive.dataDir, 'events.sqlite') });
    const accountStream = streams.account(account);
    await store.append(accountStream, [
      {
        id: eventId(accountStream, 'GapDetected', 'before-start'),
        type: 'GapDetected',
        data: { chat: peer('channel', news.id), reason: 'channelDifferenceTooLong', backfillRequested: true },
        metadata: { source: 'live', observedAt: new Date().toISOString() },
      },
    ]);
    await store.close();

    const controller = new AbortController();
    let stderr = '';
    const running = runCli(
      commands,
      ['listen'],
      {
        stdout: new Writable({ write: (_c, _e, done) => done() }),
        stderr: new Writable({
          write(chunk, _e, done) {
            stderr += String(chunk);
            done();
          },
        }),
        env: archive.env,
        cwd: archive.dataDir,
        signal: controller.signal,
      },
      'test',
    );
    await waitFor(
      async () => (await archive.events(['BackfillRunCompleted'])).length > 0,
      'the gap backfill to complete',
      20_000,
      50,
    );
    expect(await archive.createdIds(peer('channel', news.id))).toEqual(range(1, 250));
    expect(await archive.createdIds(peer('channel', other.id))).toEqual([]);
    controller.abort();
    expect(await running).toBe(0);
    expect(stderr).toContain('Listening as user');
    // The run lock was released on the way out.
    acquireRunLock(join(archive.dataDir, 'backfill.lock'), 'after listen').release();
  });
});
