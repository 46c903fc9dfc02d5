import { beforeEach, describe, expect, it } from '@jest/globals';
import { eventId } from '../../../src/events/ids.ts';
import { peer, streams } from '../../../src/events/peers.ts';
import { type BackfillRequest, runBackfill } from '../../../src/ingest/backfill/index.ts';
import { silentLogger } from '../../../src/log/logger.ts';
import { Pacer } from '../../../src/pacing/pacer.ts';
import { FakeCapture, FakeHistory } from '../../support/fake-history.ts';
import { HookedEventStore } from '../../support/hooked-event-store.ts';

const ACCOUNT = '1000';
const news = peer('channel', 3000);
const alice = peer('user', 2000);
const helper = peer('user', 4000);
const oldGroup = peer('group', 77);
const supergroup = peer('channel', 78);

let store: HookedEventStore;
let telegram: FakeHistory;
let capture: FakeCapture;

beforeEach(() => {
  store = new HookedEventStore();
  telegram = new FakeHistory();
  capture = new FakeCapture(store, ACCOUNT);
  telegram.addChat({ chat: news, chatType: 'channel', title: 'News', username: 'news' }, 120);
  telegram.addChat({ chat: alice, chatType: 'private', title: 'Alice', username: 'alice_s' }, 30);
  telegram.addChat({ chat: helper, chatType: 'bot', title: 'Helper', username: 'helper_bot' }, 5);
});

const backfill = (request: Partial<BackfillRequest>, filters = {}) =>
  runBackfill(
    { chats: [], all: false, mode: 'catch-up', ...request },
    {
      account: ACCOUNT,
      store,
      telegram,
      capture,
      pacer: new Pacer({ requestsPerSecond: 100, burst: 1000, maxFloodWaitSeconds: 60 }),
      logger: silentLogger,
      filters: { include: [], exclude: [], types: ['private', 'groups', 'channels', 'bots'], ...filters },
    },
  );

const archivedChats = async () =>
  [...new Set((await store.ofType('MessageCreated')).map((e) => e.stream.split('.')[1]))].sort();

describe('runBackfill', () => {
  it('runs each --chat, and a chat that does not exist or cannot be read fails alone', async () => {
    telegram.infos.push({ chat: peer('channel', 9), chatType: 'channel', title: 'Secret', topMessageId: 4 });
    const summary = await backfill({ chats: ['@alice_s', '-1000000000404', 'Secret', 'News'] });
    expect(summary.chats.map((c) => [c.chat, c.status])).toEqual([
      ['-1000000000404', 'failed'],
      ['Alice (2000)', 'completed'],
      ['Secret (-1000000000009)', 'failed'],
      ['News (-1000000003000)', 'completed'],
    ]);
    expect(summary.chats[0]!.reason).toMatch(/chat -1000000000404 not found/);
    expect(summary.chats[2]!.reason).toMatch(/CHANNEL_PRIVATE/);
    expect(await archivedChats()).toEqual(['c3000', 'u2000']);
  });

  it('--all takes every dialog CHAT_TYPES and CHATS_EXCLUDE allow', async () => {
    const summary = await backfill(
      { all: true },
      { types: ['private', 'channels'], exclude: ['-1000000003000'] },
    );
    expect(summary.chats.map((c) => c.chat)).toEqual(['Alice (2000)']);
    expect(await archivedChats()).toEqual(['u2000']);
  });

  it('serves gap requests from the listener until a run of that chat completes', async () => {
    const account = streams.account(ACCOUNT);
    await store.append(account, [
      {
        id: eventId(account, 'GapDetected', '1'),
        type: 'GapDetected',
        data: { chat: news, reason: 'channelDifferenceTooLong', backfillRequested: true },
        metadata: { source: 'live', observedAt: '2024-01-01T00:00:00.000Z' },
      },
    ]);
    const first = await backfill({ gapsOnly: true });
    expect(first.chats.map((c) => [c.chat, c.status])).toEqual([['News (-1000000003000)', 'completed']]);
    const second = await backfill({ gapsOnly: true });
    expect(second.chats).toEqual([]);
  });

  it('answers a gap even when the chat turns out to have nothing to fetch', async () => {
    await backfill({ chats: ['@news'] });
    const account = streams.account(ACCOUNT);
    await store.append(account, [
      {
        id: eventId(account, 'GapDetected', '2'),
        type: 'GapDetected',
        data: { chat: news, reason: 'channelDifferenceTooLong', backfillRequested: true },
        metadata: { source: 'live', observedAt: '2024-01-01T00:00:00.000Z' },
      },
    ]);
    const answered = await backfill({ gapsOnly: true });
    expect(answered.chats.map((c) => [c.chat, c.status, c.fetched])).toEqual([
      ['News (-1000000003000)', 'completed', 0],
    ]);
    expect((await backfill({ gapsOnly: true })).chats).toEqual([]);
  });

  it('follows a group-to-supergroup migration and archives both halves', async () => {
    telegram.addChat({ chat: supergroup, chatType: 'supergroup', title: 'Team' }, 10);
    telegram.addChat({ chat: oldGroup, chatType: 'group', title: 'Team' }, 41);
    telegram.infos.splice(
      telegram.infos.findIndex((i) => i.chat === oldGroup),
      1,
    ); // hidden from the dialogs, as Telegram does
    telegram.entities.set('c78', [
      { kind: 'migration', migration: { from: oldGroup, to: supergroup, lastMessageId: 41 } },
    ]);
    const summary = await backfill({ chats: ['-1000000000078'] });
    expect(summary.chats.map((c) => [c.chat, c.status, c.created])).toEqual([
      ['Team (-1000000000078)', 'completed', 10],
      ['Team (before the upgrade) (-77)', 'completed', 41],
    ]);
  });

  it('reports a dialog list that cannot be loaded, and still runs chats resolved without it', async () => {
    telegram.dialogs = async function* () {
      yield [];
      throw new Error('RPC_CALL_FAIL');
    };
    const summary = await backfill({ chats: ['@news'], all: true });
    expect(summary.chats.map((c) => [c.chat, c.status])).toEqual([
      ['(dialog list)', 'failed'],
      ['News (-1000000003000)', 'completed'],
    ]);
  });
});
