// A scriptable Telegram account: users, basic groups, channels, supergroups and forum topics, the
// history of every chat, media files, and the update boxes (pts of the common box and of each
// channel, qts, seq, date). Every mutation changes the history, records the update in its box so
// that getDifference can return it later, and pushes it to connected clients unless told not to.
import { randomBytes } from 'node:crypto';
import { Api } from 'telegram';
import {
  type EntitySpec,
  type FakeChannel,
  type FakeChat,
  type FakeFile,
  type FakeGroup,
  type FakeMedia,
  type FakeMessage,
  type FakeTopic,
  type FakeUser,
  type ForwardSpec,
  isChannel,
  type MediaFileKind,
  peerKeyOf,
  type ReactionSpec,
  type RecentReactionSpec,
} from './model.ts';
import { big, chatObject, DC_ID, messageObject, peerObject, reactionsObject, userObject } from './tl.ts';

export interface BoxEntry {
  readonly pts: number;
  readonly ptsCount: number;
  readonly date: number;
  readonly update: Api.TypeUpdate;
}

/** One message box: the common box of the account or one channel's box. */
export class UpdateBox {
  pts: number;
  readonly entries: BoxEntry[] = [];
  constructor(pts: number) {
    this.pts = pts;
  }
  record(date: number, ptsCount: number, make: (pts: number, ptsCount: number) => Api.TypeUpdate): BoxEntry {
    this.pts += ptsCount;
    const entry = { pts: this.pts, ptsCount, date, update: make(this.pts, ptsCount) };
    this.entries.push(entry);
    return entry;
  }
  /** Entries a client at `pts` has not seen yet. */
  after(pts: number): BoxEntry[] {
    return this.entries.filter((entry) => entry.pts > pts);
  }
}

export interface WorldOptions {
  /** Unix seconds; defaults to the wall clock. */
  readonly now?: () => number;
  /** The account's phone number, international format. */
  readonly phone?: string;
  readonly firstName?: string;
  readonly username?: string;
  /** Two-step verification password; unset means none. */
  readonly password?: string;
  readonly passwordHint?: string;
  /** Start value of the common box pts. */
  readonly pts?: number;
}

export interface MutationOptions {
  /** false: record the update (getDifference returns it) but push it to nobody, leaving a pts gap. */
  readonly push?: boolean;
  readonly date?: number;
}

export interface MediaSpec {
  readonly kind: MediaFileKind;
  readonly bytes: Buffer;
  readonly mimeType?: string;
  readonly fileName?: string;
  readonly width?: number;
  readonly height?: number;
  readonly duration?: number;
}

export interface MessageSpec {
  readonly text?: string;
  /** Sender; defaults: the other user in a private chat, nobody in a broadcast channel, the first member in a group. */
  readonly from?: FakeUser | FakeChannel;
  /** Sent by the account itself. */
  readonly out?: boolean;
  readonly entities?: readonly EntitySpec[];
  readonly media?: MediaSpec | Exclude<FakeMedia, { file: FakeFile }>;
  readonly replyTo?: number;
  readonly topic?: FakeTopic;
  readonly forward?: ForwardSpec;
  readonly groupedId?: bigint;
  readonly postAuthor?: string;
  readonly views?: number;
  readonly reactions?: readonly ReactionSpec[];
  readonly pinned?: boolean;
  readonly editDate?: number;
  readonly date?: number;
}

const DEFAULT_MIME: Record<MediaFileKind, string> = {
  photo: 'image/jpeg',
  document: 'application/octet-stream',
  video: 'video/mp4',
  voice: 'audio/ogg',
  audio: 'audio/mpeg',
  sticker: 'image/webp',
  animation: 'video/mp4',
  round: 'video/mp4',
};

/** Where pushes go; the server sets it. Returns how many connections received the push. */
export type PushSink = (updates: Api.TypeUpdates) => number;

export class World {
  readonly me: FakeUser;
  readonly users = new Map<bigint, FakeUser>();
  readonly groups = new Map<bigint, FakeGroup>();
  readonly channels = new Map<bigint, FakeChannel>();
  readonly files = new Map<bigint, FakeFile>();
  readonly common: UpdateBox;
  readonly channelBoxes = new Map<bigint, UpdateBox>();
  readonly account: { phone: string; password?: string; passwordHint?: string };
  qts = 0;
  seq = 0;
  now: () => number;
  pushSink: PushSink = () => 0;
  private readonly history = new Map<string, FakeMessage[]>();
  private nextCommonMessageId = 1;
  private readonly nextChannelMessageId = new Map<bigint, number>();
  private nextId = 1000n;

  constructor(options: WorldOptions = {}) {
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.common = new UpdateBox(options.pts ?? 100);
    this.account = {
      phone: options.phone ?? '+15550000001',
      password: options.password,
      passwordHint: options.passwordHint,
    };
    this.me = this.register({
      kind: 'user',
      id: this.newId(),
      accessHash: this.newAccessHash(),
      firstName: options.firstName ?? 'Archivist',
      username: options.username ?? 'archivist',
      phone: this.account.phone,
      bot: false,
      deleted: false,
      self: true,
    });
  }

  // ---------- building the world (no updates) ----------

  addUser(spec: {
    firstName: string;
    lastName?: string;
    username?: string;
    bot?: boolean;
    phone?: string;
  }): FakeUser {
    return this.register({
      kind: 'user',
      id: this.newId(),
      accessHash: this.newAccessHash(),
      firstName: spec.firstName,
      lastName: spec.lastName,
      username: spec.username,
      phone: spec.phone,
      bot: spec.bot ?? false,
      deleted: false,
      self: false,
    });
  }

  addGroup(spec: { title: string; members?: readonly FakeUser[]; about?: string; date?: number }): FakeGroup {
    const group: FakeGroup = {
      kind: 'group',
      id: this.newId(),
      title: spec.title,
      about: spec.about ?? '',
      memberIds: [this.me.id, ...(spec.members ?? []).map((u) => u.id)],
      date: spec.date ?? this.now(),
      deactivated: false,
      version: 1,
    };
    this.groups.set(group.id, group);
    this.history.set(peerKeyOf(group), []);
    return group;
  }

  /** A broadcast channel. */
  addChannel(spec: {
    title: string;
    username?: string;
    about?: string;
    date?: number;
    pts?: number;
  }): FakeChannel {
    return this.createChannel({ ...spec, broadcast: true, forum: false, members: [] });
  }

  /** A supergroup (megagroup), optionally a forum with topics. */
  addSupergroup(spec: {
    title: string;
    username?: string;
    about?: string;
    members?: readonly FakeUser[];
    forum?: boolean;
    date?: number;
    pts?: number;
  }): FakeChannel {
    return this.createChannel({
      ...spec,
      broadcast: false,
      forum: spec.forum ?? false,
      members: spec.members ?? [],
    });
  }

  /** A forum topic; its first message is the topic-creation service message (a history message). */
  addTopic(forum: FakeChannel, spec: { title: string; iconColor?: number; date?: number }): FakeTopic {
    if (!forum.forum) throw new Error(`${forum.title} is not a forum`);
    const date = spec.date ?? this.now();
    const message = this.insertMessage(forum, {
      from: this.me,
      out: true,
      date,
      action: {
        className: 'MessageActionTopicCreate',
        args: { title: spec.title, iconColor: spec.iconColor ?? 0x6fb9f0 },
      },
    });
    const topic: FakeTopic = {
      id: message.id,
      title: spec.title,
      date,
      iconColor: spec.iconColor ?? 0x6fb9f0,
      closed: false,
    };
    forum.topics.push(topic);
    return topic;
  }

  /** Messages that existed before the client arrived: in the history, not in any update box. */
  addHistory(chat: FakeChat, specs: readonly MessageSpec[]): FakeMessage[] {
    return specs.map((spec) => this.insertMessage(chat, this.resolveSpec(chat, spec)));
  }

  // ---------- reading ----------

  /** Every live message of the chat, oldest first. */
  messagesOf(chat: FakeChat): FakeMessage[] {
    return this.history.get(peerKeyOf(chat)) ?? [];
  }

  findMessage(chat: FakeChat, id: number): FakeMessage | undefined {
    return this.messagesOf(chat).find((m) => m.id === id);
  }

  /** Common-box message ids are unique per account across private chats and basic groups. */
  findCommonMessage(id: number): FakeMessage | undefined {
    for (const [key, messages] of this.history) {
      if (key.startsWith('c')) continue;
      const found = messages.find((m) => m.id === id);
      if (found) return found;
    }
    return undefined;
  }

  chats(): FakeChat[] {
    const privateChats = [...this.users.values()].filter((u) => !u.self && this.messagesOf(u).length > 0);
    return [...privateChats, ...this.groups.values(), ...this.channels.values()];
  }

  findChat(key: string): FakeChat | undefined {
    const id = BigInt(key.slice(1));
    if (key.startsWith('u')) return this.users.get(id);
    if (key.startsWith('g')) return this.groups.get(id);
    return this.channels.get(id);
  }

  channelBox(channel: FakeChannel): UpdateBox {
    return this.channelBoxes.get(channel.id)!;
  }

  // ---------- mutations (record + push) ----------

  /** A new message in a chat: UpdateNewMessage (common box) or UpdateNewChannelMessage. */
  sendMessage(
    chat: FakeChat,
    spec: MessageSpec & { short?: boolean } = {},
    options: MutationOptions = {},
  ): FakeMessage {
    const date = options.date ?? spec.date ?? this.now();
    const message = this.insertMessage(chat, this.resolveSpec(chat, { ...spec, date }));
    if (spec.short && !isChannel(chat) && !message.media && !message.forward) {
      this.pushShortMessage(message, options);
      return message;
    }
    this.recordNewMessage(message, options);
    return message;
  }

  /** Edits text/entities/media; Telegram sends the whole new message. */
  editMessage(
    message: FakeMessage,
    changes: {
      text?: string;
      entities?: readonly EntitySpec[];
      media?: MessageSpec['media'];
      editDate?: number;
    },
    options: MutationOptions = {},
  ): FakeMessage {
    const date = options.date ?? this.now();
    if (changes.text !== undefined) message.text = changes.text;
    if (changes.entities !== undefined) message.entities = [...changes.entities];
    if (changes.media !== undefined) message.media = this.resolveMedia(changes.media, date);
    message.editDate = changes.editDate ?? Math.max(date, (message.editDate ?? 0) + 1);
    this.recordMessageEdit(message, options);
    return message;
  }

  /** Deletes messages of one chat: UpdateDeleteMessages carries no peer; channels get UpdateDeleteChannelMessages. */
  deleteMessages(chat: FakeChat, ids: readonly number[], options: MutationOptions = {}): void {
    const list = this.history.get(peerKeyOf(chat)) ?? [];
    const present = ids.filter((id) => list.some((m) => m.id === id));
    this.history.set(
      peerKeyOf(chat),
      list.filter((m) => !ids.includes(m.id)),
    );
    const date = options.date ?? this.now();
    const count = Math.max(1, present.length);
    if (isChannel(chat)) {
      const entry = this.channelBox(chat).record(
        date,
        count,
        (pts, ptsCount) =>
          new Api.UpdateDeleteChannelMessages({ channelId: big(chat.id), messages: [...ids], pts, ptsCount }),
      );
      this.deliverChannel(chat, [entry.update], [], date, options);
    } else {
      const entry = this.common.record(
        date,
        count,
        (pts, ptsCount) => new Api.UpdateDeleteMessages({ messages: [...ids], pts, ptsCount }),
      );
      this.deliverCommon([entry.update], [], date, options);
    }
  }

  /** Replaces the reaction counts (a full snapshot, as Telegram sends it). No pts. */
  setReactions(
    message: FakeMessage,
    reactions: readonly ReactionSpec[],
    options: MutationOptions & { recent?: readonly RecentReactionSpec[] } = {},
  ): void {
    message.reactions = [...reactions];
    message.recentReactions = [...(options.recent ?? [])];
    const update = new Api.UpdateMessageReactions({
      peer: peerObject(message.chat),
      msgId: message.id,
      topMsgId: message.topicId,
      reactions: reactionsObject(message) ?? new Api.MessageReactions({ results: [] }),
    });
    this.pushUnboxed([update], [message.chat], options);
  }

  pinMessage(message: FakeMessage, options: MutationOptions = {}): void {
    this.setPinned(message, true, options);
  }

  unpinMessage(message: FakeMessage, options: MutationOptions = {}): void {
    this.setPinned(message, false, options);
  }

  /** A title change: the chat object changes and a service message records it. */
  setTitle(chat: FakeGroup | FakeChannel, title: string, options: MutationOptions = {}): FakeMessage {
    chat.title = title;
    if (chat.kind === 'group') chat.version += 1;
    return this.sendService(chat, { className: 'MessageActionChatEditTitle', args: { title } }, options);
  }

  /** A new chat photo (or its removal with `null`). */
  setPhoto(chat: FakeGroup | FakeChannel, photo: Buffer | null, options: MutationOptions = {}): FakeMessage {
    const date = options.date ?? this.now();
    if (photo === null) {
      chat.photoId = undefined;
      return this.sendService(chat, { className: 'MessageActionChatDeletePhoto', args: {} }, options);
    }
    const file = this.addFile('photo', photo, date);
    chat.photoId = file.id;
    return this.sendService(
      chat,
      {
        className: 'MessageActionChatEditPhoto',
        args: {
          photo: new Api.Photo({
            id: big(file.id),
            accessHash: big(file.accessHash),
            fileReference: file.fileReference,
            date,
            sizes: [new Api.PhotoSize({ type: 'a', w: 160, h: 160, size: photo.length })],
            dcId: DC_ID,
          }),
        },
      },
      options,
    );
  }

  /** The description changed: Telegram sends UpdateChannel / UpdateChat and the client re-reads the full chat. */
  setAbout(chat: FakeGroup | FakeChannel, about: string, options: MutationOptions = {}): void {
    chat.about = about;
    const update =
      chat.kind === 'group'
        ? new Api.UpdateChat({ chatId: big(chat.id) })
        : new Api.UpdateChannel({ channelId: big(chat.id) });
    this.pushUnboxed([update], [chat], options);
  }

  renameUser(
    user: FakeUser,
    changes: { firstName?: string; lastName?: string | null; username?: string | null },
    options: MutationOptions = {},
  ): void {
    if (changes.firstName !== undefined) user.firstName = changes.firstName;
    if (changes.lastName !== undefined) user.lastName = changes.lastName ?? undefined;
    if (changes.username !== undefined) user.username = changes.username ?? undefined;
    const update = new Api.UpdateUserName({
      userId: big(user.id),
      firstName: user.firstName,
      lastName: user.lastName ?? '',
      usernames: user.username
        ? [new Api.Username({ username: user.username, active: true, editable: true })]
        : [],
    });
    this.pushUnboxed([update], [], options, [user]);
  }

  /**
   * Upgrades a basic group to a supergroup: the group gets a "migrated to" service message and is
   * deactivated; the new supergroup starts with a "migrated from" service message.
   */
  migrateGroup(group: FakeGroup, options: MutationOptions = {}): FakeChannel {
    const date = options.date ?? this.now();
    const members = group.memberIds.map((id) => this.users.get(id)!).filter((u) => !u.self);
    const supergroup = this.addSupergroup({ title: group.title, about: group.about, members, date });
    const lastId = this.messagesOf(group).at(-1)?.id ?? 0;
    supergroup.migratedFrom = { chatId: group.id, maxId: lastId };
    group.deactivated = true;
    group.migratedTo = supergroup;
    group.version += 1;
    this.sendService(
      group,
      { className: 'MessageActionChatMigrateTo', args: { channelId: big(supergroup.id) } },
      { ...options, date },
      [supergroup],
    );
    this.sendService(
      supergroup,
      { className: 'MessageActionChannelMigrateFrom', args: { title: group.title, chatId: big(group.id) } },
      { ...options, date },
      [group],
    );
    return supergroup;
  }

  /** Tells the client its update state is lost: it must call getDifference. */
  pushUpdatesTooLong(): number {
    return this.pushSink(new Api.UpdatesTooLong());
  }

  /** A new file_reference: clients holding the old one get FILE_REFERENCE_EXPIRED. */
  rotateFileReference(message: FakeMessage): void {
    const media = message.media;
    if (!media || !('file' in media)) throw new Error(`message ${message.id} has no file`);
    media.file.fileReference = randomBytes(16);
  }

  // ---------- internals ----------

  private register(user: FakeUser): FakeUser {
    this.users.set(user.id, user);
    if (!this.history.has(peerKeyOf(user))) this.history.set(peerKeyOf(user), []);
    return user;
  }

  private createChannel(spec: {
    title: string;
    username?: string;
    about?: string;
    broadcast: boolean;
    forum: boolean;
    members: readonly FakeUser[];
    date?: number;
    pts?: number;
  }): FakeChannel {
    const channel: FakeChannel = {
      kind: 'channel',
      id: this.newId(),
      accessHash: this.newAccessHash(),
      title: spec.title,
      username: spec.username,
      about: spec.about ?? '',
      broadcast: spec.broadcast,
      forum: spec.forum,
      date: spec.date ?? this.now(),
      memberIds: [this.me.id, ...spec.members.map((u) => u.id)],
      topics: [],
      undelivered: false,
    };
    this.channels.set(channel.id, channel);
    this.channelBoxes.set(channel.id, new UpdateBox(spec.pts ?? 1));
    this.nextChannelMessageId.set(channel.id, 1);
    this.history.set(peerKeyOf(channel), []);
    return channel;
  }

  private newId(): bigint {
    this.nextId += 1n;
    return this.nextId;
  }

  private newAccessHash(): bigint {
    return randomBytes(8).readBigInt64LE() & 0x7fffffffffffffffn;
  }

  addFile(kind: MediaFileKind, bytes: Buffer, date: number): FakeFile {
    const file: FakeFile = {
      id: this.newId(),
      accessHash: this.newAccessHash(),
      location: kind === 'photo' ? 'photo' : 'document',
      fileReference: randomBytes(16),
      bytes,
      dcId: DC_ID,
      date,
    };
    this.files.set(file.id, file);
    return file;
  }

  private resolveMedia(media: MessageSpec['media'], date: number): FakeMedia | undefined {
    if (!media) return undefined;
    if (!('bytes' in media)) return media;
    return {
      kind: media.kind,
      file: this.addFile(media.kind, media.bytes, date),
      mimeType: media.mimeType ?? DEFAULT_MIME[media.kind],
      fileName: media.fileName,
      width: media.width,
      height: media.height,
      duration: media.duration,
    };
  }

  private resolveSpec(chat: FakeChat, spec: MessageSpec): MessageDraft {
    const out = spec.out ?? false;
    let from = spec.from;
    if (out) from = this.me;
    else if (!from) {
      if (chat.kind === 'user') from = chat;
      else if (chat.kind === 'group' || !chat.broadcast)
        from = this.users.get(chat.memberIds.find((id) => id !== this.me.id) ?? this.me.id);
    }
    const date = spec.date ?? this.now();
    return {
      from,
      out: out || from?.id === this.me.id,
      date,
      text: spec.text ?? '',
      entities: [...(spec.entities ?? [])],
      media: this.resolveMedia(spec.media, date),
      editDate: spec.editDate,
      replyToMsgId: spec.replyTo,
      topicId: spec.topic?.id,
      forward: spec.forward,
      groupedId: spec.groupedId,
      postAuthor: spec.postAuthor,
      views: spec.views ?? (isChannel(chat) && chat.broadcast ? 1 : undefined),
      reactions: [...(spec.reactions ?? [])],
      pinned: spec.pinned ?? false,
    };
  }

  private insertMessage(chat: FakeChat, draft: MessageDraft): FakeMessage {
    const id = isChannel(chat) ? this.takeChannelMessageId(chat) : this.nextCommonMessageId++;
    const message: FakeMessage = {
      id,
      chat,
      from: draft.from,
      out: draft.out ?? false,
      date: draft.date,
      text: draft.text ?? '',
      entities: draft.entities ?? [],
      media: draft.media,
      editDate: draft.editDate,
      replyToMsgId: draft.replyToMsgId,
      topicId: draft.topicId,
      forward: draft.forward,
      groupedId: draft.groupedId,
      postAuthor: draft.postAuthor,
      views: draft.views,
      reactions: draft.reactions ?? [],
      recentReactions: [],
      pinned: draft.pinned ?? false,
      action: draft.action,
    };
    this.history.get(peerKeyOf(chat))!.push(message);
    return message;
  }

  private takeChannelMessageId(channel: FakeChannel): number {
    const id = this.nextChannelMessageId.get(channel.id)!;
    this.nextChannelMessageId.set(channel.id, id + 1);
    return id;
  }

  private sendService(
    chat: FakeGroup | FakeChannel,
    action: { className: string; args: Record<string, unknown> },
    options: MutationOptions,
    extraChats: readonly (FakeGroup | FakeChannel)[] = [],
  ): FakeMessage {
    const date = options.date ?? this.now();
    const message = this.insertMessage(chat, { from: this.me, out: true, date, action });
    this.recordNewMessage(message, options, extraChats);
    return message;
  }

  private recordNewMessage(
    message: FakeMessage,
    options: MutationOptions,
    extraChats: readonly (FakeGroup | FakeChannel)[] = [],
  ): void {
    const chat = message.chat;
    const tl = messageObject(message);
    if (isChannel(chat)) {
      const entry = this.channelBox(chat).record(
        message.date,
        1,
        (pts, ptsCount) => new Api.UpdateNewChannelMessage({ message: tl, pts, ptsCount }),
      );
      this.deliverChannel(chat, [entry.update], this.involved(message, extraChats), message.date, options);
    } else {
      const entry = this.common.record(
        message.date,
        1,
        (pts, ptsCount) => new Api.UpdateNewMessage({ message: tl, pts, ptsCount }),
      );
      this.deliverCommon([entry.update], this.involved(message, extraChats), message.date, options);
    }
  }

  private recordMessageEdit(message: FakeMessage, options: MutationOptions): void {
    const chat = message.chat;
    const tl = messageObject(message);
    const date = options.date ?? this.now();
    if (isChannel(chat)) {
      const entry = this.channelBox(chat).record(
        date,
        1,
        (pts, ptsCount) => new Api.UpdateEditChannelMessage({ message: tl, pts, ptsCount }),
      );
      this.deliverChannel(chat, [entry.update], this.involved(message), date, options);
    } else {
      const entry = this.common.record(
        date,
        1,
        (pts, ptsCount) => new Api.UpdateEditMessage({ message: tl, pts, ptsCount }),
      );
      this.deliverCommon([entry.update], this.involved(message), date, options);
    }
  }

  private setPinned(message: FakeMessage, pinned: boolean, options: MutationOptions): void {
    message.pinned = pinned;
    const chat = message.chat;
    const date = options.date ?? this.now();
    if (isChannel(chat)) {
      const entry = this.channelBox(chat).record(
        date,
        1,
        (pts, ptsCount) =>
          new Api.UpdatePinnedChannelMessages({
            pinned,
            channelId: big(chat.id),
            messages: [message.id],
            pts,
            ptsCount,
          }),
      );
      this.deliverChannel(chat, [entry.update], [chat], date, options);
    } else {
      const entry = this.common.record(
        date,
        1,
        (pts, ptsCount) =>
          new Api.UpdatePinnedMessages({
            pinned,
            peer: peerObject(chat),
            messages: [message.id],
            pts,
            ptsCount,
          }),
      );
      this.deliverCommon([entry.update], [chat], date, options);
    }
  }

  private pushShortMessage(message: FakeMessage, options: MutationOptions): void {
    const chat = message.chat;
    const common = {
      out: message.out,
      id: message.id,
      message: message.text,
      date: message.date,
      entities: undefined,
      replyTo: message.replyToMsgId
        ? new Api.MessageReplyHeader({ replyToMsgId: message.replyToMsgId })
        : undefined,
    };
    const entry = this.common.record(
      message.date,
      1,
      (pts, ptsCount) =>
        // The box keeps the full form: a later getDifference returns the message itself.
        new Api.UpdateNewMessage({ message: messageObject(message), pts, ptsCount }),
    );
    const short =
      chat.kind === 'user'
        ? new Api.UpdateShortMessage({ ...common, userId: big(chat.id), pts: entry.pts, ptsCount: 1 })
        : new Api.UpdateShortChatMessage({
            ...common,
            fromId: big(message.from!.id),
            chatId: big(chat.id),
            pts: entry.pts,
            ptsCount: 1,
          });
    if (options.push !== false) this.pushSink(short);
  }

  /** Users and chats a client needs to make sense of the message. */
  private involved(message: FakeMessage, extra: readonly FakeChat[] = []): FakeChat[] {
    const list: FakeChat[] = [message.chat, ...extra];
    if (message.from) list.push(message.from);
    if (message.forward?.from) list.push(message.forward.from);
    return list;
  }

  private container(
    updates: Api.TypeUpdate[],
    involved: readonly FakeChat[],
    date: number,
    seq: number,
  ): Api.Updates {
    const users = new Map<bigint, FakeUser>([[this.me.id, this.me]]);
    const chats = new Map<string, FakeGroup | FakeChannel>();
    for (const chat of involved) {
      if (chat.kind === 'user') users.set(chat.id, chat);
      else chats.set(peerKeyOf(chat), chat);
    }
    return new Api.Updates({
      updates,
      users: [...users.values()].map(userObject),
      chats: [...chats.values()].map(chatObject),
      date,
      seq,
    });
  }

  private deliverCommon(
    updates: Api.TypeUpdate[],
    involved: readonly FakeChat[],
    date: number,
    options: MutationOptions,
  ): void {
    this.seq += 1;
    if (options.push === false) return;
    this.pushSink(this.container(updates, involved, date, this.seq));
  }

  private deliverChannel(
    channel: FakeChannel,
    updates: Api.TypeUpdate[],
    involved: readonly FakeChat[],
    date: number,
    options: MutationOptions,
  ): void {
    const reached =
      options.push === false ? 0 : this.pushSink(this.container(updates, [channel, ...involved], date, 0));
    if (reached === 0) channel.undelivered = true;
  }

  /** Updates outside any pts box (reactions, renames, chat info): lost for good when nobody listens. */
  private pushUnboxed(
    updates: Api.TypeUpdate[],
    involved: readonly FakeChat[],
    options: MutationOptions,
    users: readonly FakeUser[] = [],
  ): void {
    if (options.push === false) return;
    this.pushSink(this.container(updates, [...involved, ...users], options.date ?? this.now(), 0));
  }
}

interface MessageDraft {
  from?: FakeUser | FakeChannel;
  out?: boolean;
  date: number;
  text?: string;
  entities?: EntitySpec[];
  media?: FakeMedia;
  editDate?: number;
  replyToMsgId?: number;
  topicId?: number;
  forward?: ForwardSpec;
  groupedId?: bigint;
  postAuthor?: string;
  views?: number;
  reactions?: ReactionSpec[];
  pinned?: boolean;
  action?: { className: string; args: Record<string, unknown> };
}
