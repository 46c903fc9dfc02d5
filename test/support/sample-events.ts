// Sample payloads for every event type, typed against the catalogue: `complete` must set every
// optional field (deeply) and `minimal` only the required ones, or the file does not typecheck.
// The schema test validates both against schema/events; store tests use them as realistic data.
import { randomUUID } from 'node:crypto';
import type { EventPayloads, EventType } from '../../src/events/catalogue.ts';
import type { EventMetadata, NewEvent } from '../../src/events/envelope.ts';
import type { PeerRef } from '../../src/events/peers.ts';

/** T with every optional field required, all the way down. */
export type Complete<T> = T extends readonly (infer U)[]
  ? readonly Complete<U>[]
  : T extends object
    ? { readonly [K in keyof T]-?: Complete<Exclude<T[K], undefined>> }
    : T;

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/** T with its required top-level fields only (an optional one is an excess property). */
export type Minimal<T> = { readonly [K in RequiredKeys<T>]: T[K] };

const chat: PeerRef = { kind: 'channel', id: '1234567890' };
const user: PeerRef = { kind: 'user', id: '777000' };
const at = '2024-05-01T12:00:00.000Z';
const hash = 'a'.repeat(64);

export const completeSamples: { readonly [T in EventType]: Complete<EventPayloads[T]> } = {
  ChatObserved: {
    chat,
    chatType: 'supergroup',
    title: 'Archive test group',
    username: 'archive_test',
    about: 'About text with ünïcödé and "quotes"',
    participantCount: 42,
    forum: false,
    photoId: '5012345678901234567',
  },
  ChatMigrated: { from: { kind: 'group', id: '123' }, to: chat, lastMessageId: 99 },
  UserObserved: {
    userId: '777000',
    firstName: 'Ada',
    lastName: 'Lovelace',
    username: 'ada',
    bot: false,
    deleted: false,
  },
  MessageCreated: {
    chat,
    messageId: 101,
    date: at,
    sender: user,
    outgoing: false,
    text: 'Hello, world 👋',
    entities: [
      {
        type: 'textUrl',
        offset: 0,
        length: 5,
        url: 'https://example.org/',
        userId: '777000',
        language: 'ts',
        customEmojiId: '5368324170671202286',
      },
    ],
    media: {
      kind: 'photo',
      fileId: '5012345678901234567',
      size: 123456,
      mimeType: 'image/jpeg',
      fileName: 'photo.jpg',
      width: 1280,
      height: 720,
      durationSeconds: 0,
      details: { caption: 'x', count: 1, spoiler: false, nothing: null },
    },
    replyTo: { messageId: 100, topicId: 1, peer: { kind: 'channel', id: '42' }, quoteText: 'quoted' },
    forward: {
      from: { kind: 'channel', id: '42' },
      fromName: 'Hidden Sender',
      date: at,
      channelPostId: 7,
      postAuthor: 'Editor',
    },
    groupedId: '13579',
    viaBotId: '93372553',
    postAuthor: 'Author',
    views: 1000,
    forwards: 3,
    editDate: at,
    service: { type: 'chatEditTitle', details: { title: 'New title' } },
  },
  MessageEdited: {
    chat,
    messageId: 101,
    editDate: at,
    contentHash: hash,
    text: 'Hello, edited world',
    entities: [
      { type: 'bold', offset: 0, length: 5, url: '', userId: '1', language: '', customEmojiId: '1' },
    ],
    media: {
      kind: 'document',
      fileId: '1',
      size: 1,
      mimeType: 'application/pdf',
      fileName: 'a.pdf',
      width: 0,
      height: 0,
      durationSeconds: 0,
      details: {},
    },
  },
  MessageDeleted: { chat, messageId: 101, observedAt: at, matchedBy: 'lookup' },
  MessageReactionsChanged: {
    chat,
    messageId: 101,
    reactions: [{ reaction: '👍', count: 3, chosenByMe: true }],
    recent: [{ reaction: '👍', peer: user, date: at }],
    snapshotHash: hash,
  },
  MessagePinned: { chat, messageId: 101 },
  MessageUnpinned: { chat, messageId: 101 },
  MediaDownloaded: {
    chat,
    messageId: 101,
    sha256: hash,
    size: 123456,
    mimeType: 'video/mp4',
    extension: 'mp4',
    fileName: 'clip.mp4',
    width: 640,
    height: 360,
    durationSeconds: 12,
  },
  MediaSkipped: { chat, messageId: 101, reason: 'too-large', detail: '200 MB over the 100 MB limit' },
  AccountLinked: { userId: '555', firstName: 'Me', username: 'me' },
  DeletionUnresolved: { messageIds: [1, 2, 3], observedAt: at, reason: 'no message with these ids' },
  BackfillRunStarted: { runId: randomUUID(), chat, mode: 'range', since: at, until: at },
  BackfillRunCompleted: {
    runId: randomUUID(),
    chat,
    status: 'interrupted',
    fetched: 10,
    created: 8,
    edited: 1,
    deleted: 1,
    reason: 'FLOOD_WAIT of 3600 s',
    resumeFromMessageId: 5,
    head: 40,
    walked: [
      { from: 1, to: 3 },
      { from: 6, to: 40 },
    ],
    passDone: [{ from: 6, to: 40 }],
  },
  GapDetected: {
    chat,
    reason: 'channelDifferenceTooLong',
    fromPts: 10,
    toPts: 5000,
    backfillRequested: true,
  },
};

export const minimalSamples: { readonly [T in EventType]: Minimal<EventPayloads[T]> } = {
  ChatObserved: { chat, chatType: 'private', title: '', forum: false },
  ChatMigrated: { from: { kind: 'group', id: '123' }, to: chat },
  UserObserved: { userId: '1', bot: true },
  MessageCreated: { chat, messageId: 1, date: at, outgoing: true, text: '', entities: [] },
  MessageEdited: { chat, messageId: 1, contentHash: hash, text: '', entities: [] },
  MessageDeleted: { chat, messageId: 1, observedAt: at, matchedBy: 'peer' },
  MessageReactionsChanged: { chat, messageId: 1, reactions: [], snapshotHash: hash },
  MessagePinned: { chat, messageId: 1 },
  MessageUnpinned: { chat, messageId: 1 },
  MediaDownloaded: { chat, messageId: 1, sha256: hash, size: 0, mimeType: 'image/png', extension: 'png' },
  MediaSkipped: { chat, messageId: 1, reason: 'failed' },
  AccountLinked: { userId: '555' },
  DeletionUnresolved: { messageIds: [], observedAt: at, reason: 'unknown' },
  BackfillRunStarted: { runId: randomUUID(), chat, mode: 'full' },
  BackfillRunCompleted: {
    runId: randomUUID(),
    chat,
    status: 'completed',
    fetched: 0,
    created: 0,
    edited: 0,
    deleted: 0,
  },
  GapDetected: { reason: 'updatesTooLong', backfillRequested: false },
};

// Both sample sets are real payloads of their type, not just look-alikes.
const _completeAreValid: { readonly [T in EventType]: EventPayloads[T] } = completeSamples;
const _minimalAreValid: { readonly [T in EventType]: EventPayloads[T] } = minimalSamples;
void _completeAreValid;
void _minimalAreValid;

export const sampleMetadata = (extra: Partial<EventMetadata> = {}): EventMetadata => ({
  source: 'live',
  observedAt: at,
  layer: 181,
  ...extra,
});

/** A new event of `type` with sample data and a fresh random id. */
export function sampleEvent(
  type: EventType,
  options: { id?: string; minimal?: boolean; metadata?: Partial<EventMetadata> } = {},
): NewEvent {
  const data = options.minimal ? minimalSamples[type] : completeSamples[type];
  return {
    id: options.id ?? randomUUID(),
    type,
    data,
    metadata: sampleMetadata(options.metadata),
  } as NewEvent;
}
