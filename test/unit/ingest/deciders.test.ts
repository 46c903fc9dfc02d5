// Deciders: given state and an observation, exactly the events of a real change, with stable ids.
import { describe, expect, it } from '@jest/globals';
import type {
  ChatObservation,
  MessageObservation,
  ObservationMeta,
  UserObservation,
} from '../../../src/events/observations.ts';
import type { MessageCreatedV1 } from '../../../src/events/payloads.ts';
import {
  decideChat,
  decideDeletion,
  decideGap,
  decideMessage,
  decideMigration,
  decidePin,
  decideReactions,
  decideUnresolvedDeletion,
  decideUser,
} from '../../../src/ingest/deciders/index.ts';
import {
  EMPTY_CHAT,
  EMPTY_MESSAGE,
  EMPTY_USER,
  evolveChat,
  evolveMessage,
  evolveUser,
  type MessageState,
} from '../../../src/ingest/state.ts';

const ACCOUNT = '1';
const chat = { kind: 'user' as const, id: '2' };
const meta = (source: ObservationMeta['source'] = 'live'): ObservationMeta => ({
  source,
  observedAt: '2024-01-01T00:00:00.000Z',
  layer: 198,
  raw: { _: 'Message' },
});
const created: MessageCreatedV1 = {
  chat,
  messageId: 10,
  date: '2024-01-01T00:00:00.000Z',
  sender: chat,
  outgoing: false,
  text: 'hello',
  entities: [],
};
const seen = (
  message: Partial<MessageCreatedV1> = {},
  extra: Partial<MessageObservation> = {},
): MessageObservation => ({
  kind: 'message',
  message: { ...created, ...message },
  meta: meta(),
  ...extra,
});

/** Applies decided events to the state, as the store would. */
function apply<S extends { version: number }>(
  state: S,
  events: readonly { type: string; data: unknown }[],
  evolve: (s: S, e: any, v: number) => S,
): S {
  return events.reduce((s, e) => evolve(s, e, s.version + 1), state);
}

describe('decideMessage', () => {
  it('creates a message once; the same observation again is no event', () => {
    const events = decideMessage(
      ACCOUNT,
      EMPTY_MESSAGE,
      seen({}, { reactions: { reactions: [] }, pinned: false }),
    );
    expect(events.map((e) => e.type)).toEqual(['MessageCreated']);
    expect(events[0]!.data).toEqual(created);
    expect(events[0]!.metadata).toEqual({
      source: 'live',
      observedAt: meta().observedAt,
      layer: 198,
      raw: { _: 'Message' },
    });
    const state = apply(EMPTY_MESSAGE, events, evolveMessage);
    expect(decideMessage(ACCOUNT, state, seen({}, { reactions: { reactions: [] }, pinned: false }))).toEqual(
      [],
    );
  });

  it('gives the same id to the creation whether the listener or the backfiller saw it', () => {
    const live = decideMessage(ACCOUNT, EMPTY_MESSAGE, seen());
    const backfill = decideMessage(ACCOUNT, EMPTY_MESSAGE, { ...seen(), meta: meta('backfill') });
    expect(backfill[0]!.id).toBe(live[0]!.id);
    expect(backfill[0]!.metadata.source).toBe('backfill');
  });

  it('records initial reactions and pin state with the creation', () => {
    const events = decideMessage(
      ACCOUNT,
      EMPTY_MESSAGE,
      seen({}, { reactions: { reactions: [{ reaction: '👍', count: 2 }] }, pinned: true }),
    );
    expect(events.map((e) => e.type)).toEqual(['MessageCreated', 'MessageReactionsChanged', 'MessagePinned']);
  });

  it('records an edit with a new content; an edit to the same content is no event', () => {
    let state = apply(EMPTY_MESSAGE, decideMessage(ACCOUNT, EMPTY_MESSAGE, seen()), evolveMessage);
    const edit = seen({ text: 'hello!', editDate: '2024-01-01T00:01:00.000Z' });
    const events = decideMessage(ACCOUNT, state, edit);
    expect(events.map((e) => e.type)).toEqual(['MessageEdited']);
    expect(events[0]!.data).toMatchObject({
      text: 'hello!',
      editDate: '2024-01-01T00:01:00.000Z',
      contentHash: expect.any(String),
    });
    state = apply(state, events, evolveMessage);
    expect(decideMessage(ACCOUNT, state, edit)).toEqual([]);
    // Telegram bumps edit_date without a content change (e.g. a re-send): still no event.
    expect(
      decideMessage(ACCOUNT, state, seen({ text: 'hello!', editDate: '2024-01-01T00:02:00.000Z' })),
    ).toEqual([]);
  });

  it('distinguishes edits by edit date and content, so edit A -> B -> A keeps three versions', () => {
    let state = apply(
      EMPTY_MESSAGE,
      decideMessage(ACCOUNT, EMPTY_MESSAGE, seen({ text: 'A' })),
      evolveMessage,
    );
    const ids: string[] = [];
    for (const [text, minute] of [
      ['B', 1],
      ['A', 2],
    ] as const) {
      const events = decideMessage(
        ACCOUNT,
        state,
        seen({ text, editDate: `2024-01-01T00:0${minute}:00.000Z` }),
      );
      expect(events).toHaveLength(1);
      ids.push(events[0]!.id);
      state = apply(state, events, evolveMessage);
    }
    expect(new Set(ids).size).toBe(2);
  });

  it('ignores an observation older than the content it holds (a stale history page)', () => {
    let state = apply(
      EMPTY_MESSAGE,
      decideMessage(ACCOUNT, EMPTY_MESSAGE, seen({ text: 'v1' })),
      evolveMessage,
    );
    state = apply(
      state,
      decideMessage(ACCOUNT, state, seen({ text: 'v2', editDate: '2024-01-02T00:00:00.000Z' })),
      evolveMessage,
    );
    expect(decideMessage(ACCOUNT, state, seen({ text: 'v1' }))).toEqual([]);
  });

  it('records reaction snapshots only when they change, and toggles of the pin state', () => {
    let state = apply(EMPTY_MESSAGE, decideMessage(ACCOUNT, EMPTY_MESSAGE, seen()), evolveMessage);
    const thumbs = { reactions: [{ reaction: '👍', count: 1 }] };
    const first = decideReactions(ACCOUNT, state, chat, 10, thumbs, meta());
    expect(first.map((e) => e.type)).toEqual(['MessageReactionsChanged']);
    state = apply(state, first, evolveMessage);
    expect(
      decideReactions(ACCOUNT, state, chat, 10, { reactions: [{ reaction: '👍', count: 1 }] }, meta()),
    ).toEqual([]);
    const none = decideReactions(ACCOUNT, state, chat, 10, { reactions: [] }, meta());
    expect(none[0]!.data).toMatchObject({ reactions: [] });
    state = apply(state, none, evolveMessage);
    const again = decideReactions(ACCOUNT, state, chat, 10, thumbs, meta());
    expect(again[0]!.id).not.toBe(first[0]!.id);
    expect(decidePin(ACCOUNT, state, chat, 10, false, meta())).toEqual([]);
    const pin = decidePin(ACCOUNT, state, chat, 10, true, meta());
    expect(pin.map((e) => e.type)).toEqual(['MessagePinned']);
    state = apply(state, pin, evolveMessage);
    expect(decidePin(ACCOUNT, state, chat, 10, false, meta()).map((e) => e.type)).toEqual([
      'MessageUnpinned',
    ]);
  });

  it('records a deletion once, also for a message never seen, and nothing changes after it', () => {
    const unseen = decideDeletion(ACCOUNT, EMPTY_MESSAGE, chat, 10, 'lookup', meta('difference'));
    expect(unseen[0]).toMatchObject({
      type: 'MessageDeleted',
      data: { chat, messageId: 10, matchedBy: 'lookup' },
    });
    let state = apply(EMPTY_MESSAGE, decideMessage(ACCOUNT, EMPTY_MESSAGE, seen()), evolveMessage);
    state = apply(state, decideDeletion(ACCOUNT, state, chat, 10, 'peer', meta()), evolveMessage);
    expect(decideDeletion(ACCOUNT, state, chat, 10, 'peer', meta())).toEqual([]);
    expect(
      decideMessage(ACCOUNT, state, seen({ text: 'zombie', editDate: '2030-01-01T00:00:00.000Z' })),
    ).toEqual([]);
    expect(
      decideReactions(ACCOUNT, state, chat, 10, { reactions: [{ reaction: 'x', count: 1 }] }, meta()),
    ).toEqual([]);
  });

  it('leaves unknown reactions and pin state alone (short updates)', () => {
    const state: MessageState = {
      ...EMPTY_MESSAGE,
      version: 3,
      created: true,
      pinned: true,
      reactionsHash: 'abc',
    };
    const events = decideMessage(ACCOUNT, { ...state, contentHash: undefined }, seen());
    expect(events.map((e) => e.type)).toEqual(['MessageEdited']);
  });
});

describe('decideChat, decideMigration, decideUser', () => {
  const channel = { kind: 'channel' as const, id: '70' };
  const observation = (fields: Partial<ChatObservation> = {}): ChatObservation => ({
    kind: 'chat',
    chat: channel,
    chatType: 'channel',
    title: 'News',
    forum: false,
    meta: meta(),
    ...fields,
  });

  it('records a chat when first seen and when a known field changes; unknown fields keep their value', () => {
    let state = EMPTY_CHAT;
    const first = decideChat(ACCOUNT, state, observation({ about: 'daily', participantCount: 10 }));
    expect(first[0]!.data).toEqual({
      chat: channel,
      chatType: 'channel',
      title: 'News',
      forum: false,
      about: 'daily',
      participantCount: 10,
    });
    state = apply(state, first, evolveChat);
    expect(decideChat(ACCOUNT, state, observation())).toEqual([]);
    const renamed = decideChat(ACCOUNT, state, observation({ title: 'Newer' }));
    expect(renamed[0]!.data).toMatchObject({ title: 'Newer', about: 'daily', participantCount: 10 });
    state = apply(state, renamed, evolveChat);
    const back = decideChat(ACCOUNT, state, observation({ title: 'News' }));
    expect(back[0]!.id).not.toBe(first[0]!.id);
    expect(decideChat(ACCOUNT, state, observation({ title: 'Newer', photoId: '5' }))).toHaveLength(1);
  });

  it('records a migration once, on the old group', () => {
    const migration = {
      kind: 'migration' as const,
      migration: { from: { kind: 'group' as const, id: '60' }, to: channel, lastMessageId: 30 },
      meta: meta(),
    };
    const events = decideMigration(ACCOUNT, EMPTY_CHAT, migration);
    expect(events[0]).toMatchObject({ type: 'ChatMigrated', data: migration.migration });
    const state = apply(EMPTY_CHAT, events, evolveChat);
    expect(
      decideMigration(ACCOUNT, state, {
        ...migration,
        migration: { ...migration.migration, lastMessageId: undefined },
      }),
    ).toEqual([]);
  });

  it('records user renames; a rename update keeps the known bot flag', () => {
    const user = (fields: Partial<UserObservation>): UserObservation => ({
      kind: 'user',
      userId: '2',
      meta: meta(),
      ...fields,
    });
    let state = EMPTY_USER;
    const first = decideUser(
      ACCOUNT,
      state,
      user({ firstName: 'Alice', username: 'alice', bot: false, deleted: false }),
    );
    expect(first[0]!.data).toEqual({ userId: '2', firstName: 'Alice', username: 'alice', bot: false });
    state = apply(state, first, evolveUser);
    expect(decideUser(ACCOUNT, state, user({ firstName: 'Alice', username: 'alice' }))).toEqual([]);
    const renamed = decideUser(ACCOUNT, state, user({ firstName: 'Ally' }));
    expect(renamed[0]!.data).toEqual({ userId: '2', firstName: 'Ally', bot: false });
  });
});

describe('account facts', () => {
  it('identifies an unresolved deletion by its ids and a gap by its bounds', () => {
    const a = decideUnresolvedDeletion(ACCOUNT, [5, 3], 'no message with these ids is known', meta());
    const b = decideUnresolvedDeletion(ACCOUNT, [3, 5], 'no message with these ids is known', {
      ...meta(),
      observedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(a[0]!.id).toBe(b[0]!.id);
    expect(a[0]!.data).toMatchObject({ messageIds: [3, 5] });
    const gap = decideGap(
      ACCOUNT,
      { reason: 'differenceTooLong', fromPts: 1, toPts: 9, backfillRequested: true },
      meta(),
    );
    expect(gap[0]).toMatchObject({ type: 'GapDetected', data: { backfillRequested: true } });
  });
});
