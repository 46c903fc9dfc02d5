// The gateway: everything the archive asks of Telegram, in our own types. src/ingest depends on
// this interface only; src/telegram/gramjs-gateway.ts implements it with gramjs.
import type { EventSource } from '../events/envelope.ts';
import type { MediaLocation, MessageObservation, Observation } from '../events/observations.ts';
import type { PeerRef } from '../events/peers.ts';

export interface AccountInfo {
  readonly userId: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly username?: string;
}

/** The common message box (private chats, basic groups) or one channel's box. */
export type BoxRef = { readonly kind: 'common' } | { readonly kind: 'channel'; readonly channelId: string };

export const COMMON_BOX: BoxRef = { kind: 'common' };

/** The account's update state as Telegram counts it. */
export interface UpdateState {
  readonly pts: number;
  readonly qts: number;
  readonly date: number;
  readonly seq: number;
}

/** One update inside a batch: its place in a box (when it has one) and what it tells. */
export interface UpdateItem {
  readonly box?: BoxRef;
  /** pts after this update, and how many pts it spans; both absent for updates outside any box. */
  readonly pts?: number;
  readonly ptsCount?: number;
  readonly qts?: number;
  readonly observations: readonly Observation[];
  /** Telegram says a channel has updates we have not seen (updateChannelTooLong). */
  readonly channelTooLong?: { readonly channelId: string; readonly pts?: number };
}

/** One Updates container (or short update) as pushed by Telegram. */
export interface UpdateBatch {
  readonly items: readonly UpdateItem[];
  /** Users and chats that came with the batch. */
  readonly entities: readonly Observation[];
  /** seq of the container (0: not part of the seq sequence). */
  readonly seq: number;
  readonly seqStart: number;
  readonly date?: number;
}

export type ConnectionState = 'connected' | 'disconnected' | 'broken';

export type GatewayEvent =
  | { readonly kind: 'updates'; readonly batch: UpdateBatch }
  /** updatesTooLong: too many updates to push; the client must call getDifference. */
  | { readonly kind: 'tooLong' }
  | { readonly kind: 'connection'; readonly state: ConnectionState };

export type DifferenceResult =
  | { readonly kind: 'empty'; readonly date: number; readonly seq: number }
  | {
      readonly kind: 'difference';
      readonly items: readonly UpdateItem[];
      readonly entities: readonly Observation[];
      readonly state: UpdateState;
      /** false for a differenceSlice: call again from `state`. */
      readonly final: boolean;
    }
  /** Too much was missed: set pts to this and refetch what matters some other way (backfill). */
  | { readonly kind: 'tooLong'; readonly pts: number };

export type ChannelDifferenceResult =
  | { readonly kind: 'empty'; readonly pts: number; readonly final: boolean }
  | {
      readonly kind: 'difference';
      readonly pts: number;
      readonly final: boolean;
      readonly items: readonly UpdateItem[];
      readonly entities: readonly Observation[];
    }
  | {
      readonly kind: 'tooLong';
      /** The channel's current pts: continue from here. */
      readonly pts: number;
      /** The newest messages, which Telegram sends along. */
      readonly messages: readonly MessageObservation[];
      readonly entities: readonly Observation[];
    };

export interface Dialog {
  readonly chat: PeerRef;
  readonly topMessageId: number;
  /** The channel's pts, for channels. */
  readonly pts?: number;
  /** The chat itself (title, type…). */
  readonly observation?: Observation;
}

export interface DialogPage {
  readonly dialogs: readonly Dialog[];
  /** Users, chats and top messages that came with the page. */
  readonly entities: readonly Observation[];
  readonly topMessages: readonly MessageObservation[];
}

export interface HistoryQuery {
  /** Messages older than this id (0 or absent: from the newest). */
  readonly offsetId?: number;
  readonly addOffset?: number;
  readonly limit: number;
  /** Only ids above this one. */
  readonly minId?: number;
  /** Only ids below this one. */
  readonly maxId?: number;
}

export interface HistoryPage {
  /** Newest first, as Telegram returns them. */
  readonly messages: readonly MessageObservation[];
  readonly entities: readonly Observation[];
  /** Total messages in the chat, when Telegram says. */
  readonly count?: number;
  /** The channel's pts at the time of the answer (channels only). */
  readonly channelPts?: number;
}

export interface ResolvedPeer {
  readonly peer: PeerRef;
  readonly entities: readonly Observation[];
}

export interface DownloadOptions {
  /** Where the file is, from the message observation; fetched from the message when absent. */
  readonly location?: MediaLocation;
  /** Byte offset to start at (resuming a .part file); rounded down to the chunk grid by the caller. */
  readonly offset?: number;
  /** Chunk size: a multiple of 4096 that divides 1 MiB. Default 512 KiB. */
  readonly chunkSize?: number;
  readonly signal?: AbortSignal;
  /** For each chunk request, as in CallOptions (0: paced by the caller); not for the file's lookup. */
  readonly maxFloodWaitSeconds?: number;
}

/** Per-call pacing: how long a FLOOD_WAIT may be before the call gives up instead of waiting. */
export interface CallOptions {
  /**
   * 0: the caller already took this call's turn from the shared pacer and sits out flood waits
   * itself, so it is sent at once and a FLOOD_WAIT comes back as FloodWaitTooLongError.
   */
  readonly maxFloodWaitSeconds?: number;
  readonly signal?: AbortSignal;
  /** Recorded in the observations' metadata (defaults: live for pushes, difference, backfill for reads). */
  readonly source?: EventSource;
}

export interface TelegramGateway {
  /** Connects and checks the session is logged in; throws NotAuthorizedError otherwise. */
  connect(signal?: AbortSignal): Promise<AccountInfo>;
  /** Receives pushed updates and connection changes, in arrival order. Returns an unsubscribe. */
  subscribe(listener: (event: GatewayEvent) => void): () => void;
  getState(options?: CallOptions): Promise<UpdateState>;
  getDifference(state: UpdateState, options?: CallOptions): Promise<DifferenceResult>;
  getChannelDifference(
    channelId: string,
    pts: number,
    limit: number,
    options?: CallOptions,
  ): Promise<ChannelDifferenceResult>;
  /** The full chat: about, participant count (and the chat itself). */
  getChatInfo(chat: PeerRef, options?: CallOptions): Promise<readonly Observation[]>;
  /** All dialogs, page by page, paced and flood-safe. */
  dialogs(pageSize?: number, options?: CallOptions): AsyncIterable<DialogPage>;
  history(chat: PeerRef, query: HistoryQuery, options?: CallOptions): Promise<HistoryPage>;
  /** Messages by id; undefined where the message does not exist (deleted). */
  messagesByIds(
    chat: PeerRef,
    ids: readonly number[],
    options?: CallOptions,
  ): Promise<readonly (MessageObservation | undefined)[]>;
  resolveUsername(username: string, options?: CallOptions): Promise<ResolvedPeer>;
  /**
   * The message's file in chunks, from `offset`. An expired file reference is refreshed from the
   * message and the download continues; a message without a file gives MediaUnavailableError.
   */
  downloadMedia(chat: PeerRef, messageId: number, options?: DownloadOptions): AsyncIterable<Buffer>;
  /** The access hash the gateway knows for a channel or user (persist it to reach the peer after a restart). */
  peerHint(peer: PeerRef): string | undefined;
  rememberPeerHint(peer: PeerRef, accessHash: string): void;
  disconnect(): Promise<void>;
}
