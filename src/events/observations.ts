// Observations: what the archive saw on Telegram, before any decision. The gateway maps Telegram's
// objects into these; deciders compare them with the current state and emit events only for real
// changes. They come from live updates, differences and history pages alike, so deciders never need
// to know where an observation came from: that goes into the event metadata.
import type { EventSource } from './envelope.ts';
import type {
  ChatMigratedV1,
  ChatType,
  DeletionMatch,
  IsoDate,
  MessageCreatedV1,
  ReactionCount,
  RecentReactor,
} from './payloads.ts';
import type { PeerRef } from './peers.ts';

export interface ObservationMeta {
  readonly source: EventSource;
  readonly observedAt: IsoDate;
  /** The Telegram API layer the object was decoded with. */
  readonly layer?: number;
  /** The raw TL object as JSON (bigints as strings, bytes as base64). */
  readonly raw?: unknown;
}

export interface ReactionsSnapshot {
  readonly reactions: readonly ReactionCount[];
  readonly recent?: readonly RecentReactor[];
}

/**
 * Where a message's file can be fetched from: opaque to everyone but the gateway, which made it.
 * The file reference in it expires; the gateway refreshes it from the message when it does.
 */
export interface MediaLocation {
  readonly location: 'photo' | 'document';
  readonly id: string;
  readonly accessHash: string;
  /** base64 */
  readonly fileReference: string;
  readonly dcId: number;
  /** Photo size type to download ('' for documents). */
  readonly thumbSize: string;
  readonly size?: number;
}

/** A whole message as Telegram currently shows it: a new message, an edit, or a history page entry. */
export interface MessageObservation {
  readonly kind: 'message';
  /** The full current snapshot in MessageCreated shape; `editDate` set when it has been edited. */
  readonly message: MessageCreatedV1;
  /** The reaction counts carried by the message; undefined when the source does not say (short updates). */
  readonly reactions?: ReactionsSnapshot;
  /** Telegram's pinned flag; undefined when the source does not carry it (service messages, short updates). */
  readonly pinned?: boolean;
  readonly mediaLocation?: MediaLocation;
  readonly meta: ObservationMeta;
}

/** Messages deleted. Channels name the chat; private chats and basic groups do not. */
export interface DeletionObservation {
  readonly kind: 'deletion';
  readonly chat?: PeerRef;
  readonly messageIds: readonly number[];
  /** With a chat: how it is known; 'verify' when a backfill page proved the messages gone (default 'peer'). */
  readonly matchedBy?: DeletionMatch;
  readonly meta: ObservationMeta;
}

/** A new reaction snapshot for one message (UpdateMessageReactions). */
export interface ReactionsObservation {
  readonly kind: 'reactions';
  readonly chat: PeerRef;
  readonly messageId: number;
  readonly snapshot: ReactionsSnapshot;
  readonly meta: ObservationMeta;
}

export interface PinsObservation {
  readonly kind: 'pins';
  readonly chat: PeerRef;
  readonly messageIds: readonly number[];
  readonly pinned: boolean;
  readonly meta: ObservationMeta;
}

/**
 * A chat as seen in some Telegram answer. `about` and `participantCount` are only known from the full
 * chat (undefined: not known here, keep what was seen before); the other fields are authoritative.
 */
export interface ChatObservation {
  readonly kind: 'chat';
  readonly chat: PeerRef;
  readonly chatType: ChatType;
  readonly title: string;
  readonly username?: string;
  readonly photoId?: string;
  readonly forum: boolean;
  readonly about?: string;
  readonly participantCount?: number;
  readonly meta: ObservationMeta;
}

/** Telegram says a chat's info changed without saying how (UpdateChannel, UpdateChat): fetch it. */
export interface ChatChangedObservation {
  readonly kind: 'chatChanged';
  readonly chat: PeerRef;
  readonly meta: ObservationMeta;
}

export interface MigrationObservation {
  readonly kind: 'migration';
  readonly migration: ChatMigratedV1;
  readonly meta: ObservationMeta;
}

/** A user as seen; `bot`/`deleted` undefined when the source does not say (a rename update). */
export interface UserObservation {
  readonly kind: 'user';
  readonly userId: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly username?: string;
  readonly bot?: boolean;
  readonly deleted?: boolean;
  readonly meta: ObservationMeta;
}

export type Observation =
  | MessageObservation
  | DeletionObservation
  | ReactionsObservation
  | PinsObservation
  | ChatObservation
  | ChatChangedObservation
  | MigrationObservation
  | UserObservation;

export type ObservationKind = Observation['kind'];

/** The chat an observation belongs to, when it names one (used to pick its serial queue). */
export function observationChat(observation: Observation): PeerRef | undefined {
  switch (observation.kind) {
    case 'message':
      return observation.message.chat;
    case 'deletion':
      return observation.chat;
    case 'reactions':
    case 'pins':
    case 'chat':
    case 'chatChanged':
      return observation.chat;
    case 'migration':
      return observation.migration.from;
    case 'user':
      return undefined;
  }
}

/** A private chat is named after the other user; bots are their own chat type. */
export function privateChatOf(user: UserObservation): ChatObservation {
  const title =
    [user.firstName, user.lastName].filter((part) => part && part.trim() !== '').join(' ') ||
    (user.username ? `@${user.username}` : user.deleted ? 'Deleted account' : `user ${user.userId}`);
  return {
    kind: 'chat',
    chat: { kind: 'user', id: user.userId },
    chatType: user.bot ? 'bot' : 'private',
    title,
    forum: false,
    ...(user.username ? { username: user.username } : {}),
    meta: user.meta,
  };
}
