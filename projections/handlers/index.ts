// The projector's pure core: given a batch of stored events and the current rows they touch, fold
// the events into those rows and return set-based writes. No I/O and no clock: the same events and
// rows always give the same writes, which is what makes a rebuild equal to incremental projection.
import type { StoredEvent, StoredEventOf } from '../../src/events/envelope.ts';
import type { ParsedStream, PeerRef } from '../../src/events/peers.ts';
import { chatKey, messageKeyIn, userKey } from '../keys.ts';
import type { AppliedEvent, BatchNeeds, LoadedRows, WriteSet } from '../model.ts';
import { type AccountEvent, accountEvent } from './account.ts';
import { chatMigrated, chatObserved, userObserved } from './chats.ts';
import { BatchDraft } from './draft.ts';
import * as message from './messages.ts';
import { EventRejectedError, validateEvent } from './validate.ts';

export { EventRejectedError } from './validate.ts';

/** An event of the batch could not be applied; `index` is its place in the batch. */
export class BatchRejectedError extends Error {
  readonly index: number;
  readonly event: StoredEvent;
  readonly reason: string;
  constructor(index: number, event: StoredEvent, reason: string) {
    super(`Event ${event.id} (${event.type} at ${event.globalPosition}) cannot be projected: ${reason}`);
    this.name = 'BatchRejectedError';
    this.index = index;
    this.event = event;
    this.reason = reason;
  }
}

export interface ProjectedBatch {
  readonly writes: WriteSet;
  /** Events that changed the read model, in log order (redelivered ones are left out). */
  readonly applied: AppliedEvent[];
  /** Events found already applied by the stream-version guard. */
  readonly redelivered: number;
  /** Events passed over on the operator's request. */
  readonly skipped: StoredEvent[];
  /** The rows as the batch leaves them (see BatchDraft.rowsAfter). */
  rowsAfter(): LoadedRows;
}

export interface ProjectOptions {
  /** Event ids an operator chose to skip (`projections run --skip-event`). */
  readonly skip?: ReadonlySet<string>;
}

const isPeer = (value: unknown): value is PeerRef =>
  typeof value === 'object' && value !== null && typeof (value as PeerRef).id === 'string';

/** A valid event's parsed stream with the keys of its chat and message rows, once per batch. */
export interface CheckedEvent {
  readonly stream: ParsedStream;
  readonly chat: string | undefined;
  readonly message: string | undefined;
}

/** Validates each event of a batch: its parsed stream and keys, or why it cannot be applied. */
export function checkEvents(events: readonly StoredEvent[]): (CheckedEvent | EventRejectedError)[] {
  return events.map((event) => {
    let stream: ParsedStream;
    try {
      stream = validateEvent(event);
    } catch (error) {
      if (error instanceof EventRejectedError) return error;
      throw error;
    }
    switch (stream.category) {
      case 'message': {
        const chat = chatKey(stream.account, stream.chat);
        return { stream, chat, message: messageKeyIn(chat, stream.messageId) };
      }
      case 'chat':
        return { stream, chat: chatKey(stream.account, stream.chat), message: undefined };
      default:
        return { stream, chat: undefined, message: undefined };
    }
  });
}

/** The rows a batch needs. Tolerates malformed events: projectBatch rejects those with a reason. */
export function needsOf(
  events: readonly StoredEvent[],
  checked: readonly (CheckedEvent | EventRejectedError)[] = checkEvents(events),
): BatchNeeds {
  const needs: BatchNeeds = {
    accounts: new Set(),
    chats: new Set(),
    users: new Set(),
    messages: new Map(),
    backfillRuns: new Set(),
  };
  for (let i = 0; i < events.length; i++) {
    const info = checked[i]!;
    if (info instanceof EventRejectedError) continue;
    const { stream } = info;
    needs.accounts.add(stream.account);
    const data = events[i]!.data as unknown as Record<string, unknown>;
    switch (stream.category) {
      case 'message':
        needs.chats.add(info.chat!);
        needs.messages.set(info.message!, { chat: info.chat!, messageId: stream.messageId });
        break;
      case 'chat':
        needs.chats.add(info.chat!);
        for (const peer of [data.from, data.to])
          if (isPeer(peer)) needs.chats.add(chatKey(stream.account, peer));
        break;
      case 'user':
        needs.users.add(userKey(stream.account, stream.userId));
        break;
      case 'account':
        if (typeof data.runId === 'string') needs.backfillRuns.add(data.runId);
        break;
    }
  }
  return needs;
}

type MessageEvent =
  | StoredEventOf<'MessageCreated'>
  | StoredEventOf<'MessageEdited'>
  | StoredEventOf<'MessageDeleted'>
  | StoredEventOf<'MessageReactionsChanged'>
  | StoredEventOf<'MessagePinned'>
  | StoredEventOf<'MessageUnpinned'>
  | StoredEventOf<'MediaDownloaded'>
  | StoredEventOf<'MediaSkipped'>;

function applyMessageEvent(
  draft: BatchDraft,
  info: CheckedEvent,
  event: MessageEvent,
  observedAt: number,
): boolean {
  const stream = info.stream as Extract<ParsedStream, { category: 'message' }>;
  const key = info.message!;
  const existing = draft.findMessage(key);
  if (existing && event.streamVersion <= existing.streamVersion) return false;
  const row =
    existing ??
    draft.createMessage(key, stream.account, stream.chat, info.chat!, stream.messageId, observedAt);
  const ctx: message.MessageContext = { draft, key, row, observedAt };
  switch (event.type) {
    case 'MessageCreated':
      message.messageCreated(ctx, event);
      break;
    case 'MessageEdited':
      message.messageEdited(ctx, event);
      break;
    case 'MessageDeleted':
      message.messageDeleted(ctx, event);
      break;
    case 'MessageReactionsChanged':
      message.reactionsChanged(ctx, event);
      break;
    case 'MessagePinned':
    case 'MessageUnpinned':
      message.pinChanged(ctx, event);
      break;
    case 'MediaDownloaded':
      message.mediaDownloaded(ctx, event);
      break;
    case 'MediaSkipped':
      message.mediaSkipped(ctx, event);
      break;
  }
  row.streamVersion = event.streamVersion;
  draft.touchMessage(key);
  return true;
}

function applyEvent(draft: BatchDraft, event: StoredEvent, info: CheckedEvent): boolean {
  const stream = info.stream;
  const observedAt = Date.parse(event.metadata.observedAt);
  switch (event.type) {
    case 'ChatObserved':
      return chatObserved(draft, stream.account, event, observedAt);
    case 'ChatMigrated':
      return chatMigrated(
        draft,
        stream.account,
        (stream as Extract<ParsedStream, { category: 'chat' }>).chat,
        event,
      );
    case 'UserObserved':
      return userObserved(draft, stream.account, event, observedAt);
    case 'AccountLinked':
    case 'DeletionUnresolved':
    case 'BackfillRunStarted':
    case 'BackfillRunCompleted':
    case 'GapDetected':
      return accountEvent(draft, stream.account, event as AccountEvent, observedAt);
    default:
      return applyMessageEvent(draft, info, event as MessageEvent, observedAt);
  }
}

function describeApplied(event: StoredEvent, info: CheckedEvent): AppliedEvent {
  const base = { id: event.id, type: event.type, stream: event.stream, position: event.globalPosition };
  switch (info.stream.category) {
    case 'message':
      return { ...base, chat: info.chat!, messageId: info.stream.messageId };
    case 'chat':
      return { ...base, chat: info.chat! };
    default:
      return base;
  }
}

/**
 * Folds `events` (in log order) into `loaded` and returns the writes. Throws BatchRejectedError at
 * the first event that cannot be applied; the caller may project the events before it on their own.
 */
export function projectBatch(
  events: readonly StoredEvent[],
  loaded: LoadedRows,
  options: ProjectOptions = {},
  checked: readonly (CheckedEvent | EventRejectedError)[] = checkEvents(events),
): ProjectedBatch {
  const draft = new BatchDraft(loaded);
  const applied: AppliedEvent[] = [];
  const skipped: StoredEvent[] = [];
  let redelivered = 0;
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    if (options.skip?.has(event.id)) {
      skipped.push(event);
      continue;
    }
    const info = checked[index]!;
    try {
      if (info instanceof EventRejectedError) throw info;
      if (applyEvent(draft, event, info)) applied.push(describeApplied(event, info));
      else redelivered += 1;
    } catch (error) {
      if (error instanceof EventRejectedError) throw new BatchRejectedError(index, event, error.reason);
      throw error;
    }
  }
  return { writes: draft.toWrites(), applied, redelivered, skipped, rowsAfter: () => draft.rowsAfter() };
}
