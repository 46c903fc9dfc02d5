// Version-1 payloads of every domain event. Field names are part of the stored log: add optional
// fields freely, but rename or retype only through a new schema version and an upcaster.
import type { PeerRef } from './peers.ts';

/** ISO-8601 timestamp in UTC, e.g. 2024-05-01T12:00:00.000Z. */
export type IsoDate = string;

export type ChatType = 'private' | 'bot' | 'group' | 'supergroup' | 'channel';

export type MediaKind =
  | 'photo'
  | 'video'
  | 'document'
  | 'voice'
  | 'audio'
  | 'sticker'
  | 'animation'
  | 'round'
  | 'webpage'
  | 'geo'
  | 'contact'
  | 'poll'
  | 'dice'
  | 'other';

/** The downloadable kinds: everything a user may toggle with MEDIA_TYPES. */
export const DOWNLOADABLE_MEDIA: readonly MediaKind[] = [
  'photo',
  'video',
  'document',
  'voice',
  'audio',
  'sticker',
  'animation',
  'round',
];

export interface MessageEntity {
  /** Telegram entity kind in lower camel case: bold, italic, url, textUrl, mention, mentionName, code, pre, … */
  readonly type: string;
  readonly offset: number;
  readonly length: number;
  readonly url?: string;
  readonly userId?: string;
  readonly language?: string;
  readonly customEmojiId?: string;
}

export interface MediaDescriptor {
  readonly kind: MediaKind;
  /** Telegram's photo/document id: identifies the file across messages and forwards. */
  readonly fileId?: string;
  readonly size?: number;
  readonly mimeType?: string;
  readonly fileName?: string;
  readonly width?: number;
  readonly height?: number;
  readonly durationSeconds?: number;
  /** Kind-specific facts for non-file media: a poll's question, a venue's title, a link preview's URL… */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface ReplyTo {
  readonly messageId?: number;
  readonly topicId?: number;
  /** Set when the reply points into another chat. */
  readonly peer?: PeerRef;
  readonly quoteText?: string;
}

export interface ForwardOrigin {
  readonly from?: PeerRef;
  /** For senders who hide their account. */
  readonly fromName?: string;
  readonly date: IsoDate;
  readonly channelPostId?: number;
  readonly postAuthor?: string;
}

/** A service message ("Alice joined", "title changed"): the action kind and its facts. */
export interface ServiceAction {
  readonly type: string;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface MessageContent {
  readonly text: string;
  readonly entities: readonly MessageEntity[];
  readonly media?: MediaDescriptor;
}

export interface ReactionCount {
  /** An emoji, `custom:<documentId>` for custom emoji, or `paid`. */
  readonly reaction: string;
  readonly count: number;
  readonly chosenByMe?: boolean;
}

export interface RecentReactor {
  readonly reaction: string;
  readonly peer: PeerRef;
  readonly date?: IsoDate;
}

// ---- chats and users ----

export interface ChatObservedV1 {
  readonly chat: PeerRef;
  readonly chatType: ChatType;
  readonly title: string;
  readonly username?: string;
  readonly about?: string;
  readonly participantCount?: number;
  readonly forum: boolean;
  readonly photoId?: string;
}

export interface ChatMigratedV1 {
  /** The basic group that was upgraded. */
  readonly from: PeerRef;
  /** The supergroup that replaced it. */
  readonly to: PeerRef;
  /** The last message id in the old group, when known. */
  readonly lastMessageId?: number;
}

export interface UserObservedV1 {
  readonly userId: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly username?: string;
  readonly bot: boolean;
  readonly deleted?: boolean;
}

// ---- messages ----

export interface MessageCreatedV1 extends MessageContent {
  readonly chat: PeerRef;
  readonly messageId: number;
  readonly date: IsoDate;
  /** Absent for channel posts without a signature. */
  readonly sender?: PeerRef;
  readonly outgoing: boolean;
  readonly replyTo?: ReplyTo;
  readonly forward?: ForwardOrigin;
  readonly groupedId?: string;
  readonly viaBotId?: string;
  readonly postAuthor?: string;
  readonly views?: number;
  readonly forwards?: number;
  /** Present when the message had already been edited when we first saw it. */
  readonly editDate?: IsoDate;
  readonly service?: ServiceAction;
}

export interface MessageEditedV1 extends MessageContent {
  readonly chat: PeerRef;
  readonly messageId: number;
  /** Telegram's edit_date; undefined when the content changed without one (seen by backfill only). */
  readonly editDate?: IsoDate;
  /** SHA-256 (hex) of the new content; part of the event id so each distinct version is stored once. */
  readonly contentHash: string;
}

export type DeletionMatch = 'peer' | 'lookup' | 'verify';

export interface MessageDeletedV1 {
  readonly chat: PeerRef;
  readonly messageId: number;
  readonly observedAt: IsoDate;
  /** How the chat was known: carried by the update, resolved through the read model, or a backfill verify. */
  readonly matchedBy: DeletionMatch;
}

export interface MessageReactionsChangedV1 {
  readonly chat: PeerRef;
  readonly messageId: number;
  /** The full snapshot of counts, not a delta. Empty when all reactions were removed. */
  readonly reactions: readonly ReactionCount[];
  readonly recent?: readonly RecentReactor[];
  /** SHA-256 (hex) of the snapshot; the event id discriminator. */
  readonly snapshotHash: string;
}

export interface MessagePinnedV1 {
  readonly chat: PeerRef;
  readonly messageId: number;
}

export type MessageUnpinnedV1 = MessagePinnedV1;

export interface MediaDownloadedV1 {
  readonly chat: PeerRef;
  readonly messageId: number;
  readonly sha256: string;
  readonly size: number;
  readonly mimeType: string;
  /** File extension without the dot, used in media/ab/<sha256>.<ext>. */
  readonly extension: string;
  /** The original name lives here, never in the stored path. */
  readonly fileName?: string;
  readonly width?: number;
  readonly height?: number;
  readonly durationSeconds?: number;
}

export type MediaSkipReason = 'type-disabled' | 'too-large' | 'chat-opted-out' | 'unavailable' | 'failed';

export interface MediaSkippedV1 {
  readonly chat: PeerRef;
  readonly messageId: number;
  readonly reason: MediaSkipReason;
  readonly detail?: string;
}

// ---- account ----

export interface AccountLinkedV1 {
  readonly userId: string;
  readonly firstName?: string;
  readonly username?: string;
}

export interface DeletionUnresolvedV1 {
  readonly messageIds: readonly number[];
  readonly observedAt: IsoDate;
  readonly reason: string;
}

export type BackfillMode = 'catch-up' | 'full' | 'verify' | 'range';

/** Inclusive range of message ids. */
export interface MessageIdRange {
  readonly from: number;
  readonly to: number;
}

export interface BackfillRunStartedV1 {
  readonly runId: string;
  readonly chat: PeerRef;
  readonly mode: BackfillMode;
  readonly since?: IsoDate;
  readonly until?: IsoDate;
}

export interface BackfillRunCompletedV1 {
  readonly runId: string;
  readonly chat: PeerRef;
  readonly status: 'completed' | 'interrupted' | 'failed';
  readonly fetched: number;
  readonly created: number;
  readonly edited: number;
  readonly deleted: number;
  readonly reason?: string;
  /** Where the next run continues (oldest message id not yet fetched). */
  readonly resumeFromMessageId?: number;
  /** The chat's newest message id when the run started. */
  readonly head?: number;
  /**
   * Every id range that this and all earlier runs walked completely, holes included, so that
   * holes left by deleted messages are not walked again. Cumulative: the latest event suffices.
   */
  readonly walked?: readonly MessageIdRange[];
  /** full/verify interrupted: what this pass (with the runs it resumed) has done; the next run of the same pass skips it. */
  readonly passDone?: readonly MessageIdRange[];
}

export interface GapDetectedV1 {
  /** Absent when the common box (private chats, basic groups) overflowed. */
  readonly chat?: PeerRef;
  readonly reason: 'differenceTooLong' | 'channelDifferenceTooLong' | 'updatesTooLong';
  readonly fromPts?: number;
  readonly toPts?: number;
  /** True: the backfiller should walk this chat (or every dialog when no chat is given). */
  readonly backfillRequested: boolean;
}
