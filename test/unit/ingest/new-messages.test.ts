import { describe, expect, it } from '@jest/globals';
import type { MessageObservation } from '../../../src/events/observations.ts';
import { peer, streams } from '../../../src/events/peers.ts';
import { MemoryEventStore } from '../../../src/eventstore/memory.ts';
import { NewMessageStates } from '../../../src/ingest/backfill/new-messages.ts';
import { EventStoreMessageLocator } from '../../../src/ingest/message-locator.ts';
import { Recorder } from '../../../src/ingest/recorder.ts';
import { EMPTY_MESSAGE } from '../../../src/ingest/state.ts';
import { silentLogger } from '../../../src/log/logger.ts';

const news = peer('channel', 70);
const other = peer('channel', 71);
const ask = (chat: typeof news, messageId: number) => ({
  stream: streams.message('1', chat, messageId),
  chat,
  messageId,
});

describe('NewMessageStates', () => {
  it('answers "new" only for ids absent from a tracked chat, until untracked', async () => {
    const loader = new NewMessageStates();
    const untrack = loader.track(news, new Set([1, 2]));
    const states = await loader.load([ask(news, 1), ask(news, 3), ask(other, 3)]);
    expect([...states.entries()]).toEqual([[streams.message('1', news, 3), EMPTY_MESSAGE]]);
    untrack();
    expect((await loader.load([ask(news, 3)])).size).toBe(0);
  });

  it('costs a retry, never a wrong event, when another writer created the stream meanwhile', async () => {
    const store = new MemoryEventStore();
    const loader = new NewMessageStates();
    const make = (stateLoader?: NewMessageStates) =>
      new Recorder({
        store,
        account: '1',
        locator: new EventStoreMessageLocator(store, '1'),
        logger: silentLogger,
        stateLoader,
      });
    const listener = make();
    const backfill = make(loader);
    loader.track(news, new Set());
    const message = (text: string, editDate?: string): MessageObservation => ({
      kind: 'message',
      message: {
        chat: news,
        messageId: 5,
        date: '2024-01-01T00:00:00.000Z',
        outgoing: false,
        text,
        entities: [],
        ...(editDate ? { editDate } : {}),
      },
      meta: { source: 'backfill', observedAt: '2024-01-02T00:00:00.000Z' },
    });
    await listener.record([message('edited', '2024-01-01T01:00:00.000Z')]);
    const outcome = await backfill.record([message('edited', '2024-01-01T01:00:00.000Z')]);
    expect(outcome.appended).toBe(0);
    expect((await store.readStream(streams.message('1', news, 5))).map((e) => e.type)).toEqual([
      'MessageCreated',
    ]);
  });
});
