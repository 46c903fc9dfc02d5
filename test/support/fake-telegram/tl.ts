// Turns the fake world's records into the TL objects Telegram would send, as seen by the account.
import bigInt from 'big-integer';
import { Api } from 'telegram';
import type {
  ActionSpec,
  EntitySpec,
  FakeChannel,
  FakeChat,
  FakeFile,
  FakeGroup,
  FakeMedia,
  FakeMessage,
  FakeTopic,
  FakeUser,
  ReactionSpec,
} from './model.ts';

export const big = (value: bigint | number): bigInt.BigInteger => bigInt(value.toString());
export const toBigint = (value: unknown): bigint => BigInt(String(value));

export const DC_ID = 2;

export function userObject(user: FakeUser): Api.User {
  return new Api.User({
    id: big(user.id),
    self: user.self,
    accessHash: big(user.accessHash),
    firstName: user.firstName,
    lastName: user.lastName,
    username: user.username,
    phone: user.self ? user.phone?.replace(/^\+/, '') : undefined,
    bot: user.bot,
    deleted: user.deleted,
    photo: user.photoId
      ? new Api.UserProfilePhoto({ photoId: big(user.photoId), dcId: DC_ID })
      : new Api.UserProfilePhotoEmpty(),
    status: new Api.UserStatusEmpty(),
  });
}

function chatPhoto(photoId: bigint | undefined): Api.TypeChatPhoto {
  return photoId ? new Api.ChatPhoto({ photoId: big(photoId), dcId: DC_ID }) : new Api.ChatPhotoEmpty();
}

export function groupObject(group: FakeGroup): Api.Chat {
  return new Api.Chat({
    id: big(group.id),
    title: group.title,
    photo: chatPhoto(group.photoId),
    participantsCount: group.memberIds.length,
    date: group.date,
    version: group.version,
    deactivated: group.deactivated,
    migratedTo: group.migratedTo
      ? new Api.InputChannel({
          channelId: big(group.migratedTo.id),
          accessHash: big(group.migratedTo.accessHash),
        })
      : undefined,
  });
}

export function channelObject(channel: FakeChannel): Api.Channel {
  return new Api.Channel({
    id: big(channel.id),
    accessHash: big(channel.accessHash),
    title: channel.title,
    username: channel.username,
    photo: chatPhoto(channel.photoId),
    date: channel.date,
    broadcast: channel.broadcast,
    megagroup: !channel.broadcast,
    forum: channel.forum,
    participantsCount: channel.memberIds.length,
  });
}

export function chatObject(chat: FakeGroup | FakeChannel): Api.TypeChat {
  return chat.kind === 'group' ? groupObject(chat) : channelObject(chat);
}

/** A dialog as the fake reports it: everything read, default notification settings. */
export function dialogObject(chat: FakeChat, topMessage: number, pts?: number): Api.Dialog {
  return new Api.Dialog({
    peer: peerObject(chat),
    topMessage,
    readInboxMaxId: 0,
    readOutboxMaxId: 0,
    unreadCount: 0,
    unreadMentionsCount: 0,
    unreadReactionsCount: 0,
    notifySettings: new Api.PeerNotifySettings({}),
    pts,
  });
}

export function peerObject(chat: FakeChat): Api.TypePeer {
  switch (chat.kind) {
    case 'user':
      return new Api.PeerUser({ userId: big(chat.id) });
    case 'group':
      return new Api.PeerChat({ chatId: big(chat.id) });
    case 'channel':
      return new Api.PeerChannel({ channelId: big(chat.id) });
  }
}

const ENTITY_CLASSES: Record<string, new (args: any) => Api.TypeMessageEntity> = {
  mention: Api.MessageEntityMention,
  hashtag: Api.MessageEntityHashtag,
  botCommand: Api.MessageEntityBotCommand,
  url: Api.MessageEntityUrl,
  email: Api.MessageEntityEmail,
  bold: Api.MessageEntityBold,
  italic: Api.MessageEntityItalic,
  code: Api.MessageEntityCode,
  pre: Api.MessageEntityPre,
  textUrl: Api.MessageEntityTextUrl,
  mentionName: Api.MessageEntityMentionName,
  phone: Api.MessageEntityPhone,
  cashtag: Api.MessageEntityCashtag,
  underline: Api.MessageEntityUnderline,
  strike: Api.MessageEntityStrike,
  blockquote: Api.MessageEntityBlockquote,
  spoiler: Api.MessageEntitySpoiler,
  customEmoji: Api.MessageEntityCustomEmoji,
};

export function entityObject(spec: EntitySpec): Api.TypeMessageEntity {
  const Entity = ENTITY_CLASSES[spec.type];
  if (!Entity)
    throw new Error(`unknown entity type '${spec.type}' (${Object.keys(ENTITY_CLASSES).join(', ')})`);
  return new Entity({
    offset: spec.offset,
    length: spec.length,
    url: spec.url,
    userId: spec.userId === undefined ? undefined : big(spec.userId),
    language: spec.type === 'pre' ? (spec.language ?? '') : undefined,
    documentId: spec.documentId === undefined ? undefined : big(spec.documentId),
  });
}

export function reactionObject(reaction: string): Api.TypeReaction {
  if (reaction === 'paid') return new Api.ReactionPaid();
  if (reaction.startsWith('custom:'))
    return new Api.ReactionCustomEmoji({ documentId: big(BigInt(reaction.slice(7))) });
  return new Api.ReactionEmoji({ emoticon: reaction });
}

export function reactionsObject(message: FakeMessage): Api.MessageReactions | undefined {
  if (message.reactions.length === 0 && message.recentReactions.length === 0) return undefined;
  return new Api.MessageReactions({
    canSeeList: message.recentReactions.length > 0,
    results: message.reactions.map(
      (r: ReactionSpec) =>
        new Api.ReactionCount({
          reaction: reactionObject(r.reaction),
          count: r.count,
          chosenOrder: r.chosenOrder,
        }),
    ),
    recentReactions: message.recentReactions.length
      ? message.recentReactions.map(
          (r) =>
            new Api.MessagePeerReaction({
              peerId: new Api.PeerUser({ userId: big(r.userId) }),
              date: r.date,
              reaction: reactionObject(r.reaction),
            }),
        )
      : undefined,
  });
}

export function photoObject(file: FakeFile, width = 1280, height = 960): Api.Photo {
  return new Api.Photo({
    id: big(file.id),
    accessHash: big(file.accessHash),
    fileReference: file.fileReference,
    date: file.date,
    sizes: [new Api.PhotoSize({ type: 'y', w: width, h: height, size: file.bytes.length })],
    dcId: file.dcId,
  });
}

function documentAttributes(media: Extract<FakeMedia, { file: FakeFile }>): Api.TypeDocumentAttribute[] {
  const attributes: Api.TypeDocumentAttribute[] = [];
  const duration = media.duration ?? 0;
  const w = media.width ?? 0;
  const h = media.height ?? 0;
  switch (media.kind) {
    case 'video':
      attributes.push(new Api.DocumentAttributeVideo({ duration, w, h, supportsStreaming: true }));
      break;
    case 'round':
      attributes.push(new Api.DocumentAttributeVideo({ duration, w, h, roundMessage: true }));
      break;
    case 'animation':
      attributes.push(
        new Api.DocumentAttributeAnimated(),
        new Api.DocumentAttributeVideo({ duration, w, h }),
      );
      break;
    case 'voice':
      attributes.push(new Api.DocumentAttributeAudio({ voice: true, duration: Math.round(duration) }));
      break;
    case 'audio':
      attributes.push(
        new Api.DocumentAttributeAudio({ duration: Math.round(duration), title: media.fileName }),
      );
      break;
    case 'sticker':
      attributes.push(
        new Api.DocumentAttributeSticker({ alt: '🙂', stickerset: new Api.InputStickerSetEmpty() }),
        new Api.DocumentAttributeImageSize({ w: w || 512, h: h || 512 }),
      );
      break;
    default:
      break;
  }
  if (media.fileName) attributes.push(new Api.DocumentAttributeFilename({ fileName: media.fileName }));
  return attributes;
}

export function mediaObject(media: FakeMedia): Api.TypeMessageMedia {
  switch (media.kind) {
    case 'photo':
      return new Api.MessageMediaPhoto({ photo: photoObject(media.file, media.width, media.height) });
    case 'geo':
      return new Api.MessageMediaGeo({
        geo: new Api.GeoPoint({ lat: media.lat, long: media.long, accessHash: big(0) }),
      });
    case 'contact':
      return new Api.MessageMediaContact({
        phoneNumber: media.phone,
        firstName: media.firstName,
        lastName: media.lastName ?? '',
        vcard: '',
        userId: big(media.userId ?? 0n),
      });
    case 'poll':
      return new Api.MessageMediaPoll({
        poll: new Api.Poll({
          id: big(1),
          question: new Api.TextWithEntities({ text: media.question, entities: [] }),
          answers: media.answers.map(
            (text, i) =>
              new Api.PollAnswer({
                text: new Api.TextWithEntities({ text, entities: [] }),
                option: Buffer.from([i]),
              }),
          ),
        }),
        results: new Api.PollResults({}),
      });
    case 'webpage':
      return new Api.MessageMediaWebPage({
        webpage: new Api.WebPage({
          id: big(1),
          url: media.url,
          displayUrl: media.url.replace(/^https?:\/\//, ''),
          hash: 0,
          title: media.title,
        }),
      });
    case 'dice':
      return new Api.MessageMediaDice({ emoticon: media.emoticon, value: media.value });
    default:
      return new Api.MessageMediaDocument({
        video: media.kind === 'video' || media.kind === 'round',
        round: media.kind === 'round',
        voice: media.kind === 'voice',
        document: new Api.Document({
          id: big(media.file.id),
          accessHash: big(media.file.accessHash),
          fileReference: media.file.fileReference,
          date: media.file.date,
          mimeType: media.mimeType,
          size: big(media.file.bytes.length),
          dcId: media.file.dcId,
          attributes: documentAttributes(media),
        }),
      });
  }
}

function actionObject(action: ActionSpec): Api.TypeMessageAction {
  const Action = (Api as any)[action.className];
  if (typeof Action !== 'function') throw new Error(`unknown message action ${action.className}`);
  return new Action(action.args);
}

function fromPeer(from: FakeUser | FakeChannel): Api.TypePeer {
  return from.kind === 'user'
    ? new Api.PeerUser({ userId: big(from.id) })
    : new Api.PeerChannel({ channelId: big(from.id) });
}

function replyHeader(message: FakeMessage): Api.MessageReplyHeader | undefined {
  if (message.replyToMsgId === undefined && message.topicId === undefined) return undefined;
  if (message.topicId !== undefined) {
    // In a forum, a message in a topic replies to the topic's first message; a reply inside the topic
    // also names the topic as reply_to_top_id.
    const replyTo = message.replyToMsgId ?? message.topicId;
    return new Api.MessageReplyHeader({
      forumTopic: true,
      replyToMsgId: replyTo,
      replyToTopId: message.replyToMsgId !== undefined ? message.topicId : undefined,
    });
  }
  return new Api.MessageReplyHeader({ replyToMsgId: message.replyToMsgId });
}

export function messageObject(message: FakeMessage): Api.TypeMessage {
  const peerId = peerObject(message.chat);
  const fromId = message.from ? fromPeer(message.from) : undefined;
  if (message.action) {
    return new Api.MessageService({
      id: message.id,
      out: message.out,
      peerId,
      fromId,
      date: message.date,
      action: actionObject(message.action),
      post: message.chat.kind === 'channel' && message.chat.broadcast,
    });
  }
  return new Api.Message({
    id: message.id,
    out: message.out,
    peerId,
    fromId,
    date: message.date,
    message: message.text,
    entities: message.entities.length ? message.entities.map(entityObject) : undefined,
    media: message.media ? mediaObject(message.media) : undefined,
    editDate: message.editDate,
    replyTo: replyHeader(message),
    fwdFrom: message.forward
      ? new Api.MessageFwdHeader({
          fromId: message.forward.from ? fromPeer(message.forward.from) : undefined,
          fromName: message.forward.fromName,
          date: message.forward.date,
          channelPost: message.forward.channelPost,
          postAuthor: message.forward.postAuthor,
        })
      : undefined,
    groupedId: message.groupedId === undefined ? undefined : big(message.groupedId),
    postAuthor: message.postAuthor,
    views: message.views,
    forwards: message.views === undefined ? undefined : 0,
    post: message.chat.kind === 'channel' && message.chat.broadcast,
    pinned: message.pinned,
    reactions: reactionsObject(message),
  } as any);
}

/**
 * What a message's TL form depends on beyond its readonly fields: the model types mark everything
 * else readonly, and the world replaces these values rather than changing them in place.
 */
function mutableParts(message: FakeMessage): readonly unknown[] {
  const media = message.media;
  return [
    message.text,
    message.entities,
    media,
    media && 'file' in media ? media.file.fileReference : undefined,
    message.editDate,
    message.views,
    message.reactions,
    message.recentReactions,
    message.pinned,
  ];
}

const serialized = new WeakMap<FakeMessage, { readonly parts: readonly unknown[]; readonly bytes: Buffer }>();

/**
 * The message's TL bytes, serialised once and reused while it is unchanged, as a server answers
 * from what it stores: gramjs's generic serialiser would otherwise be most of the fake's work on a
 * page of history. Always the bytes messageObject(message).getBytes() gives.
 */
export function messageBytes(message: FakeMessage): Buffer {
  const parts = mutableParts(message);
  const cached = serialized.get(message);
  if (cached?.parts.every((part, i) => part === parts[i])) return cached.bytes;
  const bytes = messageObject(message).getBytes();
  serialized.set(message, { parts, bytes });
  return bytes;
}

/** A message for a TL vector in an answer: gramjs serialises a vector element with its getBytes(). */
export function serializedMessage(message: FakeMessage): Api.TypeMessage {
  const bytes = messageBytes(message);
  return { getBytes: () => bytes } as unknown as Api.TypeMessage;
}

export function topicObject(topic: FakeTopic, topMessage: number, from: FakeUser): Api.ForumTopic {
  return new Api.ForumTopic({
    id: topic.id,
    date: topic.date,
    title: topic.title,
    iconColor: topic.iconColor,
    closed: topic.closed,
    topMessage,
    readInboxMaxId: 0,
    readOutboxMaxId: 0,
    unreadCount: 0,
    unreadMentionsCount: 0,
    unreadReactionsCount: 0,
    fromId: new Api.PeerUser({ userId: big(from.id) }),
    notifySettings: new Api.PeerNotifySettings({}),
  });
}
