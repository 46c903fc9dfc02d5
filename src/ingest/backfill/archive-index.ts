// What the archive holds for one chat, read from the event log itself (not the read model, which
// may lag or live elsewhere): which message ids exist with their dates, which are deleted, and which
// files still wait for a download outcome. The planner and verify work from this.
import { DOWNLOADABLE_MEDIA, type MediaKind } from '../../events/payloads.ts';
import { type PeerRef, peerKey } from '../../events/peers.ts';
import type { EventStore } from '../../eventstore/port.ts';
import { type ArchivedSpan, archivedSpans } from './planner.ts';

export interface ArchivedMessage {
  readonly id: number;
  /** ms since the epoch */
  readonly date: number;
  /** Downloadable kind when the message carries a file. */
  readonly media?: MediaKind;
  readonly fileId?: string;
}

export interface ArchiveIndex {
  /** Not deleted, by id. */
  readonly messages: ReadonlyMap<number, ArchivedMessage>;
  /** Ids recorded as deleted. */
  readonly deleted: ReadonlySet<number>;
  /** Messages whose file has a MediaDownloaded or MediaSkipped outcome. */
  readonly mediaDone: ReadonlySet<number>;
  /** Every id whose stream holds any event at all (created, deleted, reactions, pins, media…). */
  readonly present: ReadonlySet<number>;
}

const PAGE = 5000;

export async function loadArchiveIndex(
  store: Pick<EventStore, 'readAll'>,
  account: string,
  chat: PeerRef,
): Promise<ArchiveIndex> {
  const messages = new Map<number, ArchivedMessage>();
  const deleted = new Set<number>();
  const mediaDone = new Set<number>();
  const present = new Set<number>();
  const fileOf = (media: { kind: MediaKind; fileId?: string } | undefined) =>
    media && DOWNLOADABLE_MEDIA.includes(media.kind) ? { media: media.kind, fileId: media.fileId } : {};
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({
      after,
      limit: PAGE,
      streamPrefix: `message-${account}.${peerKey(chat)}.`,
    });
    for (const event of page) {
      const messageId = (event.data as { messageId?: unknown }).messageId;
      if (typeof messageId === 'number') present.add(messageId);
      switch (event.type) {
        case 'MessageCreated': {
          const { messageId } = event.data;
          if (!deleted.has(messageId))
            messages.set(messageId, {
              id: messageId,
              date: Date.parse(event.data.date),
              ...fileOf(event.data.media),
            });
          break;
        }
        case 'MessageEdited': {
          // An edit may add or replace the file: a new file needs its own outcome.
          const current = messages.get(event.data.messageId);
          if (!current) break;
          const next = { id: current.id, date: current.date, ...fileOf(event.data.media) };
          if (next.fileId !== current.fileId) mediaDone.delete(current.id);
          messages.set(current.id, next);
          break;
        }
        case 'MessageDeleted':
          deleted.add(event.data.messageId);
          messages.delete(event.data.messageId);
          break;
        case 'MediaDownloaded':
        case 'MediaSkipped':
          mediaDone.add(event.data.messageId);
          break;
        default:
          break;
      }
    }
    if (page.length < PAGE) break;
    after = page.at(-1)!.globalPosition;
  }
  return { messages, deleted, mediaDone, present };
}

/** Spans for the planner, broken at the window dates so a --since/--until clip is exact. */
export function spansOf(index: ArchiveIndex, breakDates: readonly number[] = []): ArchivedSpan[] {
  return archivedSpans(index.messages.values(), breakDates);
}

/** Archived messages whose file has no recorded outcome yet: downloads a previous run left behind. */
export function pendingMedia(index: ArchiveIndex): ArchivedMessage[] {
  return [...index.messages.values()].filter((m) => m.media !== undefined && !index.mediaDone.has(m.id));
}
