// The recorder on the in-memory event store: observations in, only real changes appended, peerless
// deletions matched or kept as unresolved, concurrent writers handled by deciding again.
import { describe, expect, it } from '@jest/globals';
import type { MessageObservation, ObservationMeta } from '../../../src/events/observations.ts';
import { streams } from '../../../src/events/peers.ts';
import { MemoryEventStore } from '../../../src/eventstore/memory.ts';
import { EventStoreMessageLocator } from '../../../src/ingest/message-locator.ts';
import { Recorder } from '../../../src/ingest/recorder.ts';
import { foldMessage } from '../../../src/ingest/state.ts';
import { silentLogger } from '../../../src/log/logger.ts';

const ACCOUNT = '1';
const alice = { kind: 'user' as const, id: '2' };
const news = { kind: 'channel' as const, id: '70' };
const meta: ObservationMeta = { source: 'live', observedAt: '2024-01-01T00:00:00.000Z' };
const message = (
  chat: typeof alice | typeof news,
  id: number,
  text: string,
  editDate?: string,
): MessageObservation => ({
  kind: 'message',
  message: {
    chat,
    messageId: id,
    date: '2024-01-01T00:00:00.000Z',
    outgoing: false,
    text,
    entities: [],
    ...(editDate ? { editDate } : {}),
  },
  reactions: { reactions: [] },
  pinned: false,
  meta,
});

function setup() {
  const store = new MemoryEventStore();
  const recorder = new Recorder({
    store,
    account: ACCOUNT,
    locator: new EventStoreMessageLocator(store, ACCOUNT),
    logger: silentLogger,
  });
  const types = async (stream: string) => (await store.readStream(stream)).map((e) => e.type);
  return { store, recorder, types };
}

describe('Recorder', () => {
  it('reports the files written events bring: a new message, and an edit that swaps the file', async () => {
    const { recorder } = setup();
    const photo = { kind: 'photo' as const, fileId: 'p1', size: 10 };
    const withMedia = (text: string, media: typeof photo | undefined, editDate?: string) => {
      const base = message(alice, 7, text, editDate);
      return { ...base, message: { ...base.message, ...(media ? { media } : {}) } };
    };
    const files = async (o: MessageObservation) => (await recorder.record([o])).files;
    expect(await files(withMedia('look', photo))).toEqual([
      { chat: alice, messageId: 7, media: photo, source: 'live' },
    ]);
    expect(await files(withMedia('look', photo))).toEqual([]); // seen again: nothing new
    expect(await files(withMedia('caption edit', photo, '2024-01-02T00:00:00.000Z'))).toEqual([]);
    const doc = { kind: 'document' as const, fileId: 'd1', size: 20 };
    expect(await files(withMedia('swapped', doc as never, '2024-01-03T00:00:00.000Z'))).toEqual([
      { chat: alice, messageId: 7, media: doc, source: 'live' },
    ]);
    // A poll is no file, and a message without media brings none.
    const poll = { kind: 'poll' as const, details: { question: 'why?' } };
    expect(await files(withMedia('poll', poll as never, '2024-01-04T00:00:00.000Z'))).toEqual([]);
    expect(await files(message(alice, 8, 'plain'))).toEqual([]);
  });

  it('appends a new message once and nothing for the same observation again', async () => {
    const { recorder, types } = setup();
    expect(await recorder.record([message(alice, 5, 'hi')])).toEqual({
      appended: 1,
      unresolved: [],
      written: { MessageCreated: 1 },
      files: [],
    });
    expect(await recorder.record([message(alice, 5, 'hi')])).toEqual({
      appended: 0,
      unresolved: [],
      written: {},
      files: [],
    });
    await recorder.record([message(alice, 5, 'hi!', '2024-01-01T00:01:00.000Z')]);
    expect(await types(streams.message(ACCOUNT, alice, 5))).toEqual(['MessageCreated', 'MessageEdited']);
  });

  it('applies several observations of one stream in order within one call', async () => {
    const { recorder, types } = setup();
    await recorder.record([
      message(alice, 5, 'a'),
      message(alice, 5, 'b', '2024-01-01T00:01:00.000Z'),
      {
        kind: 'reactions',
        chat: alice,
        messageId: 5,
        snapshot: { reactions: [{ reaction: '👍', count: 1 }] },
        meta,
      },
      { kind: 'pins', chat: alice, messageIds: [5], pinned: true, meta },
    ]);
    expect(await types(streams.message(ACCOUNT, alice, 5))).toEqual([
      'MessageCreated',
      'MessageEdited',
      'MessageReactionsChanged',
      'MessagePinned',
    ]);
  });

  it('matches a peerless deletion to its chat and keeps unknown ids as DeletionUnresolved', async () => {
    const { recorder, store, types } = setup();
    await recorder.record([message(alice, 5, 'hi'), message(news, 5, 'same id in a channel')]);
    const outcome = await recorder.record([{ kind: 'deletion', messageIds: [5, 404], meta }]);
    expect(outcome.unresolved).toEqual([404]);
    const deleted = await store.readStream(streams.message(ACCOUNT, alice, 5));
    expect(deleted.at(-1)).toMatchObject({ type: 'MessageDeleted', data: { matchedBy: 'lookup' } });
    expect(await types(streams.message(ACCOUNT, news, 5))).toEqual(['MessageCreated']);
    const account = await store.readStream(streams.account(ACCOUNT));
    expect(account.map((e) => [e.type, e.data])).toEqual([
      ['DeletionUnresolved', expect.objectContaining({ messageIds: [404] })],
    ]);
    // The same deletion seen again (after a restart, through getDifference) adds nothing.
    expect(await recorder.record([{ kind: 'deletion', messageIds: [5, 404], meta }])).toMatchObject({
      appended: 0,
    });
  });

  it('records channel deletions with their peer', async () => {
    const { recorder, store } = setup();
    await recorder.record([{ kind: 'deletion', chat: news, messageIds: [9], meta }]);
    const [deleted] = await store.readStream(streams.message(ACCOUNT, news, 9));
    expect(deleted).toMatchObject({ type: 'MessageDeleted', data: { matchedBy: 'peer' } });
  });

  it('decides again when another writer moved the stream on', async () => {
    const { store, recorder } = setup();
    const other = new Recorder({
      store,
      account: ACCOUNT,
      locator: new EventStoreMessageLocator(store, ACCOUNT),
      logger: silentLogger,
    });
    await recorder.record([message(alice, 5, 'v1')]);
    await other.record([message(alice, 5, 'v2', '2024-01-01T00:01:00.000Z')]);
    // `recorder` still caches the state before v2; the append conflicts, it reloads and decides on v2.
    await recorder.record([message(alice, 5, 'v2', '2024-01-01T00:01:00.000Z')]);
    await recorder.record([message(alice, 5, 'v3', '2024-01-01T00:02:00.000Z')]);
    const texts = (await store.readStream(streams.message(ACCOUNT, alice, 5))).map(
      (e) => (e.data as { text: string }).text,
    );
    expect(texts).toEqual(['v1', 'v2', 'v3']);
  });

  it('records users, chats, gaps and the linked account idempotently', async () => {
    const { recorder, store } = setup();
    await recorder.record([
      { kind: 'user', userId: '2', firstName: 'Alice', bot: false, meta },
      { kind: 'chat', chat: news, chatType: 'channel', title: 'News', forum: false, meta },
    ]);
    expect(await recorder.record([{ kind: 'user', userId: '2', firstName: 'Alice', meta }])).toMatchObject({
      appended: 0,
    });
    await recorder.linkAccount({ userId: '1', firstName: 'Me' }, meta);
    await recorder.linkAccount({ userId: '1', firstName: 'Me' }, meta);
    await recorder.recordGap(
      { reason: 'differenceTooLong', fromPts: 1, toPts: 500, backfillRequested: true },
      meta,
    );
    const account = await store.readStream(streams.account(ACCOUNT));
    expect(account.map((e) => e.type)).toEqual(['AccountLinked', 'GapDetected']);
    expect((await store.readStream(streams.user(ACCOUNT, '2'))).length).toBe(1);
  });
});

describe('Recorder with a batch state loader', () => {
  it('loads a page of states in one call, and decides on the stream when the loader lags behind', async () => {
    const store = new MemoryEventStore();
    const plain = new Recorder({
      store,
      account: ACCOUNT,
      locator: new EventStoreMessageLocator(store, ACCOUNT),
      logger: silentLogger,
    });
    await plain.record([message(alice, 1, 'one'), message(alice, 2, 'two')]);
    await plain.record([message(alice, 1, 'one!', '2024-01-01T00:01:00.000Z')]);
    const [createdOne] = await store.readStream(streams.message(ACCOUNT, alice, 1));
    const calls: number[] = [];
    // A read model that has seen only the creation of message 1 (it lags the edit) and nothing of 2.
    const lagging = {
      load: async (refs: readonly { stream: string; messageId: number }[]) => {
        calls.push(refs.length);
        const stale = foldMessage([createdOne!]);
        return new Map(refs.filter((r) => r.messageId === 1).map((r) => [r.stream, stale]));
      },
    };
    const recorder = new Recorder({
      store,
      account: ACCOUNT,
      locator: new EventStoreMessageLocator(store, ACCOUNT),
      logger: silentLogger,
      stateLoader: lagging,
    });
    const outcome = await recorder.record([
      message(alice, 1, 'one!!', '2024-01-01T00:02:00.000Z'),
      message(alice, 2, 'two'),
      message(alice, 3, 'three'),
    ]);
    expect(calls).toEqual([3]);
    // The stale state made the first append conflict; decided again on the stream, one new edit.
    expect(outcome.appended).toBe(2);
    const one = await store.readStream(streams.message(ACCOUNT, alice, 1));
    expect(one.map((e) => [e.type, (e.data as { text: string }).text])).toEqual([
      ['MessageCreated', 'one'],
      ['MessageEdited', 'one!'],
      ['MessageEdited', 'one!!'],
    ]);
  });
});
