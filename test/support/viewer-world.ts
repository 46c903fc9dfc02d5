// A small archive for viewer tests: real events appended to an in-memory event store, projected
// into a SQLite read model by the real projector, and served by the real viewer app. Tests state
// the events, run the projector, and ask GraphQL.

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initCheckpoints } from '../../projections/apply.ts';
import { openCopy, type ReadModelCopy, type ReadModelLocation } from '../../projections/db/open.ts';
import { ProjectionNotifier } from '../../projections/notifications.ts';
import { ProjectionRunner } from '../../projections/runner.ts';
import type { EventPayloads, EventType } from '../../src/events/catalogue.ts';
import type { EventSource, NewEvent } from '../../src/events/envelope.ts';
import { contentHash, eventId } from '../../src/events/ids.ts';
import type { MediaDescriptor, MessageEntity, ReactionCount } from '../../src/events/payloads.ts';
import { type PeerRef, streams } from '../../src/events/peers.ts';
import { MemoryEventStore } from '../../src/eventstore/memory.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { createViewerApp, type ViewerApp, type ViewerSettings } from '../../src/viewer/app.ts';
import { liveFeedFrom } from '../../src/viewer/live.ts';

export const ACCOUNT = '777';
export const general: PeerRef = { kind: 'channel', id: '1001' };
export const family: PeerRef = { kind: 'group', id: '2002' };
export const alice: PeerRef = { kind: 'user', id: '42' };
export const bob: PeerRef = { kind: 'user', id: '43' };

export const T0 = Date.parse('2024-05-01T10:00:00.000Z');
/** An instant `minutes` after T0, as ISO text. */
export const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

export const chatKey = (chat: PeerRef): string => `${ACCOUNT}.${chat.kind[0]}${chat.id}`;
export const globalId = (type: string, key: string | number): string =>
  Buffer.from(`${type}:${key}`).toString('base64url');

export interface Pending {
  readonly stream: string;
  readonly event: NewEvent;
}

function make<T extends EventType>(
  stream: string,
  type: T,
  data: EventPayloads[T],
  observedAt: string,
  source: EventSource = 'live',
  discriminator = contentHash(data),
): Pending {
  const event = {
    id: eventId(stream, type, discriminator),
    type,
    data,
    metadata: { source, observedAt, layer: 181 },
  };
  return { stream, event: event as unknown as NewEvent };
}

/** Builders for the events a test states, each with explicit observation times. */
export const events = {
  chat: (
    chat: PeerRef,
    title: string,
    chatType: EventPayloads['ChatObserved']['chatType'],
    observedAt = at(0),
  ) => make(streams.chat(ACCOUNT, chat), 'ChatObserved', { chat, chatType, title, forum: false }, observedAt),
  user: (
    user: PeerRef,
    names: { firstName?: string; lastName?: string; username?: string },
    observedAt = at(0),
  ) =>
    make(
      streams.user(ACCOUNT, user.id),
      'UserObserved',
      { userId: user.id, bot: false, ...names },
      observedAt,
    ),
  created: (
    chat: PeerRef,
    messageId: number,
    fields: {
      text: string;
      minute: number;
      sender?: PeerRef;
      replyTo?: number;
      media?: MediaDescriptor;
      entities?: MessageEntity[];
      source?: EventSource;
      observedMinute?: number;
    },
  ) =>
    make(
      streams.message(ACCOUNT, chat, messageId),
      'MessageCreated',
      {
        chat,
        messageId,
        date: at(fields.minute),
        text: fields.text,
        entities: fields.entities ?? [],
        ...(fields.sender ? { sender: fields.sender } : {}),
        outgoing: false,
        ...(fields.replyTo ? { replyTo: { messageId: fields.replyTo } } : {}),
        ...(fields.media ? { media: fields.media } : {}),
      },
      at(fields.observedMinute ?? fields.minute),
      fields.source ?? 'live',
      '',
    ),
  edited: (
    chat: PeerRef,
    messageId: number,
    text: string,
    minute: number,
    source: EventSource = 'live',
    media?: MediaDescriptor,
  ) => {
    const content = { text, entities: [], ...(media ? { media } : {}) };
    const hash = contentHash(content);
    return make(
      streams.message(ACCOUNT, chat, messageId),
      'MessageEdited',
      { chat, messageId, ...content, editDate: at(minute), contentHash: hash },
      at(minute),
      source,
      `${at(minute)}:${hash}`,
    );
  },
  deleted: (
    chat: PeerRef,
    messageId: number,
    minute: number,
    matchedBy: 'peer' | 'lookup' | 'verify' = 'peer',
    source: EventSource = 'live',
  ) =>
    make(
      streams.message(ACCOUNT, chat, messageId),
      'MessageDeleted',
      { chat, messageId, observedAt: at(minute), matchedBy },
      at(minute),
      source,
      '',
    ),
  reactions: (chat: PeerRef, messageId: number, reactions: ReactionCount[], minute: number) => {
    const snapshotHash = contentHash(reactions);
    return make(
      streams.message(ACCOUNT, chat, messageId),
      'MessageReactionsChanged',
      { chat, messageId, reactions, snapshotHash },
      at(minute),
      'live',
      snapshotHash,
    );
  },
  media: (
    chat: PeerRef,
    messageId: number,
    bytes: Buffer,
    mimeType: string,
    extension: string,
    minute: number,
  ) =>
    make(
      streams.message(ACCOUNT, chat, messageId),
      'MediaDownloaded',
      {
        chat,
        messageId,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
        mimeType,
        extension,
        fileName: `file.${extension}`,
      },
      at(minute),
    ),
};

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export interface GraphQLAnswer {
  readonly status: number;
  readonly body: {
    data?: Record<string, any> | null;
    errors?: { message: string; extensions?: Record<string, any> }[];
  };
}

export interface ViewerWorld {
  readonly dir: string;
  readonly mediaDir: string;
  readonly store: MemoryEventStore;
  readonly copy: ReadModelCopy;
  readonly runner: ProjectionRunner;
  readonly notifier: ProjectionNotifier;
  readonly app: ViewerApp;
  append(...pending: Pending[]): Promise<void>;
  /** Appends and runs the projector until it has applied everything. */
  project(...pending: Pending[]): Promise<void>;
  /** Writes a media file where the downloader would have put it. */
  storeFile(bytes: Buffer, extension: string): string;
  gql(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLAnswer>;
  close(): Promise<void>;
}

export interface WorldOptions extends Partial<ViewerSettings> {
  /** A PostgreSQL database for the read model (an empty one per world); SQLite when absent. */
  readonly postgresUrl?: string;
}

export async function createViewerWorld(options: WorldOptions = {}): Promise<ViewerWorld> {
  const { postgresUrl, ...settings } = options;
  const dir = mkdtempSync(join(tmpdir(), 'ta-viewer-'));
  const mediaDir = join(dir, 'media');
  const modelDir = join(dir, 'read-model');
  mkdirSync(modelDir, { recursive: true });
  const store = new MemoryEventStore();
  const location: ReadModelLocation = postgresUrl
    ? { kind: 'postgres', url: postgresUrl }
    : { kind: 'sqlite', directory: modelDir };
  const copy = await openCopy(location, 'read_model_1', { create: true });
  await initCheckpoints(copy);
  const notifier = new ProjectionNotifier();
  const runner = new ProjectionRunner({ store, copy, notifier });
  const app = createViewerApp(
    { readModel: () => copy, events: store, live: liveFeedFrom(notifier), mediaDir, logger: silentLogger },
    { auth: {}, corsOrigins: [], ...settings },
  );
  const append = async (...pending: Pending[]) => {
    for (const { stream, event } of pending) await store.append(stream, [event]);
  };
  return {
    dir,
    mediaDir,
    store,
    copy,
    runner,
    notifier,
    app,
    append,
    async project(...pending) {
      await append(...pending);
      await runner.catchUp();
    },
    storeFile(bytes, extension) {
      const hash = sha256(bytes);
      mkdirSync(join(mediaDir, hash.slice(0, 2)), { recursive: true });
      writeFileSync(join(mediaDir, hash.slice(0, 2), `${hash}.${extension}`), bytes);
      return hash;
    },
    async gql(query, variables = {}, headers = {}) {
      const response = await app.fetch('http://127.0.0.1/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as GraphQLAnswer['body'] };
    },
    async close() {
      await copy.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
