// Handlers for the events of one message's stream. Each folds one event into the message row (and
// its chat's counters) and appends history rows; the caller has already applied the stream-version
// guard, so a redelivered event never reaches them.
import type { StoredEventOf } from '../../src/events/envelope.ts';
import type { MessageContent } from '../../src/events/payloads.ts';
import { peerKey } from '../../src/events/peers.ts';
import type { MessageRow, Millis } from '../model.ts';
import type { BatchDraft } from './draft.ts';

export interface MessageContext {
  readonly draft: BatchDraft;
  readonly key: string;
  readonly row: MessageRow;
  readonly observedAt: Millis;
}

/** Makes `content` the current version from `validFrom` on, closing the previous version there. */
function newVersion(
  ctx: MessageContext,
  eventId: string,
  source: string,
  content: MessageContent,
  editDate: Millis | null,
  validFrom: Millis,
): void {
  const { draft, row } = ctx;
  let from = validFrom;
  if (row.versionCount > 0) {
    // Versions never overlap, even when sources observed out of order.
    from = Math.max(from, row.currentVersionFrom ?? from);
    draft.closeVersion(row.id, row.versionCount - 1, from);
  }
  draft.addVersion({
    message: row.id,
    versionNo: row.versionCount,
    eventId,
    chat: row.chat,
    messageId: row.messageId,
    text: content.text,
    entities: content.entities,
    media: content.media ?? null,
    editDate,
    validFrom: from,
    validTo: null,
    source,
  });
  row.versionCount += 1;
  row.currentVersionId = eventId;
  row.currentVersionFrom = from;
  row.text = content.text;
  row.entities = content.entities;
  row.media = content.media ?? null;
  row.mediaKind = content.media?.kind ?? null;
  draft.reindex(ctx.key);
}

export function messageCreated(ctx: MessageContext, event: StoredEventOf<'MessageCreated'>): void {
  const { row, draft } = ctx;
  const d = event.data;
  const date = Date.parse(d.date);
  const editDate = d.editDate === undefined ? null : Date.parse(d.editDate);
  row.date = date;
  row.senderPeer = d.sender ? peerKey(d.sender) : null;
  row.outgoing = d.outgoing;
  row.service = d.service ?? null;
  row.replyToMessageId = d.replyTo?.messageId ?? null;
  row.replyToTopicId = d.replyTo?.topicId ?? null;
  row.replyToPeer = d.replyTo?.peer ? peerKey(d.replyTo.peer) : null;
  row.replyQuote = d.replyTo?.quoteText ?? null;
  row.topicId = d.replyTo?.topicId ?? null;
  row.forward = d.forward ?? null;
  row.forwardFromPeer = d.forward?.from ? peerKey(d.forward.from) : null;
  row.groupedId = d.groupedId ?? null;
  row.viaBotId = d.viaBotId ?? null;
  row.postAuthor = d.postAuthor ?? null;
  row.views = d.views ?? null;
  row.forwards = d.forwards ?? null;
  if (editDate !== null) row.lastEditedAt = editDate;
  // The content existed from its Telegram date (or edit date) on, even when we saw it later.
  newVersion(ctx, event.id, event.metadata.source, d, editDate, Math.min(editDate ?? date, ctx.observedAt));
  const chat = draft.chat(row.account, d.chat);
  if (chat.lastMessageId === null || row.messageId > chat.lastMessageId) {
    chat.lastMessageId = row.messageId;
    chat.lastMessageDate = date;
    draft.touchChat(chat);
  }
}

export function messageEdited(ctx: MessageContext, event: StoredEventOf<'MessageEdited'>): void {
  const d = event.data;
  const editDate = d.editDate === undefined ? null : Date.parse(d.editDate);
  newVersion(ctx, event.id, event.metadata.source, d, editDate, ctx.observedAt);
  ctx.row.editCount += 1;
  ctx.row.lastEditedAt = editDate ?? ctx.observedAt;
}

export function messageDeleted(ctx: MessageContext, event: StoredEventOf<'MessageDeleted'>): void {
  const { row, draft } = ctx;
  if (row.deletedAt !== null) return; // the first observation of a deletion is the one we keep
  row.deletedAt = Date.parse(event.data.observedAt);
  row.deletionSource = event.metadata.source;
  row.deletionMatchedBy = event.data.matchedBy;
  const chat = draft.chat(row.account, event.data.chat);
  chat.deletedCount += 1;
  draft.touchChat(chat);
}

export function reactionsChanged(ctx: MessageContext, event: StoredEventOf<'MessageReactionsChanged'>): void {
  const { row, draft } = ctx;
  const current = new Map<string, { count: number; chosenByMe: boolean }>();
  for (const r of event.data.reactions)
    current.set(r.reaction, { count: r.count, chosenByMe: r.chosenByMe ?? false });
  let total = 0;
  for (const r of current.values()) total += r.count;
  draft.replaceReactions(
    row.id,
    [...current].map(([reaction, r]) => ({
      message: row.id,
      reaction,
      count: r.count,
      chosenByMe: r.chosenByMe,
    })),
  );
  draft.addReactionSnapshot({
    id: event.id,
    message: row.id,
    reactions: event.data.reactions,
    recent: event.data.recent ?? null,
    total,
    observedAt: ctx.observedAt,
  });
  row.reactionsTotal = total;
  row.reactionsHash = event.data.snapshotHash;
}

export function pinChanged(
  ctx: MessageContext,
  event: StoredEventOf<'MessagePinned'> | StoredEventOf<'MessageUnpinned'>,
): void {
  const pinned = event.type === 'MessagePinned';
  ctx.row.pinned = pinned;
  ctx.draft.addPin({
    id: event.id,
    message: ctx.row.id,
    chat: ctx.row.chat,
    pinned,
    observedAt: ctx.observedAt,
    source: event.metadata.source,
  });
}

export function mediaDownloaded(ctx: MessageContext, event: StoredEventOf<'MediaDownloaded'>): void {
  const d = event.data;
  ctx.draft.addMedia({
    sha256: d.sha256,
    size: d.size,
    mimeType: d.mimeType,
    extension: d.extension,
    width: d.width ?? null,
    height: d.height ?? null,
    durationSeconds: d.durationSeconds ?? null,
    firstSeenAt: ctx.observedAt,
  });
  ctx.draft.addMessageMedia({
    message: ctx.row.id,
    media: d.sha256,
    fileName: d.fileName ?? null,
    downloadedAt: ctx.observedAt,
  });
  ctx.row.mediaSha256 = d.sha256;
  ctx.row.mediaSkipReason = null;
  ctx.row.mediaSkipDetail = null;
}

export function mediaSkipped(ctx: MessageContext, event: StoredEventOf<'MediaSkipped'>): void {
  ctx.row.mediaSkipReason = event.data.reason;
  ctx.row.mediaSkipDetail = event.data.detail ?? null;
}
