// Messages: the current state of each message, one row per version with its validity interval
// (observation time), reactions now and over time, and the pin history. Child tables reference a
// message by its surrogate `messages.id` in a `message_pk` column, never by Telegram's message id.
import { defineEntity, p } from '@mikro-orm/core';
import type {
  ForwardOrigin,
  MediaDescriptor,
  MessageEntity,
  RecentReactor,
  ServiceAction,
} from '../../src/events/payloads.ts';
import { Chat } from './chats.ts';

const MessageSchema = defineEntity({
  name: 'Message',
  tableName: 'messages',
  properties: {
    /** Surrogate key, allocated by the projector in event order (so every rebuild assigns the same ids). */
    id: p.integer().primary().autoincrement(false),
    chat: () => p.manyToOne(Chat).createForeignKeyConstraint(false).index(false),
    account: p.string(),
    /** Typed peer key of the chat (`u…`, `g…`, `c…`) and its kind, for the per-account id lookup. */
    chatPeer: p.string(),
    chatKind: p.string(),
    /** Telegram's message id, unique within the chat. */
    messageId: p.integer(),
    /** Null while only later facts (deletion, reactions) of a message are known, never its creation. */
    date: p.datetime().nullable(),
    senderPeer: p.string().nullable(),
    outgoing: p.boolean(),
    text: p.text(),
    entities: p.json<MessageEntity[]>(),
    media: p.json<MediaDescriptor>().nullable(),
    mediaKind: p.string().nullable(),
    service: p.json<ServiceAction>().nullable(),
    replyToMessageId: p.integer().nullable(),
    replyToTopicId: p.integer().nullable(),
    /** Set when the reply points into another chat. */
    replyToPeer: p.string().nullable(),
    replyQuote: p.text().nullable(),
    /** Forum topic the message belongs to. */
    topicId: p.integer().nullable(),
    forward: p.json<ForwardOrigin>().nullable(),
    forwardFromPeer: p.string().nullable(),
    groupedId: p.string().nullable(),
    viaBotId: p.string().nullable(),
    postAuthor: p.string().nullable(),
    views: p.integer().nullable(),
    forwards: p.integer().nullable(),
    /** Edits observed after creation. */
    editCount: p.integer(),
    /** Telegram's edit date of the current version, else the observation time of the last edit. */
    lastEditedAt: p.datetime().nullable(),
    versionCount: p.integer(),
    currentVersionId: p.string().nullable(),
    /** validFrom of the current version: a later version never starts before it. */
    currentVersionFrom: p.datetime().nullable(),
    /** Observation time of the deletion; null while the message exists. */
    deletedAt: p.datetime().nullable(),
    /** Where the deletion was seen (live, difference, backfill, import) and how the chat was matched. */
    deletionSource: p.string().nullable(),
    deletionMatchedBy: p.string().nullable(),
    pinned: p.boolean(),
    reactionsTotal: p.integer(),
    /** snapshotHash of the current reactions: a decider compares it with what it observes. */
    reactionsHash: p.string().nullable(),
    /** The file last downloaded for this message (see message_media for all of them). */
    mediaSha256: p.string().nullable(),
    mediaSkipReason: p.string().nullable(),
    mediaSkipDetail: p.text().nullable(),
    firstObservedAt: p.datetime(),
    /** Version of the last applied event of this message's stream: the idempotency guard. */
    streamVersion: p.integer(),
    versions: () => p.oneToMany(MessageVersion).mappedBy('message'),
    reactions: () => p.oneToMany(Reaction).mappedBy('message'),
  },
  uniques: [{ properties: ['chat', 'messageId'] }],
  // Partial indexes where most rows have nothing to index: every index costs on each write.
  indexes: [
    { properties: ['chat', 'date', 'messageId'] },
    { properties: ['account', 'messageId'], where: "chat_kind in ('user', 'group')" },
    { properties: ['chat', 'deletedAt'], where: 'deleted_at is not null' },
    { properties: ['chat', 'topicId', 'date'], where: 'topic_id is not null' },
    { properties: ['chat', 'groupedId'], where: 'grouped_id is not null' },
  ],
});
export class Message extends MessageSchema.class {}
MessageSchema.setClass(Message);

const MessageVersionSchema = defineEntity({
  name: 'MessageVersion',
  tableName: 'message_versions',
  properties: {
    message: () =>
      p.manyToOne(Message).createForeignKeyConstraint(false).joinColumn('message_pk').index(false).primary(),
    /** 0 for the content first seen, then 1, 2, … */
    versionNo: p.integer().primary(),
    /** Id of the MessageCreated or MessageEdited event that carried this content. */
    eventId: p.string(),
    chat: () => p.manyToOne(Chat).createForeignKeyConstraint(false).index(false),
    messageId: p.integer(),
    text: p.text(),
    entities: p.json<MessageEntity[]>(),
    media: p.json<MediaDescriptor>().nullable(),
    /** Telegram's edit_date, when it sent one. */
    editDate: p.datetime().nullable(),
    /** The interval in which the archive held this as the current content: [validFrom, validTo). */
    validFrom: p.datetime(),
    validTo: p.datetime().nullable(),
    source: p.string(),
  },
  // No index of its own beyond the key: "as of T" reaches a chat's versions through messages.
});
export class MessageVersion extends MessageVersionSchema.class {}
MessageVersionSchema.setClass(MessageVersion);

const ReactionSchema = defineEntity({
  name: 'Reaction',
  tableName: 'reactions',
  properties: {
    message: () =>
      p.manyToOne(Message).createForeignKeyConstraint(false).joinColumn('message_pk').index(false).primary(),
    /** An emoji, `custom:<documentId>` or `paid`. */
    reaction: p.string().primary(),
    count: p.integer(),
    chosenByMe: p.boolean(),
  },
});
export class Reaction extends ReactionSchema.class {}
ReactionSchema.setClass(Reaction);

const ReactionSnapshotSchema = defineEntity({
  name: 'ReactionSnapshot',
  tableName: 'reaction_snapshots',
  properties: {
    /** Id of the MessageReactionsChanged event. */
    id: p.string().primary(),
    message: () =>
      p.manyToOne(Message).createForeignKeyConstraint(false).joinColumn('message_pk').index(false),
    reactions: p.json<{ reaction: string; count: number; chosenByMe?: boolean }[]>(),
    recent: p.json<RecentReactor[]>().nullable(),
    total: p.integer(),
    observedAt: p.datetime(),
  },
  indexes: [{ properties: ['message', 'observedAt'] }],
});
export class ReactionSnapshot extends ReactionSnapshotSchema.class {}
ReactionSnapshotSchema.setClass(ReactionSnapshot);

const PinSchema = defineEntity({
  name: 'Pin',
  tableName: 'pins',
  properties: {
    /** Id of the MessagePinned or MessageUnpinned event. */
    id: p.string().primary(),
    message: () => p.manyToOne(Message).createForeignKeyConstraint(false).joinColumn('message_pk'),
    chat: () => p.manyToOne(Chat).createForeignKeyConstraint(false).index(false),
    pinned: p.boolean(),
    observedAt: p.datetime(),
    source: p.string(),
  },
  indexes: [{ properties: ['chat', 'observedAt'] }, { properties: ['message'] }],
});
export class Pin extends PinSchema.class {}
PinSchema.setClass(Pin);
