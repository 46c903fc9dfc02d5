// The event catalogue: every event type, its payload and its current schema version. A discriminated
// union lets handlers switch on `type` and get the right payload type.
import type * as P from './payloads.ts';

export interface EventPayloads {
  ChatObserved: P.ChatObservedV1;
  ChatMigrated: P.ChatMigratedV1;
  UserObserved: P.UserObservedV1;
  MessageCreated: P.MessageCreatedV1;
  MessageEdited: P.MessageEditedV1;
  MessageDeleted: P.MessageDeletedV1;
  MessageReactionsChanged: P.MessageReactionsChangedV1;
  MessagePinned: P.MessagePinnedV1;
  MessageUnpinned: P.MessageUnpinnedV1;
  MediaDownloaded: P.MediaDownloadedV1;
  MediaSkipped: P.MediaSkippedV1;
  AccountLinked: P.AccountLinkedV1;
  DeletionUnresolved: P.DeletionUnresolvedV1;
  BackfillRunStarted: P.BackfillRunStartedV1;
  BackfillRunCompleted: P.BackfillRunCompletedV1;
  GapDetected: P.GapDetectedV1;
}

export type EventType = keyof EventPayloads;

/** Current schema version per type: what writers produce and what readers upcast to. */
export const SCHEMA_VERSIONS: Readonly<Record<EventType, number>> = {
  ChatObserved: 1,
  ChatMigrated: 1,
  UserObserved: 1,
  MessageCreated: 1,
  MessageEdited: 1,
  MessageDeleted: 1,
  MessageReactionsChanged: 1,
  MessagePinned: 1,
  MessageUnpinned: 1,
  MediaDownloaded: 1,
  MediaSkipped: 1,
  AccountLinked: 1,
  DeletionUnresolved: 1,
  BackfillRunStarted: 1,
  BackfillRunCompleted: 1,
  GapDetected: 1,
};

export const EVENT_TYPES = Object.keys(SCHEMA_VERSIONS) as EventType[];

export const isEventType = (type: string): type is EventType => Object.hasOwn(SCHEMA_VERSIONS, type);

/** One domain event: type and payload, correlated. */
export type DomainEvent = {
  [T in EventType]: { readonly type: T; readonly data: EventPayloads[T] };
}[EventType];

export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;
