import { beforeEach, describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../../../src/events/envelope.ts';
import { peer, streams } from '../../../src/events/peers.ts';
import { type ChatRunDeps, type ChatRunRequest, runChat } from '../../../src/ingest/backfill/chat-run.ts';
import { RunHistory } from '../../../src/ingest/backfill/run-history.ts';
import { silentLogger } from '../../../src/log/logger.ts';
import { Pacer } from '../../../src/pacing/pacer.ts';
import { FakeCapture, FakeHistory, type TestEntity, type TestMessage } from '../../support/fake-history.ts';
import { HookedEventStore } from '../../support/hooked-event-store.ts';

const ACCOUNT = '1000';
const news = peer('channel', 3000);
const flood = (seconds: number) =>
  Object.assign(new Error(`420: FLOOD_WAIT_${seconds}`), { errorMessage: `FLOOD_WAIT_${seconds}` });

let store: HookedEventStore;
let telegram: FakeHistory;
let capture: FakeCapture;

beforeEach(() => {
  store = new HookedEventStore();
  telegram = new FakeHistory();
  capture = new FakeCapture(store, ACCOUNT);
});

async function run(
  request: Partial<ChatRunRequest> = {},
  extra: Partial<ChatRunDeps<TestMessage, TestEntity>> = {},
) {
  const runs = new RunHistory(await store.readStream(streams.account(ACCOUNT)));
  return runChat(
    { mode: 'catch-up', ...request, info: request.info ?? telegram.info(news) },
    {
      account: ACCOUNT,
      store,
      telegram,
      capture,
      runs,
      pacer: new Pacer({ requestsPerSecond: 100, burst: 1000, maxFloodWaitSeconds: 60 }),
      logger: silentLogger,
      ...extra,
    },
  );
}

const created = async () =>
  (await store.ofType('MessageCreated')).map((e) => (e.data as { messageId: number }).messageId);
const accountEvents = async (type: string) =>
  (await store.readStream(streams.account(ACCOUNT))).filter((e) => e.type === type) as StoredEvent[];

describe('runChat', () => {
  it('archives a whole channel and records the run with the range it walked', async () => {
    telegram.addChat({ chat: news, chatType: 'channel', title: 'News' }, 250);
    const result = await run();
    expect(result).toMatchObject({ status: 'completed', fetched: 250, created: 250, edited: 0, deleted: 0 });
    expect(new Set(await created()).size).toBe(250);
    expect(telegram.queries).toHaveLength(3);
    const [started] = await accountEvents('BackfillRunStarted');
    expect(started!.data).toMatchObject({ chat: news, mode: 'catch-up', runId: result.runId });
    expect((await accountEvents('BackfillRunCompleted'))[0]!.data).toMatchObject({
      status: 'completed',
      head: 250,
      walked: [{ from: 1, to: 250 }],
      fetched: 250,
      created: 250,
    });
  });

  it('asks Telegram for nothing already walked, and only for new messages on the next run', async () => {
    const history = telegram.addChat({ chat: news, chatType: 'channel', title: 'News' }, 120);
    await run();
    history.push(
      { id: 121, date: 1_800_000_000, text: 'new' },
      { id: 122, date: 1_800_000_060, text: 'newer' },
    );
    telegram.queries.length = 0;
    const second = await run();
    expect(second).toMatchObject({ status: 'completed', fetched: 2, created: 2 });
    expect(telegram.queries.map((q) => q.query)).toEqual([{ offsetId: 123, minId: 120, limit: 100 }]);
    telegram.queries.length = 0;
    const runsBefore = (await accountEvents('BackfillRunStarted')).length;
    expect(await run()).toMatchObject({ status: 'completed', fetched: 0 });
    expect(telegram.queries).toEqual([]);
    // A run with nothing to do leaves no events: the account stream grows with real work only.
    expect(await accountEvents('BackfillRunStarted')).toHaveLength(runsBefore);
    expect(await run({ alwaysRecord: true })).toMatchObject({ status: 'completed', fetched: 0 });
    expect(await accountEvents('BackfillRunStarted')).toHaveLength(runsBefore + 1);
  });

  it('continues an interrupted run where it stopped, without refetching stored messages', async () => {
    telegram.addChat({ chat: news, chatType: 'channel', title: 'News' }, 500);
    const controller = new AbortController();
    telegram.beforeHistory = (_chat, _query, call) => {
      if (call !== 2) return;
      controller.abort(Object.assign(new Error('stop'), { name: 'AbortError' }));
      throw controller.signal.reason; // the request in flight is cancelled
    };
    const first = await run({}, { signal: controller.signal });
    expect(first).toMatchObject({ status: 'interrupted', fetched: 200 });
    expect((await accountEvents('BackfillRunCompleted'))[0]!.data).toMatchObject({
      status: 'interrupted',
      walked: [{ from: 301, to: 500 }],
      resumeFromMessageId: 300,
    });

    telegram.beforeHistory = () => undefined;
    telegram.queries.length = 0;
    const second = await run();
    expect(second).toMatchObject({ status: 'completed', fetched: 300, created: 300 });
    expect(Math.max(...telegram.queries.map((q) => q.query.offsetId))).toBe(301);
    expect((await created()).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(await store.ofType('MessageCreated')).toHaveLength(500);
  });

  it('resumes after a crash that recorded nothing, from the stored messages alone', async () => {
    telegram.addChat({ chat: news, chatType: 'channel', title: 'News' }, 300);
    store.beforeAppend = (_stream, events) => {
      if (events[0]?.type === 'BackfillRunCompleted') throw new Error('killed');
    };
    telegram.beforeHistory = (_c, _q, call) => {
      if (call === 1) throw new Error('network down');
    };
    expect((await run()).status).toBe('failed');
    expect(await accountEvents('BackfillRunCompleted')).toHaveLength(0);
    store.beforeAppend = () => undefined;
    telegram.beforeHistory = () => undefined;
    telegram.queries.length = 0;
    expect(await run()).toMatchObject({ status: 'completed', fetched: 200 });
    expect(telegram.queries[0]!.query).toEqual({ offsetId: 201, minId: 0, limit: 100 });
    // The completed run claims the whole history it checked, stored part included.
    const [completed] = await accountEvents('BackfillRunCompleted');
    expect(completed!.data).toMatchObject({ walked: [{ from: 1, to: 300 }] });
  });

  it('ends the chat run on a flood wait over the limit and resumes there next time', async () => {
    telegram.addChat({ chat: news, chatType: 'channel', title: 'News' }, 300);
    telegram.beforeHistory = (_c, _q, call) => {
      if (call === 1) throw flood(3600);
    };
    const first = await run();
    expect(first.status).toBe('interrupted');
    expect(first.reason).toContain('MAX_FLOOD_WAIT_SECONDS=60');
    expect(first.floodWaits).toBe(1);
    telegram.beforeHistory = () => undefined;
    telegram.queries.length = 0;
    expect(await run()).toMatchObject({ status: 'completed', fetched: 200 });
    expect(telegram.queries[0]!.query.offsetId).toBe(201);
  });

  it('verify finds edits and deletions made while the archiver was off', async () => {
    const history = telegram.addChat({ chat: news, chatType: 'channel', title: 'News' }, 150);
    await run();
    history.find((m) => m.id === 10)!.text = 'edited ten';
    history.splice(
      history.findIndex((m) => m.id === 20),
      1,
    );
    history.splice(
      history.findIndex((m) => m.id === 150),
      1,
    );
    // A catch-up sees nothing new…
    expect(await run()).toMatchObject({ fetched: 0, edited: 0, deleted: 0 });
    // …verify re-reads the archive, including the deleted newest message above the head.
    const verify = await run({ mode: 'verify', info: { ...telegram.info(news), topMessageId: 149 } });
    expect(verify).toMatchObject({
      status: 'completed',
      mode: 'verify',
      edited: 1,
      deleted: 2,
      fetched: 148,
    });
    expect(capture.calls.flatMap((c) => c.deletedIds).sort((a, b) => a - b)).toEqual([20, 150]);
    // Nothing changes on a second verify.
    expect(await run({ mode: 'verify' })).toMatchObject({ edited: 0, deleted: 0 });
  });

  it('resumes an interrupted verify pass instead of starting over', async () => {
    telegram.addChat({ chat: news, chatType: 'channel', title: 'News' }, 400);
    await run();
    telegram.queries.length = 0;
    telegram.beforeHistory = (_c, _q, call) => {
      if (call === 2) throw flood(7200);
    };
    expect((await run({ mode: 'verify' })).status).toBe('interrupted');
    telegram.beforeHistory = () => undefined;
    telegram.queries.length = 0;
    expect(await run({ mode: 'verify' })).toMatchObject({ status: 'completed', fetched: 200 });
    expect(telegram.queries[0]!.query.offsetId).toBe(201);
    // A fresh verify afterwards starts from the top again.
    telegram.queries.length = 0;
    expect(await run({ mode: 'verify' })).toMatchObject({ fetched: 400 });
  });

  it('reports a chat it cannot read as failed, with Telegram’s reason', async () => {
    telegram.infos.push({ chat: peer('channel', 9), chatType: 'channel', title: 'Secret', topMessageId: 10 });
    const result = await run({ info: telegram.infos.at(-1)! });
    expect(result).toMatchObject({ status: 'failed', chat: 'Secret (-1000000000009)' });
    expect(result.reason).toContain('CHANNEL_PRIVATE');
  });

  it('hands files to the media worker, earlier unfinished ones first, each once', async () => {
    const history = telegram.addChat({ chat: news, chatType: 'channel', title: 'News' }, 5);
    Object.assign(history[1]!, { media: { kind: 'photo', fileId: 'p2', size: 10 } });
    Object.assign(history[3]!, { media: { kind: 'document', fileId: 'd4', size: 10 } });
    const queued: number[][] = [];
    const enqueueMedia = (_c: unknown, id: number) => queued.at(-1)!.push(id);
    queued.push([]);
    await run({}, { enqueueMedia });
    expect(queued[0]).toEqual([4, 2]);
    history.push({ id: 6, date: 1_800_000_000, text: '', media: { kind: 'photo', fileId: 'p6' } });
    queued.push([]);
    await run({}, { enqueueMedia });
    // 4 and 2 have no outcome recorded yet: they are retried, before the new message's file
    expect(queued[1]).toEqual([4, 2, 6]);
  });

  it('stops at --since and records a range run', async () => {
    telegram.addChat({ chat: news, chatType: 'channel', title: 'News' }, 1000, (id) => id * 86_400);
    const result = await run({ since: 900 * 86_400_000 });
    expect(result).toMatchObject({ status: 'completed', mode: 'range', fetched: 200 });
    expect(Math.min(...(await created()))).toBe(801);
  });

  it('reports the other half of a group-to-supergroup migration', async () => {
    telegram.addChat({ chat: news, chatType: 'supergroup', title: 'Team' }, 3);
    telegram.entities.set('c3000', [
      { kind: 'migration', migration: { from: peer('group', 77), to: news, lastMessageId: 41 } },
    ]);
    expect((await run()).linked).toEqual([{ chat: peer('group', 77), lastMessageId: 41 }]);
  });
});
