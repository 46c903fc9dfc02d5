// The projector's pure core: given a batch of stored events and the current rows they touch, fold
// the events into those rows and return set-based writes. No I/O and no clock: the same events and
// rows always give the same writes, which is what makes a rebuild equal to incremental projection.
import type { StoredEvent, StoredEventOf } from '../../src/events/envelope.ts';
import type { ParsedStream, PeerRef } from '../../src/events/peers.ts';
import { chatKey, messageKey, userKey } from '../keys.ts';
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

/** The rows a batch needs. Tolerates malformed events: projectBatch rejects those with a reason. */
export function needsOf(events: readonly StoredEvent[]): BatchNeeds {
  const needs: BatchNeeds = {
    accounts: new Set(),
    chats: new Set(),
    users: new Set(),
    messages: new Map(),
    backfillRuns: new Set(),
  };
  for (const event of events) {
    let stream: ParsedStream;
    try {
      stream = validateEvent(event);
    } catch {
      continue;
    }
    needs.accounts.add(stream.account);
    const data = event.data as unknown as Record<string, unknown>;
    switch (stream.category) {
      case 'message': {
        const chat = chatKey(stream.account, stream.chat);
        needs.chats.add(chat);
        needs.messages.set(messageKey(stream.account, stream.chat, stream.messageId), {
          chat,
          messageId: stream.messageId,
        });
        break;
      }
      case 'chat':
        needs.chats.add(chatKey(stream.account, stream.chat));
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
  stream: Extract<ParsedStream, { category: 'message' }>,
  event: MessageEvent,
  observedAt: number,
): boolean {
  const key = messageKey(stream.account, stream.chat, stream.messageId);
  const existing = draft.findMessage(key);
  if (existing && event.streamVersion <= existing.streamVersion) return false;
  const row = existing ?? draft.createMessage(key, stream.account, stream.chat, stream.messageId, observedAt);
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

function applyEvent(draft: BatchDraft, event: StoredEvent, stream: ParsedStream): boolean {
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
      return applyMessageEvent(
        draft,
        stream as Extract<ParsedStream, { category: 'message' }>,
        event as MessageEvent,
        observedAt,
      );
  }
}

function describeApplied(event: StoredEvent, stream: ParsedStream): AppliedEvent {
  const base = { id: event.id, type: event.type, stream: event.stream, position: event.globalPosition };
  switch (stream.category) {
    case 'message':
      return { ...base, chat: chatKey(stream.account, stream.chat), messageId: stream.messageId };
    case 'chat':
      return { ...base, chat: chatKey(stream.account, stream.chat) };
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
): ProjectedBatch {
  const draft = new BatchDraft(loaded);
  const applied: AppliedEvent[] = [];
  const skipped: StoredEvent[] = [];
  let redelivered = 0;
  events.forEach((event, index) => {
    if (options.skip?.has(event.id)) {
      skipped.push(event);
      return;
    }
    try {
      const stream = validateEvent(event);
      if (applyEvent(draft, event, stream)) applied.push(describeApplied(event, stream));
      else redelivered += 1;
    } catch (error) {
      if (error instanceof EventRejectedError) throw new BatchRejectedError(index, event, error.reason);
      throw error;
    }
  });
  return { writes: draft.toWrites(), applied, redelivered, skipped, rowsAfter: () => draft.rowsAfter() };
}
