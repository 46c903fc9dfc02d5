// Row shapes the projector works with, named after the entity properties (the writer maps them to
// columns through the ORM metadata). Times are epoch milliseconds, so rows compare and serialize
// the same on every database; relations hold the referenced key.
import type {
  ForwardOrigin,
  MediaDescriptor,
  MessageEntity,
  ReactionCount,
  RecentReactor,
  ServiceAction,
} from '../src/events/payloads.ts';
import type { SearchableMessage } from './search/document.ts';

export type Millis = number;

export interface AccountRow {
  id: string;
  firstName: string | null;
  username: string | null;
  linkedAt: Millis | null;
  unresolvedDeletionCount: number;
  streamVersion: number;
}

export interface ChatRow {
  id: string;
  account: string;
  peer: string;
  kind: string;
  peerId: string;
  type: string | null;
  title: string | null;
  username: string | null;
  about: string | null;
  participantCount: number | null;
  forum: boolean;
  photoId: string | null;
  migratedTo: string | null;
  migratedFrom: string | null;
  lastMessageId: number | null;
  lastMessageDate: Millis | null;
  messageCount: number;
  deletedCount: number;
  firstObservedAt: Millis | null;
  observedAt: Millis | null;
  streamVersion: number;
}

export interface UserRow {
  id: string;
  account: string;
  userId: string;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  bot: boolean;
  deleted: boolean;
  firstObservedAt: Millis;
  observedAt: Millis;
  currentNameId: string;
  nameSince: Millis;
  streamVersion: number;
}

export interface UserNameRow {
  id: string;
  user: string;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  validFrom: Millis;
  validTo: Millis | null;
}

export interface MessageRow {
  id: number;
  chat: string;
  account: string;
  chatPeer: string;
  chatKind: string;
  messageId: number;
  date: Millis | null;
  senderPeer: string | null;
  outgoing: boolean;
  text: string;
  entities: readonly MessageEntity[];
  media: MediaDescriptor | null;
  mediaKind: string | null;
  service: ServiceAction | null;
  replyToMessageId: number | null;
  replyToTopicId: number | null;
  replyToPeer: string | null;
  replyQuote: string | null;
  topicId: number | null;
  forward: ForwardOrigin | null;
  forwardFromPeer: string | null;
  groupedId: string | null;
  viaBotId: string | null;
  postAuthor: string | null;
  views: number | null;
  forwards: number | null;
  editCount: number;
  lastEditedAt: Millis | null;
  versionCount: number;
  currentVersionId: string | null;
  currentVersionFrom: Millis | null;
  deletedAt: Millis | null;
  deletionSource: string | null;
  deletionMatchedBy: string | null;
  pinned: boolean;
  reactionsTotal: number;
  reactionsHash: string | null;
  mediaSha256: string | null;
  mediaSkipReason: string | null;
  mediaSkipDetail: string | null;
  firstObservedAt: Millis;
  streamVersion: number;
}

export interface MessageVersionRow {
  message: number;
  versionNo: number;
  eventId: string;
  chat: string;
  messageId: number;
  text: string;
  entities: readonly MessageEntity[];
  media: MediaDescriptor | null;
  editDate: Millis | null;
  validFrom: Millis;
  validTo: Millis | null;
  source: string;
}

export interface ReactionRow {
  message: number;
  reaction: string;
  count: number;
  chosenByMe: boolean;
}

export interface ReactionSnapshotRow {
  id: string;
  message: number;
  reactions: readonly ReactionCount[];
  recent: readonly RecentReactor[] | null;
  total: number;
  observedAt: Millis;
}

export interface PinRow {
  id: string;
  message: number;
  chat: string;
  pinned: boolean;
  observedAt: Millis;
  source: string;
}

export interface MediaRow {
  sha256: string;
  size: number;
  mimeType: string;
  extension: string;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  firstSeenAt: Millis;
}

export interface MessageMediaRow {
  message: number;
  media: string;
  fileName: string | null;
  downloadedAt: Millis;
}

export interface BackfillRunRow {
  runId: string;
  account: string;
  chatId: string;
  mode: string | null;
  since: Millis | null;
  until: Millis | null;
  status: string;
  fetched: number | null;
  created: number | null;
  edited: number | null;
  deleted: number | null;
  reason: string | null;
  resumeFromMessageId: number | null;
  startedAt: Millis | null;
  completedAt: Millis | null;
}

export interface UnresolvedDeletionRow {
  eventId: string;
  messageId: number;
  account: string;
  observedAt: Millis;
  reason: string;
}

export interface CheckpointRow {
  name: string;
  version: number;
  position: string | null;
  sequence: number | null;
  lastEventId: string | null;
  lastRecordedAt: Millis | null;
  eventCount: number;
  updatedAt: Millis;
}

export interface SkippedEventRow {
  eventId: string;
  position: string;
  stream: string;
  type: string;
  reason: string;
  skippedAt: Millis;
}

/** The current rows a batch needs, loaded in a few set-based queries before the handlers run. */
export interface LoadedRows {
  readonly accounts: ReadonlyMap<string, AccountRow>;
  readonly chats: ReadonlyMap<string, ChatRow>;
  readonly users: ReadonlyMap<string, UserRow>;
  /** Keyed by messageKey (keys.ts). */
  readonly messages: ReadonlyMap<string, MessageRow>;
  readonly backfillRuns: ReadonlyMap<string, BackfillRunRow>;
  /** The next free messages.id. */
  readonly nextMessagePk: number;
}

/** What the loader must fetch for a batch. */
export interface BatchNeeds {
  readonly accounts: Set<string>;
  readonly chats: Set<string>;
  readonly users: Set<string>;
  /** messageKey -> (chat key, Telegram message id) */
  readonly messages: Map<string, { chat: string; messageId: number }>;
  readonly backfillRuns: Set<string>;
}

/** Changed columns of an existing row, found by its primary key. */
export interface RowPatch {
  readonly key: readonly unknown[];
  readonly changes: Readonly<Record<string, unknown>>;
}

/** A new text for the search index: the message's surrogate id and its normalized document. */
export interface SearchWrite {
  readonly message: number;
  /** The message's searchable parts; the writer derives the document (search/document.ts). */
  readonly source: SearchableMessage;
  /** The message is new in this batch, so there is no earlier document to replace. */
  readonly fresh: boolean;
}

/** Set-based writes for one batch, applied in this order inside the batch's transaction. */
export interface WriteSet {
  readonly accounts: AccountRow[];
  readonly chats: ChatRow[];
  readonly users: UserRow[];
  readonly userNames: UserNameRow[];
  readonly media: MediaRow[];
  /** Messages new in this batch (inserted whole). */
  readonly messages: MessageRow[];
  /** Messages from earlier batches: only the changed columns. */
  readonly messageChanges: RowPatch[];
  /** New versions, and versions created and superseded within this batch. */
  readonly messageVersions: MessageVersionRow[];
  /** Versions from earlier batches that this batch superseded. */
  readonly closedVersions: { message: number; versionNo: number; validTo: Millis }[];
  /** Names from earlier batches that this batch superseded. */
  readonly closedNames: { id: string; validTo: Millis }[];
  /** Messages whose current reactions are replaced by `reactions`. */
  readonly reactionsReplaced: number[];
  readonly reactions: ReactionRow[];
  readonly reactionSnapshots: ReactionSnapshotRow[];
  readonly pins: PinRow[];
  readonly messageMedia: MessageMediaRow[];
  readonly backfillRuns: BackfillRunRow[];
  readonly unresolvedDeletions: UnresolvedDeletionRow[];
  readonly search: SearchWrite[];
}

/** What an applied event touched, for the in-process notification (the viewer's live updates). */
export interface AppliedEvent {
  readonly id: string;
  readonly type: string;
  readonly stream: string;
  readonly position: string;
  /** Chat key, for events about a chat or a message in it. */
  readonly chat?: string;
  readonly messageId?: number;
}
