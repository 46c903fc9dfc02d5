// Current state of a message, chat or user, folded from its stream. Deciders compare observations
// with it; `version` is the stream version the next append expects (optimistic concurrency).
import type { DomainEvent } from '../events/catalogue.ts';
import type { StoredEvent } from '../events/envelope.ts';
import { contentHash } from '../events/ids.ts';
import type { ReactionsSnapshot } from '../events/observations.ts';
import type {
  ChatMigratedV1,
  ChatObservedV1,
  IsoDate,
  MessageContent,
  UserObservedV1,
} from '../events/payloads.ts';

/** -1: the stream does not exist yet. */
export type StreamVersion = number;

export interface MessageState {
  readonly version: StreamVersion;
  readonly created: boolean;
  readonly deleted: boolean;
  /** Hash of the current text, entities and media (content identity for edits). */
  readonly contentHash?: string;
  readonly editDate?: IsoDate;
  /** Hash of the last reaction snapshot; undefined when none was ever recorded. */
  readonly reactionsHash?: string;
  readonly pinned: boolean;
  /** Telegram's id of the current file, so an edit that swaps the file is told from a caption edit. */
  readonly mediaFileId?: string;
}

export const EMPTY_MESSAGE: MessageState = { version: -1, created: false, deleted: false, pinned: false };

/** The content identity: what an edit can change. */
export function messageContentHash(content: MessageContent): string {
  return contentHash({ text: content.text, entities: content.entities, media: content.media ?? null });
}

/** The identity of a reaction snapshot; order of counts as Telegram gives it does not matter. */
export function reactionsHash(snapshot: ReactionsSnapshot): string {
  const reactions = [...snapshot.reactions].sort((a, b) =>
    a.reaction < b.reaction ? -1 : a.reaction > b.reaction ? 1 : 0,
  );
  return contentHash({ reactions, recent: snapshot.recent ?? [] });
}

export const EMPTY_REACTIONS_HASH = reactionsHash({ reactions: [] });

export function evolveMessage(state: MessageState, event: DomainEvent, version: number): MessageState {
  switch (event.type) {
    case 'MessageCreated':
      return {
        ...state,
        version,
        created: true,
        contentHash: messageContentHash(event.data),
        editDate: event.data.editDate,
        mediaFileId: event.data.media?.fileId,
      };
    case 'MessageEdited':
      return {
        ...state,
        version,
        contentHash: event.data.contentHash,
        editDate: event.data.editDate ?? state.editDate,
        mediaFileId: event.data.media?.fileId,
      };
    case 'MessageDeleted':
      return { ...state, version, deleted: true };
    case 'MessageReactionsChanged':
      return { ...state, version, reactionsHash: event.data.snapshotHash };
    case 'MessagePinned':
      return { ...state, version, pinned: true };
    case 'MessageUnpinned':
      return { ...state, version, pinned: false };
    default:
      return { ...state, version };
  }
}

export function foldMessage(events: readonly StoredEvent[]): MessageState {
  return events.reduce((state, event) => evolveMessage(state, event, event.streamVersion), EMPTY_MESSAGE);
}

export interface ChatState {
  readonly version: StreamVersion;
  /** The last ChatObserved payload. */
  readonly observed?: ChatObservedV1;
  readonly migratedTo?: ChatMigratedV1['to'];
}

export const EMPTY_CHAT: ChatState = { version: -1 };

export function evolveChat(state: ChatState, event: DomainEvent, version: number): ChatState {
  switch (event.type) {
    case 'ChatObserved':
      return { ...state, version, observed: event.data };
    case 'ChatMigrated':
      return { ...state, version, migratedTo: event.data.to };
    default:
      return { ...state, version };
  }
}

export function foldChat(events: readonly StoredEvent[]): ChatState {
  return events.reduce((state, event) => evolveChat(state, event, event.streamVersion), EMPTY_CHAT);
}

export interface UserState {
  readonly version: StreamVersion;
  readonly observed?: UserObservedV1;
}

export const EMPTY_USER: UserState = { version: -1 };

export function evolveUser(state: UserState, event: DomainEvent, version: number): UserState {
  return event.type === 'UserObserved' ? { version, observed: event.data } : { ...state, version };
}

export function foldUser(events: readonly StoredEvent[]): UserState {
  return events.reduce((state, event) => evolveUser(state, event, event.streamVersion), EMPTY_USER);
}
