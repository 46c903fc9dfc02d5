import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { eventId } from '../../../src/events/ids.ts';
import { peer, streams } from '../../../src/events/peers.ts';
import { type BackfillService, startBackfillService } from '../../../src/ingest/backfill/service.ts';
import { silentLogger } from '../../../src/log/logger.ts';
import { Pacer } from '../../../src/pacing/pacer.ts';
import { FakeCapture, FakeHistory } from '../../support/fake-history.ts';
import { HookedEventStore } from '../../support/hooked-event-store.ts';
import { waitFor } from '../../support/wait.ts';

const ACCOUNT = '1000';
const news = peer('channel', 3000);
const alice = peer('user', 2000);
let service: BackfillService | undefined;
let dir: string | undefined;

afterEach(async () => {
  await service?.stop();
  service = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('backfill service', () => {
  it('answers a gap reported by the listener with a run for that chat only', async () => {
    dir = mkdtempSync(join(tmpdir(), 'service-'));
    const store = new HookedEventStore();
    const telegram = new FakeHistory();
    telegram.addChat({ chat: news, chatType: 'channel', title: 'News' }, 30);
    telegram.addChat({ chat: alice, chatType: 'private', title: 'Alice' }, 10);
    service = startBackfillService({
      account: ACCOUNT,
      store,
      telegram,
      capture: new FakeCapture(store, ACCOUNT),
      pacer: new Pacer({ requestsPerSecond: 100, burst: 100, maxFloodWaitSeconds: 60 }),
      logger: silentLogger,
      filters: { include: [], exclude: [], types: ['private', 'groups', 'channels', 'bots'] },
      schedule: '0 0 1 1 *',
      lockPath: join(dir, 'backfill.lock'),
    });
    const account = streams.account(ACCOUNT);
    await store.append(account, [
      {
        id: eventId(account, 'GapDetected', 'g1'),
        type: 'GapDetected',
        data: { chat: news, reason: 'channelDifferenceTooLong', backfillRequested: true },
        metadata: { source: 'live', observedAt: '2024-01-01T00:00:00.000Z' },
      },
    ]);
    const completed = await waitFor(async () => {
      const events = await store.readStream(account);
      return events.find((e) => e.type === 'BackfillRunCompleted');
    }, 'the gap run');
    expect(completed.data).toMatchObject({ chat: news, status: 'completed', created: 30 });
    const created = await store.readAll({ types: ['MessageCreated'] });
    expect(new Set(created.map((e) => e.stream.split('.')[1]))).toEqual(new Set(['c3000']));
  });
});
