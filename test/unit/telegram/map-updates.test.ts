// Mapping of gramjs update containers, differences, chats and users, on constructed TL objects.
import { describe, expect, it } from '@jest/globals';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { mapChat, mapFullChat, mapUser, privateChatOf } from '../../../src/telegram/map/chats.ts';
import type { MapContext } from '../../../src/telegram/map/common.ts';
import { mapChannelDifference, mapDifference, mapUpdates } from '../../../src/telegram/map/updates.ts';

const context: MapContext = {
  selfId: '1',
  source: 'live',
  observedAt: '2024-01-01T00:00:00.000Z',
  keepRaw: false,
};
const user = (id: number) => new Api.PeerUser({ userId: bigInt(id) });
const msg = (id: number, peerId: Api.TypePeer, text = 't') =>
  new Api.Message({ id, peerId, date: 1_700_000_000, message: text } as any);
const state = (pts: number) => new Api.updates.State({ pts, qts: 0, date: 5, seq: 3, unreadCount: 0 });

describe('mapUpdates', () => {
  it('puts every pts update of a container into its box, with the container seq and entities', () => {
    const event = mapUpdates(
      new Api.Updates({
        updates: [
          new Api.UpdateNewMessage({ message: msg(10, user(2)), pts: 101, ptsCount: 1 }),
          new Api.UpdateNewChannelMessage({
            message: msg(4, new Api.PeerChannel({ channelId: bigInt(70) })),
            pts: 9,
            ptsCount: 1,
          }),
          new Api.UpdateDeleteMessages({ messages: [3, 4], pts: 103, ptsCount: 2 }),
          new Api.UpdateDeleteChannelMessages({ channelId: bigInt(70), messages: [2], pts: 10, ptsCount: 1 }),
          new Api.UpdateReadHistoryInbox({
            peer: user(2),
            maxId: 10,
            stillUnreadCount: 0,
            pts: 104,
            ptsCount: 1,
          }),
          new Api.UpdateMessageReactions({
            peer: user(2),
            msgId: 10,
            reactions: new Api.MessageReactions({ results: [] }),
          }),
        ],
        users: [new Api.User({ id: bigInt(2), firstName: 'Alice', accessHash: bigInt(5) })],
        chats: [
          new Api.Channel({
            id: bigInt(70),
            title: 'News',
            photo: new Api.ChatPhotoEmpty(),
            date: 1,
            broadcast: true,
          }),
        ],
        date: 1_700_000_000,
        seq: 12,
      }),
      context,
    );
    expect(event?.kind).toBe('updates');
    if (event?.kind !== 'updates') return;
    const { batch } = event;
    expect(batch.seq).toBe(12);
    expect(batch.seqStart).toBe(12);
    expect(batch.items.map((i) => [i.box, i.pts, i.ptsCount, i.observations.map((o) => o.kind)])).toEqual([
      [{ kind: 'common' }, 101, 1, ['message']],
      [{ kind: 'channel', channelId: '70' }, 9, 1, ['message']],
      [{ kind: 'common' }, 103, 2, ['deletion']],
      [{ kind: 'channel', channelId: '70' }, 10, 1, ['deletion']],
      [{ kind: 'common' }, 104, 1, []],
      [undefined, undefined, undefined, ['reactions']],
    ]);
    expect(batch.items[2]!.observations[0]).toMatchObject({ kind: 'deletion', messageIds: [3, 4] });
    expect(batch.items[2]!.observations[0]).not.toHaveProperty('chat');
    expect(batch.items[3]!.observations[0]).toMatchObject({
      chat: { kind: 'channel', id: '70' },
      messageIds: [2],
    });
    expect(batch.entities.map((e) => e.kind)).toEqual(['user', 'chat']);
  });

  it('maps pins, chat changes, renames and channelTooLong', () => {
    const event = mapUpdates(
      new Api.Updates({
        updates: [
          new Api.UpdatePinnedMessages({ pinned: true, peer: user(2), messages: [5], pts: 7, ptsCount: 1 }),
          new Api.UpdatePinnedChannelMessages({ channelId: bigInt(70), messages: [6], pts: 3, ptsCount: 1 }),
          new Api.UpdateChannel({ channelId: bigInt(70) }),
          new Api.UpdateChat({ chatId: bigInt(60) }),
          new Api.UpdateUserName({
            userId: bigInt(2),
            firstName: 'Ally',
            lastName: '',
            usernames: [new Api.Username({ username: 'ally', active: true })],
          }),
          new Api.UpdateChannelTooLong({ channelId: bigInt(70), pts: 40 }),
        ],
        users: [],
        chats: [],
        date: 1,
        seq: 0,
      }),
      context,
    );
    if (event?.kind !== 'updates') throw new Error('expected updates');
    const [pin, unpin, channel, chat, rename, tooLong] = event.batch.items;
    expect(pin!.observations[0]).toMatchObject({
      kind: 'pins',
      chat: { kind: 'user', id: '2' },
      messageIds: [5],
      pinned: true,
    });
    expect(unpin!.observations[0]).toMatchObject({
      kind: 'pins',
      chat: { kind: 'channel', id: '70' },
      pinned: false,
    });
    expect(unpin!.box).toEqual({ kind: 'channel', channelId: '70' });
    expect(channel!.observations[0]).toMatchObject({
      kind: 'chatChanged',
      chat: { kind: 'channel', id: '70' },
    });
    expect(chat!.observations[0]).toMatchObject({ kind: 'chatChanged', chat: { kind: 'group', id: '60' } });
    expect(rename!.observations[0]).toEqual({
      kind: 'user',
      userId: '2',
      firstName: 'Ally',
      username: 'ally',
      meta: expect.anything(),
    });
    expect(tooLong!.channelTooLong).toEqual({ channelId: '70', pts: 40 });
    expect(tooLong!.box).toBeUndefined();
  });

  it('maps short updates and UpdatesTooLong', () => {
    const short = mapUpdates(
      new Api.UpdateShortMessage({ id: 5, userId: bigInt(2), message: 'hi', pts: 50, ptsCount: 1, date: 9 }),
      context,
    );
    if (short?.kind !== 'updates') throw new Error('expected updates');
    expect(short.batch.items[0]).toMatchObject({ box: { kind: 'common' }, pts: 50, ptsCount: 1 });
    expect(short.batch.items[0]!.observations[0]!.kind).toBe('message');
    const sent = mapUpdates(
      new Api.UpdateShortSentMessage({ id: 6, pts: 51, ptsCount: 1, date: 9 }),
      context,
    );
    if (sent?.kind !== 'updates') throw new Error('expected updates');
    expect(sent.batch.items[0]).toMatchObject({ pts: 51, observations: [] });
    expect(mapUpdates(new Api.UpdatesTooLong(), context)).toEqual({ kind: 'tooLong' });
    const combined = mapUpdates(
      new Api.UpdatesCombined({ updates: [], users: [], chats: [], date: 1, seqStart: 4, seq: 6 }),
      context,
    );
    expect(combined).toMatchObject({ batch: { seqStart: 4, seq: 6 } });
  });
});

describe('mapDifference', () => {
  it('maps empty, tooLong, slices and final differences', () => {
    expect(mapDifference(new Api.updates.DifferenceEmpty({ date: 5, seq: 2 }), context)).toEqual({
      kind: 'empty',
      date: 5,
      seq: 2,
    });
    expect(mapDifference(new Api.updates.DifferenceTooLong({ pts: 900 }), context)).toEqual({
      kind: 'tooLong',
      pts: 900,
    });
    const body = {
      newMessages: [msg(11, user(2), 'missed')],
      newEncryptedMessages: [],
      otherUpdates: [
        new Api.UpdateEditMessage({ message: msg(10, user(2), 'edited'), pts: 102, ptsCount: 1 }),
        new Api.UpdateChannelTooLong({ channelId: bigInt(70), pts: 44 }),
      ],
      chats: [],
      users: [],
    };
    const slice = mapDifference(
      new Api.updates.DifferenceSlice({ ...body, intermediateState: state(102) }),
      context,
    );
    expect(slice).toMatchObject({
      kind: 'difference',
      final: false,
      state: { pts: 102, qts: 0, date: 5, seq: 3 },
    });
    if (slice.kind !== 'difference') return;
    expect(slice.items.map((i) => i.observations.map((o) => o.kind))).toEqual([['message'], ['message'], []]);
    // Inside a difference the box is carried forward by the state, not by the items.
    expect(slice.items.every((i) => i.pts === undefined)).toBe(true);
    expect(slice.items[2]!.channelTooLong).toEqual({ channelId: '70', pts: 44 });
    const final = mapDifference(new Api.updates.Difference({ ...body, state: state(103) }), context);
    expect(final).toMatchObject({ kind: 'difference', final: true, state: { pts: 103 } });
  });

  it('maps channel differences, including tooLong with the latest messages', () => {
    expect(
      mapChannelDifference(
        new Api.updates.ChannelDifferenceEmpty({ final: true, pts: 9, timeout: 30 }),
        context,
      ),
    ).toEqual({ kind: 'empty', pts: 9, final: true });
    const channelPeer = new Api.PeerChannel({ channelId: bigInt(70) });
    const difference = mapChannelDifference(
      new Api.updates.ChannelDifference({
        final: false,
        pts: 12,
        newMessages: [msg(5, channelPeer)],
        otherUpdates: [
          new Api.UpdateDeleteChannelMessages({ channelId: bigInt(70), messages: [1], pts: 12, ptsCount: 1 }),
        ],
        chats: [],
        users: [],
      }),
      context,
    );
    expect(difference).toMatchObject({ kind: 'difference', pts: 12, final: false });
    const tooLong = mapChannelDifference(
      new Api.updates.ChannelDifferenceTooLong({
        final: true,
        dialog: new Api.Dialog({
          peer: channelPeer,
          topMessage: 30,
          readInboxMaxId: 0,
          readOutboxMaxId: 0,
          unreadCount: 0,
          unreadMentionsCount: 0,
          unreadReactionsCount: 0,
          notifySettings: new Api.PeerNotifySettings({}),
          pts: 500,
        }),
        messages: [msg(30, channelPeer), msg(29, channelPeer)],
        chats: [],
        users: [],
      }),
      context,
    );
    expect(tooLong).toMatchObject({ kind: 'tooLong', pts: 500 });
    if (tooLong.kind === 'tooLong')
      expect(tooLong.messages.map((m) => m.message.messageId)).toEqual([30, 29]);
  });
});

describe('mapChat and mapUser', () => {
  it('maps basic groups, channels and supergroups; skips min channels', () => {
    const [group, migration] = mapChat(
      new Api.Chat({
        id: bigInt(60),
        title: 'Family',
        photo: new Api.ChatPhoto({ photoId: bigInt(99), dcId: 2 }),
        participantsCount: 3,
        date: 1,
        version: 1,
        migratedTo: new Api.InputChannel({ channelId: bigInt(70), accessHash: bigInt(1) }),
      }),
      context,
    );
    expect(group).toMatchObject({
      kind: 'chat',
      chat: { kind: 'group', id: '60' },
      chatType: 'group',
      title: 'Family',
      photoId: '99',
      participantCount: 3,
    });
    expect(migration).toMatchObject({
      kind: 'migration',
      migration: { from: { kind: 'group', id: '60' }, to: { kind: 'channel', id: '70' } },
    });
    const [forum] = mapChat(
      new Api.Channel({
        id: bigInt(71),
        title: 'Builders',
        photo: new Api.ChatPhotoEmpty(),
        date: 1,
        megagroup: true,
        forum: true,
        usernames: [
          new Api.Username({ username: 'old' }),
          new Api.Username({ username: 'builders', active: true }),
        ],
      }),
      context,
    );
    expect(forum).toMatchObject({ chatType: 'supergroup', forum: true, username: 'builders' });
    expect(forum).not.toHaveProperty('participantCount');
    expect(
      mapChat(
        new Api.Channel({ id: bigInt(72), title: 'x', photo: new Api.ChatPhotoEmpty(), date: 1, min: true }),
        context,
      ),
    ).toEqual([]);
  });

  it('maps users and the private chat named after them', () => {
    const alice = mapUser(
      new Api.User({ id: bigInt(2), firstName: 'Alice', lastName: 'Liddell', username: 'alice' }),
      context,
    )!;
    expect(alice).toMatchObject({
      userId: '2',
      firstName: 'Alice',
      lastName: 'Liddell',
      username: 'alice',
      bot: false,
      deleted: false,
    });
    expect(privateChatOf(alice)).toMatchObject({
      chat: { kind: 'user', id: '2' },
      chatType: 'private',
      title: 'Alice Liddell',
    });
    const bot = mapUser(new Api.User({ id: bigInt(3), firstName: 'Helper', bot: true }), context)!;
    expect(privateChatOf(bot).chatType).toBe('bot');
    expect(mapUser(new Api.User({ id: bigInt(4), min: true }), context)).toBeUndefined();
  });

  it('adds about and participant count from the full chat', () => {
    const full = mapFullChat(
      new Api.messages.ChatFull({
        fullChat: new Api.ChannelFull({
          id: bigInt(70),
          about: 'What shipped',
          participantsCount: 1234,
          readInboxMaxId: 0,
          readOutboxMaxId: 0,
          unreadCount: 0,
          chatPhoto: new Api.PhotoEmpty({ id: bigInt(0) }),
          notifySettings: new Api.PeerNotifySettings({}),
          botInfo: [],
          pts: 5,
        }),
        chats: [
          new Api.Channel({
            id: bigInt(70),
            title: 'News',
            photo: new Api.ChatPhotoEmpty(),
            date: 1,
            broadcast: true,
          }),
        ],
        users: [],
      }),
      context,
    );
    expect(full).toEqual([
      expect.objectContaining({
        kind: 'chat',
        chatType: 'channel',
        about: 'What shipped',
        participantCount: 1234,
      }),
    ]);
  });
});
