import { describe, expect, it } from '@jest/globals';
import type { DomainEvent } from '../../../src/events/catalogue.ts';
import type { StoredEvent } from '../../../src/events/envelope.ts';
import { peer, streams } from '../../../src/events/peers.ts';
import type { ReadAllOptions } from '../../../src/eventstore/port.ts';
import { loadArchiveIndex, pendingMedia, spansOf } from '../../../src/ingest/backfill/archive-index.ts';

const chat = peer('channel', 3000);
const other = peer('channel', 30001);

function fakeStore(events: DomainEvent[]) {
  const stored = events.map((e, i) => {
    const data = e.data as { chat: typeof chat; messageId: number };
    return {
      ...e,
      id: `e${i}`,
      stream: streams.message('1', data.chat, data.messageId),
      streamVersion: 0,
      globalPosition: String(i + 1),
      recordedAt: '',
      metadata: { source: 'backfill', observedAt: '', schemaVersion: 1 },
    } as StoredEvent;
  });
  const calls: ReadAllOptions[] = [];
  return {
    calls,
    readAll: async (o: ReadAllOptions = {}) => {
      calls.push(o);
      return stored
        .filter((e) => Number(e.globalPosition) > Number(o.after ?? 0))
        .filter((e) => !o.streamPrefix || e.stream.startsWith(o.streamPrefix))
        .filter((e) => !o.types || o.types.includes(e.type))
        .slice(0, o.limit);
    },
  };
}

const created = (
  messageId: number,
  c = chat,
  media?: { kind: 'photo' | 'poll'; fileId?: string },
): DomainEvent => ({
  type: 'MessageCreated',
  data: {
    chat: c,
    messageId,
    date: new Date(messageId * 1000).toISOString(),
    outgoing: false,
    text: '',
    entities: [],
    media,
  },
});

describe('loadArchiveIndex', () => {
  it('folds the chat’s message events into ids, dates, deletions and media outcomes', async () => {
    const store = fakeStore([
      created(1),
      created(2, chat, { kind: 'photo', fileId: 'p2' }),
      created(3, chat, { kind: 'poll' }),
      created(4, chat, { kind: 'photo', fileId: 'p4' }),
      created(5, chat, { kind: 'photo', fileId: 'p5' }),
      created(1, other),
      { type: 'MessageDeleted', data: { chat, messageId: 1, observedAt: '', matchedBy: 'peer' } },
      {
        type: 'MediaDownloaded',
        data: { chat, messageId: 2, sha256: 'x', size: 1, mimeType: 'image/jpeg', extension: 'jpg' },
      },
      { type: 'MediaSkipped', data: { chat, messageId: 5, reason: 'too-large' } },
      {
        type: 'MessageEdited',
        data: {
          chat,
          messageId: 5,
          contentHash: 'h',
          text: '',
          entities: [],
          media: { kind: 'photo', fileId: 'p5b' },
        },
      },
    ]);
    const index = await loadArchiveIndex(store, '1', chat);
    expect([...index.messages.keys()].sort()).toEqual([2, 3, 4, 5]);
    expect([...index.deleted]).toEqual([1]);
    expect([...index.present].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(index.messages.get(3)).toEqual({ id: 3, date: 3000 });
    expect(pendingMedia(index).map((m) => m.id)).toEqual([4, 5]);
    expect(spansOf(index)).toEqual([{ from: 2, to: 5, fromDate: 2000, toDate: 5000 }]);
    expect(store.calls[0]!.streamPrefix).toBe('message-1.c3000.');
  });

  it('pages through large archives', async () => {
    const store = fakeStore(Array.from({ length: 12_001 }, (_, i) => created(i + 1)));
    const index = await loadArchiveIndex(store, '1', chat);
    expect(index.messages.size).toBe(12_001);
    expect(store.calls.map((c) => c.after)).toEqual([undefined, '5000', '10000']);
  });
});
