// The backfill's capture through the shared recorder: counts of what was written, deletions proven
// by a page recorded as matched by verify, and facts the listener already stored written once.
import { describe, expect, it } from '@jest/globals';
import type { MessageObservation, Observation, ObservationMeta } from '../../../src/events/observations.ts';
import { peer, streams } from '../../../src/events/peers.ts';
import { MemoryEventStore } from '../../../src/eventstore/memory.ts';
import { recorderCapture } from '../../../src/ingest/backfill/recorder-capture.ts';
import { EventStoreMessageLocator } from '../../../src/ingest/message-locator.ts';
import { Recorder } from '../../../src/ingest/recorder.ts';
import { silentLogger } from '../../../src/log/logger.ts';

const ACCOUNT = '1';
const news = peer('channel', 70);
const backfill: ObservationMeta = { source: 'backfill', observedAt: '2024-01-02T00:00:00.000Z' };
const live: ObservationMeta = { source: 'live', observedAt: '2024-01-01T00:00:00.000Z' };
const message = (id: number, text: string, meta = backfill, editDate?: string): MessageObservation => ({
  kind: 'message',
  message: {
    chat: news,
    messageId: id,
    date: '2024-01-01T00:00:00.000Z',
    outgoing: false,
    text,
    entities: [],
    ...(editDate ? { editDate } : {}),
  },
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
  return { store, recorder, capture: recorderCapture(recorder, () => new Date('2024-01-03T00:00:00.000Z')) };
}

const page = (messages: MessageObservation[], deletedIds: number[] = [], entities: Observation[] = []) => ({
  chat: news,
  messages,
  entities,
  deletedIds,
  runId: 'r',
});

describe('recorderCapture', () => {
  it('counts what it wrote, and nothing for facts the listener already stored', async () => {
    const { recorder, capture, store } = setup();
    await recorder.record([message(2, 'seen live', live)]);
    const counts = await capture.capture(
      page([message(3, 'new'), message(2, 'seen live'), message(1, 'old')]),
    );
    expect(counts).toEqual({ created: 2, edited: 0, deleted: 0 });
    const stream = await store.readStream(streams.message(ACCOUNT, news, 2));
    expect(stream.map((e) => [e.type, e.metadata.source])).toEqual([['MessageCreated', 'live']]);
    expect(await capture.capture(page([message(3, 'new v2', backfill, '2024-01-02T00:00:00.000Z')]))).toEqual(
      {
        created: 0,
        edited: 1,
        deleted: 0,
      },
    );
  });

  it('records messages a page proved gone as deleted, matched by verify, once', async () => {
    const { capture, store } = setup();
    await capture.capture(page([message(5, 'a'), message(4, 'b')]));
    expect(await capture.capture(page([message(5, 'a')], [4]))).toEqual({
      created: 0,
      edited: 0,
      deleted: 1,
    });
    const [, deleted] = await store.readStream(streams.message(ACCOUNT, news, 4));
    expect(deleted).toMatchObject({
      type: 'MessageDeleted',
      data: { chat: news, messageId: 4, matchedBy: 'verify', observedAt: '2024-01-03T00:00:00.000Z' },
      metadata: { source: 'backfill' },
    });
    expect(await capture.capture(page([], [4]))).toEqual({ created: 0, edited: 0, deleted: 0 });
  });

  it('records the chats and users that came with the page, ignoring fetch hints', async () => {
    const { capture, store } = setup();
    await capture.capture(
      page(
        [],
        [],
        [
          { kind: 'chat', chat: news, chatType: 'channel', title: 'News', forum: false, meta: backfill },
          { kind: 'user', userId: '9', firstName: 'Ann', bot: false, meta: backfill },
          { kind: 'chatChanged', chat: news, meta: backfill },
        ],
      ),
    );
    expect((await store.readAll()).map((e) => e.type).sort()).toEqual(['ChatObserved', 'UserObserved']);
  });

  it('records a private chat as a chat, from its user', async () => {
    const { capture, store } = setup();
    const ann = peer('user', 9);
    await capture.capture({
      ...page(
        [],
        [],
        [{ kind: 'user', userId: '9', firstName: 'Ann', username: 'ann_n', bot: false, meta: backfill }],
      ),
      chat: ann,
    });
    const [chat] = await store.readStream(streams.chat(ACCOUNT, ann));
    expect(chat).toMatchObject({
      type: 'ChatObserved',
      data: { chat: ann, chatType: 'private', title: 'Ann' },
    });
  });
});
