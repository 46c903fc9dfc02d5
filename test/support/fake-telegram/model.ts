// The fake world's own records: plain data the tests script, turned into TL objects only when a
// client asks (tl.ts). Ids are bigints like Telegram's 64-bit ids.

export interface FakeUser {
  readonly kind: 'user';
  readonly id: bigint;
  readonly accessHash: bigint;
  firstName: string;
  lastName?: string;
  username?: string;
  phone?: string;
  bot: boolean;
  deleted: boolean;
  photoId?: bigint;
  self: boolean;
}

export interface FakeGroup {
  readonly kind: 'group';
  readonly id: bigint;
  title: string;
  about: string;
  photoId?: bigint;
  memberIds: bigint[];
  readonly date: number;
  deactivated: boolean;
  migratedTo?: FakeChannel;
  version: number;
}

export interface FakeTopic {
  readonly id: number;
  title: string;
  readonly date: number;
  iconColor: number;
  closed: boolean;
}

export interface FakeChannel {
  readonly kind: 'channel';
  readonly id: bigint;
  readonly accessHash: bigint;
  title: string;
  username?: string;
  about: string;
  /** A broadcast channel (posts) rather than a supergroup (megagroup). */
  readonly broadcast: boolean;
  forum: boolean;
  photoId?: bigint;
  readonly date: number;
  memberIds: bigint[];
  migratedFrom?: { readonly chatId: bigint; readonly maxId: number };
  readonly topics: FakeTopic[];
  /** Set when an update of this channel was recorded but reached no client: getDifference then hints it. */
  undelivered: boolean;
}

/** A chat from the account's point of view: a private chat is named by the other user. */
export type FakeChat = FakeUser | FakeGroup | FakeChannel;

export type MediaFileKind =
  | 'photo'
  | 'document'
  | 'video'
  | 'voice'
  | 'audio'
  | 'sticker'
  | 'animation'
  | 'round';

export interface FakeFile {
  readonly id: bigint;
  readonly accessHash: bigint;
  /** Photos and documents live in different id spaces and location types. */
  readonly location: 'photo' | 'document';
  fileReference: Buffer;
  readonly bytes: Buffer;
  readonly dcId: number;
  readonly date: number;
}

export type FakeMedia =
  | {
      readonly kind: MediaFileKind;
      readonly file: FakeFile;
      readonly mimeType: string;
      readonly fileName?: string;
      readonly width?: number;
      readonly height?: number;
      readonly duration?: number;
    }
  | { readonly kind: 'geo'; readonly lat: number; readonly long: number }
  | {
      readonly kind: 'contact';
      readonly phone: string;
      readonly firstName: string;
      readonly lastName?: string;
      readonly userId?: bigint;
    }
  | { readonly kind: 'poll'; readonly question: string; readonly answers: readonly string[] }
  | { readonly kind: 'webpage'; readonly url: string; readonly title?: string }
  | { readonly kind: 'dice'; readonly emoticon: string; readonly value: number };

/** Message entity as tests write it; type names follow the TL class (bold, textUrl, mentionName…). */
export interface EntitySpec {
  readonly type: string;
  readonly offset: number;
  readonly length: number;
  readonly url?: string;
  readonly userId?: bigint;
  readonly language?: string;
  readonly documentId?: bigint;
}

export interface ReactionSpec {
  /** An emoji, `custom:<documentId>` or `paid`. */
  readonly reaction: string;
  readonly count: number;
  readonly chosenOrder?: number;
}

export interface RecentReactionSpec {
  readonly reaction: string;
  readonly userId: bigint;
  readonly date: number;
}

export interface ForwardSpec {
  readonly from?: FakeUser | FakeChannel;
  readonly fromName?: string;
  readonly date: number;
  readonly channelPost?: number;
  readonly postAuthor?: string;
}

/** Service message action, kept as the TL object's constructor arguments. */
export interface ActionSpec {
  /** TL class name, e.g. MessageActionChatEditTitle. */
  readonly className: string;
  readonly args: Record<string, unknown>;
}

export interface FakeMessage {
  readonly id: number;
  readonly chat: FakeChat;
  /** Absent for broadcast posts without a signature. */
  readonly from?: FakeUser | FakeChannel;
  readonly out: boolean;
  readonly date: number;
  text: string;
  entities: EntitySpec[];
  media?: FakeMedia;
  editDate?: number;
  readonly replyToMsgId?: number;
  readonly topicId?: number;
  readonly forward?: ForwardSpec;
  readonly groupedId?: bigint;
  readonly postAuthor?: string;
  views?: number;
  reactions: ReactionSpec[];
  recentReactions: RecentReactionSpec[];
  pinned: boolean;
  readonly action?: ActionSpec;
}

export const peerKeyOf = (chat: FakeChat): string =>
  `${chat.kind === 'user' ? 'u' : chat.kind === 'group' ? 'g' : 'c'}${chat.id}`;

export const isChannel = (chat: FakeChat): chat is FakeChannel => chat.kind === 'channel';
