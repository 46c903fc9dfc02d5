// Mapping of gramjs messages to observations, on constructed TL objects (no network).
import { describe, expect, it } from '@jest/globals';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import type { MapContext } from '../../../src/telegram/map/common.ts';
import { mapMessage, mapMessageObservations, mapShortMessage } from '../../../src/telegram/map/message.ts';

const context: MapContext = {
  selfId: '1',
  source: 'live',
  observedAt: '2024-01-01T00:00:00.000Z',
  layer: 198,
};
const user = (id: number) => new Api.PeerUser({ userId: bigInt(id) });
const channel = (id: number) => new Api.PeerChannel({ channelId: bigInt(id) });
const message = (fields: Record<string, unknown>) =>
  new Api.Message({ id: 7, date: 1_700_000_000, message: '', peerId: user(2), ...fields } as any);

describe('mapMessage', () => {
  it('maps text, entities, reply, forward and edit date into the MessageCreated shape', () => {
    const observation = mapMessage(
      message({
        message: 'hello world',
        fromId: user(2),
        entities: [
          new Api.MessageEntityBold({ offset: 0, length: 5 }),
          new Api.MessageEntityTextUrl({ offset: 6, length: 5, url: 'https://example.org' }),
          new Api.MessageEntityMentionName({ offset: 0, length: 5, userId: bigInt('9007199254740993') }),
        ],
        replyTo: new Api.MessageReplyHeader({ replyToMsgId: 3, quoteText: 'quoted' }),
        fwdFrom: new Api.MessageFwdHeader({
          fromId: channel(50),
          date: 1_600_000_000,
          channelPost: 11,
          postAuthor: 'Ed',
        }),
        editDate: 1_700_000_100,
        groupedId: bigInt('12345678901234567'),
        views: 10,
      }),
      context,
    )!;
    expect(observation.message).toEqual({
      chat: { kind: 'user', id: '2' },
      messageId: 7,
      date: '2023-11-14T22:13:20.000Z',
      sender: { kind: 'user', id: '2' },
      outgoing: false,
      text: 'hello world',
      entities: [
        { type: 'bold', offset: 0, length: 5 },
        { type: 'textUrl', offset: 6, length: 5, url: 'https://example.org' },
        { type: 'mentionName', offset: 0, length: 5, userId: '9007199254740993' },
      ],
      replyTo: { messageId: 3, quoteText: 'quoted' },
      forward: {
        from: { kind: 'channel', id: '50' },
        date: '2020-09-13T12:26:40.000Z',
        channelPostId: 11,
        postAuthor: 'Ed',
      },
      groupedId: '12345678901234567',
      views: 10,
      editDate: '2023-11-14T22:15:00.000Z',
    });
    expect(observation.pinned).toBe(false);
    expect(observation.reactions).toEqual({ reactions: [] });
    expect(observation.meta).toMatchObject({ source: 'live', observedAt: context.observedAt, layer: 198 });
  });

  it('knows the sender of a private message without from_id: the other side, or us when outgoing', () => {
    expect(mapMessage(message({}), context)!.message.sender).toEqual({ kind: 'user', id: '2' });
    const out = mapMessage(message({ out: true }), context)!;
    expect(out.message.sender).toEqual({ kind: 'user', id: '1' });
    expect(out.message.outgoing).toBe(true);
  });

  it('leaves the sender out for an unsigned channel post', () => {
    const post = mapMessage(message({ peerId: channel(50), post: true, postAuthor: undefined }), context)!;
    expect(post.message.chat).toEqual({ kind: 'channel', id: '50' });
    expect(post.message.sender).toBeUndefined();
  });

  it('maps a forum topic reply header to topicId (and messageId for a reply inside the topic)', () => {
    const inTopic = mapMessage(
      message({
        peerId: channel(5),
        replyTo: new Api.MessageReplyHeader({ forumTopic: true, replyToMsgId: 3 }),
      }),
      context,
    )!;
    expect(inTopic.message.replyTo).toEqual({ topicId: 3 });
    const reply = mapMessage(
      message({
        peerId: channel(5),
        replyTo: new Api.MessageReplyHeader({ forumTopic: true, replyToMsgId: 9, replyToTopId: 3 }),
      }),
      context,
    )!;
    expect(reply.message.replyTo).toEqual({ topicId: 3, messageId: 9 });
  });

  it('maps a photo to a descriptor and a download location of its largest size', () => {
    const observation = mapMessage(
      message({
        media: new Api.MessageMediaPhoto({
          photo: new Api.Photo({
            id: bigInt('5000000000000000001'),
            accessHash: bigInt(-77),
            fileReference: Buffer.from([1, 2, 3]),
            date: 1,
            dcId: 2,
            sizes: [
              new Api.PhotoStrippedSize({ type: 'i', bytes: Buffer.from([1]) }),
              new Api.PhotoSize({ type: 'm', w: 320, h: 240, size: 1000 }),
              new Api.PhotoSizeProgressive({ type: 'y', w: 1280, h: 960, sizes: [10, 500, 90000] }),
            ],
          }),
        }),
      }),
      context,
    )!;
    expect(observation.message.media).toEqual({
      kind: 'photo',
      fileId: '5000000000000000001',
      size: 90000,
      mimeType: 'image/jpeg',
      width: 1280,
      height: 960,
    });
    expect(observation.mediaLocation).toEqual({
      location: 'photo',
      id: '5000000000000000001',
      accessHash: '-77',
      fileReference: Buffer.from([1, 2, 3]).toString('base64'),
      dcId: 2,
      thumbSize: 'y',
      size: 90000,
    });
  });

  const documentMedia = (attributes: Api.TypeDocumentAttribute[], flags: Record<string, boolean> = {}) =>
    new Api.MessageMediaDocument({
      ...flags,
      document: new Api.Document({
        id: bigInt(42),
        accessHash: bigInt(43),
        fileReference: Buffer.from('ref'),
        date: 1,
        mimeType: 'audio/ogg',
        size: bigInt(2048),
        dcId: 2,
        attributes,
      }),
    });

  it.each([
    ['voice', [new Api.DocumentAttributeAudio({ voice: true, duration: 4 })], {}],
    ['round', [new Api.DocumentAttributeVideo({ roundMessage: true, duration: 3, w: 240, h: 240 })], {}],
    [
      'sticker',
      [new Api.DocumentAttributeSticker({ alt: ':)', stickerset: new Api.InputStickerSetEmpty() })],
      {},
    ],
    [
      'animation',
      [new Api.DocumentAttributeAnimated(), new Api.DocumentAttributeVideo({ duration: 1, w: 1, h: 1 })],
      {},
    ],
    ['video', [new Api.DocumentAttributeVideo({ duration: 12.5, w: 640, h: 360 })], {}],
    ['audio', [new Api.DocumentAttributeAudio({ duration: 200, title: 'Song' })], {}],
    ['document', [new Api.DocumentAttributeFilename({ fileName: 'report.pdf' })], {}],
  ] as const)('classifies a %s document', (kind, attributes, flags) => {
    const observation = mapMessage(message({ media: documentMedia([...attributes], flags) }), context)!;
    expect(observation.message.media?.kind).toBe(kind);
    expect(observation.message.media?.size).toBe(2048);
    expect(observation.mediaLocation).toMatchObject({
      location: 'document',
      id: '42',
      accessHash: '43',
      thumbSize: '',
    });
  });

  it('keeps file name, dimensions and duration of a video', () => {
    const observation = mapMessage(
      message({
        media: documentMedia([
          new Api.DocumentAttributeVideo({ duration: 12.5, w: 640, h: 360 }),
          new Api.DocumentAttributeFilename({ fileName: 'clip.mp4' }),
        ]),
      }),
      context,
    )!;
    expect(observation.message.media).toMatchObject({
      fileName: 'clip.mp4',
      width: 640,
      height: 360,
      durationSeconds: 12.5,
    });
  });

  it('maps non-file media to details', () => {
    const poll = mapMessage(
      message({
        media: new Api.MessageMediaPoll({
          poll: new Api.Poll({
            id: bigInt(1),
            question: new Api.TextWithEntities({ text: 'Lunch?', entities: [] }),
            answers: [
              new Api.PollAnswer({
                text: new Api.TextWithEntities({ text: 'Yes', entities: [] }),
                option: Buffer.from([0]),
              }),
              new Api.PollAnswer({
                text: new Api.TextWithEntities({ text: 'No', entities: [] }),
                option: Buffer.from([1]),
              }),
            ],
          }),
          results: new Api.PollResults({}),
        }),
      }),
      context,
    )!;
    expect(poll.message.media).toEqual({
      kind: 'poll',
      details: { question: 'Lunch?', answers: 'Yes\nNo', quiz: false, closed: false },
    });
    const geo = mapMessage(
      message({
        media: new Api.MessageMediaGeo({
          geo: new Api.GeoPoint({ lat: 1.5, long: 2.5, accessHash: bigInt(0) }),
        }),
      }),
      context,
    )!;
    expect(geo.message.media).toEqual({ kind: 'geo', details: { lat: 1.5, long: 2.5 } });
    expect(geo.mediaLocation).toBeUndefined();
  });

  it('takes the full reaction snapshot: emoji, custom emoji, paid, chosen, recent reactors', () => {
    const observation = mapMessage(
      message({
        reactions: new Api.MessageReactions({
          results: [
            new Api.ReactionCount({
              reaction: new Api.ReactionEmoji({ emoticon: '👍' }),
              count: 3,
              chosenOrder: 1,
            }),
            new Api.ReactionCount({
              reaction: new Api.ReactionCustomEmoji({ documentId: bigInt('777') }),
              count: 1,
            }),
            new Api.ReactionCount({ reaction: new Api.ReactionPaid(), count: 5 }),
          ],
          recentReactions: [
            new Api.MessagePeerReaction({
              peerId: user(3),
              date: 1_700_000_000,
              reaction: new Api.ReactionEmoji({ emoticon: '👍' }),
            }),
          ],
        }),
      }),
      context,
    )!;
    expect(observation.reactions).toEqual({
      reactions: [
        { reaction: '👍', count: 3, chosenByMe: true },
        { reaction: 'custom:777', count: 1 },
        { reaction: 'paid', count: 5 },
      ],
      recent: [{ reaction: '👍', peer: { kind: 'user', id: '3' }, date: '2023-11-14T22:13:20.000Z' }],
    });
  });

  it('maps a service message to its action and leaves the pin state unknown', () => {
    const observation = mapMessage(
      new Api.MessageService({
        id: 9,
        peerId: new Api.PeerChat({ chatId: bigInt(60) }),
        fromId: user(1),
        out: true,
        date: 1_700_000_000,
        action: new Api.MessageActionChatEditTitle({ title: 'New name' }),
      } as any),
      context,
    )!;
    expect(observation.message.service).toEqual({ type: 'chatEditTitle', details: { title: 'New name' } });
    expect(observation.message.text).toBe('');
    expect(observation.pinned).toBeUndefined();
  });

  it('announces a migration from both sides of the upgrade', () => {
    const fromGroup = mapMessageObservations(
      new Api.MessageService({
        id: 30,
        peerId: new Api.PeerChat({ chatId: bigInt(60) }),
        date: 1,
        action: new Api.MessageActionChatMigrateTo({ channelId: bigInt(70) }),
      } as any),
      context,
    );
    expect(fromGroup[1]).toMatchObject({
      kind: 'migration',
      migration: { from: { kind: 'group', id: '60' }, to: { kind: 'channel', id: '70' }, lastMessageId: 30 },
    });
    const inSupergroup = mapMessageObservations(
      new Api.MessageService({
        id: 1,
        peerId: channel(70),
        date: 1,
        action: new Api.MessageActionChannelMigrateFrom({ title: 'G', chatId: bigInt(60) }),
      } as any),
      context,
    );
    expect(inSupergroup[1]).toMatchObject({
      kind: 'migration',
      migration: { from: { kind: 'group', id: '60' }, to: { kind: 'channel', id: '70' } },
    });
  });

  it('maps nothing for MessageEmpty', () => {
    expect(mapMessage(new Api.MessageEmpty({ id: 3 }), context)).toBeUndefined();
  });

  it('keeps the raw object without gramjs internals, with 64-bit ids as strings and bytes as base64', () => {
    const observation = mapMessage(
      message({ message: 'x', groupedId: bigInt('12345678901234567') }),
      context,
    )!;
    const raw = observation.meta.raw as Record<string, unknown>;
    expect(raw._).toBe('Message');
    expect(raw.groupedId).toBe('12345678901234567');
    expect(Object.keys(raw).filter((k) => k.startsWith('_') && k !== '_')).toEqual([]);
    expect(JSON.stringify(raw)).not.toContain('originalArgs');
    expect(mapMessage(message({}), { ...context, keepRaw: false })!.meta.raw).toBeUndefined();
  });
});

describe('mapShortMessage', () => {
  it('maps UpdateShortMessage to a private-chat message with unknown reactions and pin state', () => {
    const observation = mapShortMessage(
      new Api.UpdateShortMessage({
        id: 5,
        userId: bigInt(2),
        message: 'hi',
        pts: 10,
        ptsCount: 1,
        date: 1_700_000_000,
        out: true,
      }),
      context,
    )!;
    expect(observation.message).toMatchObject({
      chat: { kind: 'user', id: '2' },
      sender: { kind: 'user', id: '1' },
      outgoing: true,
      text: 'hi',
    });
    expect(observation.reactions).toBeUndefined();
    expect(observation.pinned).toBeUndefined();
  });

  it('maps UpdateShortChatMessage to a basic-group message from its sender', () => {
    const observation = mapShortMessage(
      new Api.UpdateShortChatMessage({
        id: 6,
        fromId: bigInt(3),
        chatId: bigInt(60),
        message: 'yo',
        pts: 11,
        ptsCount: 1,
        date: 1_700_000_000,
      }),
      context,
    )!;
    expect(observation.message.chat).toEqual({ kind: 'group', id: '60' });
    expect(observation.message.sender).toEqual({ kind: 'user', id: '3' });
  });
});
