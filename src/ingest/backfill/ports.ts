// What the backfiller needs from the outside, kept narrow so it runs against the Telegram gateway
// in production and against small fakes in unit tests. Message and entity types stay generic: the
// backfiller only reads ids, dates, media and migrations, and hands the rest to the capture step.
import type { ChatType, MediaDescriptor } from '../../events/payloads.ts';
import type { PeerRef } from '../../events/peers.ts';

/** A chat as the dialog list (or a username lookup) shows it. */
export interface ChatInfo {
  readonly chat: PeerRef;
  readonly chatType: ChatType;
  /** Chat title, or the user's name for private chats. */
  readonly title: string;
  readonly username?: string;
  /** Newest message id; undefined when not known (a chat found by username outside the dialogs). */
  readonly topMessageId?: number;
}

/** The fields of a history message the backfiller reads (the gateway's message observation has them). */
export interface PageMessage {
  readonly message: {
    readonly chat: PeerRef;
    readonly messageId: number;
    readonly date: string;
    readonly media?: MediaDescriptor;
  };
}

/** An entity that came with a page; migrations link a basic group and its supergroup. */
export interface PageEntity {
  readonly kind: string;
  readonly migration?: { readonly from: PeerRef; readonly to: PeerRef; readonly lastMessageId?: number };
}

export interface HistoryPage<M extends PageMessage, E extends PageEntity> {
  /** Newest first. */
  readonly messages: readonly M[];
  readonly entities: readonly E[];
}

export interface HistoryQuery {
  readonly offsetId: number;
  readonly minId: number;
  readonly limit: number;
}

export interface BackfillTelegram<M extends PageMessage, E extends PageEntity> {
  /**
   * Every dialog, page by page, paced by the port itself: a page of an iterator cannot be asked again
   * from outside, so the port sits out flood waits (on the shared pacer, which counts them).
   */
  dialogs(signal?: AbortSignal): AsyncIterable<readonly ChatInfo[]>;
  /** undefined when no such username exists. */
  resolveUsername(username: string, signal?: AbortSignal): Promise<ChatInfo | undefined>;
  /** The chat itself by id, for chats not in the dialog list (a migrated basic group). */
  chatById?(chat: PeerRef, signal?: AbortSignal): Promise<ChatInfo | undefined>;
  history(chat: PeerRef, query: HistoryQuery, signal?: AbortSignal): Promise<HistoryPage<M, E>>;
}

export interface CaptureCounts {
  readonly created: number;
  readonly edited: number;
  readonly deleted: number;
}

export interface CaptureInput<M extends PageMessage, E extends PageEntity> {
  readonly chat: PeerRef;
  readonly messages: readonly M[];
  readonly entities: readonly E[];
  /** Archived messages the page proves gone (MessageDeleted, matched by verify). */
  readonly deletedIds: readonly number[];
  readonly runId: string;
}

/** The shared ingest path: observations through the deciders into the store, as the listener does. */
export interface PageCapture<M extends PageMessage, E extends PageEntity> {
  capture(input: CaptureInput<M, E>): Promise<CaptureCounts>;
}
