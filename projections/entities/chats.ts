// Chats and users as last observed, with the users' name history. Keys are natural strings built
// from the stream names (keys.ts), so the projector never needs a lookup to link rows.
import { defineEntity, p } from '@mikro-orm/core';

const ChatSchema = defineEntity({
  name: 'Chat',
  tableName: 'chats',
  properties: {
    /** `<account>.<peer>`, e.g. `777.c1001` (see keys.ts). */
    id: p.string().primary(),
    account: p.string(),
    /** Typed peer key: `u<id>`, `g<id>` or `c<id>`. */
    peer: p.string(),
    /** user | group | channel (the peer kind, known from the stream name even before a ChatObserved). */
    kind: p.string(),
    peerId: p.string(),
    /** private | bot | group | supergroup | channel; null until the chat was observed. */
    type: p.string().nullable(),
    title: p.text().nullable(),
    username: p.string().nullable(),
    about: p.text().nullable(),
    participantCount: p.integer().nullable(),
    forum: p.boolean(),
    photoId: p.string().nullable(),
    /** Chat key of the supergroup this basic group was upgraded to. */
    migratedTo: p.string().nullable(),
    /** Chat key of the basic group this supergroup replaced. */
    migratedFrom: p.string().nullable(),
    lastMessageId: p.integer().nullable(),
    lastMessageDate: p.datetime().nullable(),
    /** Message rows of this chat, deleted ones included. */
    messageCount: p.integer(),
    deletedCount: p.integer(),
    firstObservedAt: p.datetime().nullable(),
    observedAt: p.datetime().nullable(),
    /** Version of the last applied event of `chat-<account>.<peer>`: the idempotency guard. */
    streamVersion: p.integer(),
  },
  indexes: [{ properties: ['account', 'lastMessageDate'] }, { properties: ['account', 'username'] }],
});
export class Chat extends ChatSchema.class {}
ChatSchema.setClass(Chat);

const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    /** `<account>.<userId>` (see keys.ts). */
    id: p.string().primary(),
    account: p.string(),
    userId: p.string(),
    firstName: p.string().nullable(),
    lastName: p.string().nullable(),
    username: p.string().nullable(),
    bot: p.boolean(),
    deleted: p.boolean(),
    firstObservedAt: p.datetime(),
    observedAt: p.datetime(),
    /** The open user_names row and since when it holds. */
    currentNameId: p.string(),
    nameSince: p.datetime(),
    streamVersion: p.integer(),
    names: () => p.oneToMany(UserName).mappedBy('user'),
  },
  indexes: [{ properties: ['account', 'username'] }],
});
export class User extends UserSchema.class {}
UserSchema.setClass(User);

const UserNameSchema = defineEntity({
  name: 'UserName',
  tableName: 'user_names',
  properties: {
    /** Id of the UserObserved event that first showed this name. */
    id: p.string().primary(),
    user: () => p.manyToOne(User).createForeignKeyConstraint(false).joinColumn('user_pk').index(false),
    firstName: p.string().nullable(),
    lastName: p.string().nullable(),
    username: p.string().nullable(),
    /** Observation time from which this name held, and when a different one was first observed. */
    validFrom: p.datetime(),
    validTo: p.datetime().nullable(),
  },
  indexes: [{ properties: ['user', 'validFrom'] }],
});
export class UserName extends UserNameSchema.class {}
UserNameSchema.setClass(UserName);
