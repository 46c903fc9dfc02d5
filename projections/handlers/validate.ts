// Checks that an event is something the handlers can apply: a known type and schema version, a
// parseable stream, and the payload fields the read model relies on. A failure names the field, so
// the runner can stop with an actionable reason instead of writing half-understood rows.
import { EVENT_TYPES, type EventType, isEventType, SCHEMA_VERSIONS } from '../../src/events/catalogue.ts';
import type { StoredEvent } from '../../src/events/envelope.ts';
import { type ParsedStream, type PeerRef, parseStream, samePeer } from '../../src/events/peers.ts';

/** Thrown by a handler that cannot apply an event; the runner turns it into a ProjectionHaltedError. */
export class EventRejectedError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.name = 'EventRejectedError';
    this.reason = reason;
  }
}

const reject = (reason: string): never => {
  throw new EventRejectedError(reason);
};

type Data = Record<string, unknown>;

export function isoMillis(value: unknown, field: string): number {
  if (typeof value !== 'string') return reject(`${field} is not an ISO date string`);
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) return reject(`${field} '${value}' is not a valid date`);
  return ms;
}

export function optionalIsoMillis(value: unknown, field: string): number | null {
  return value === undefined || value === null ? null : isoMillis(value, field);
}

function requireString(data: Data, field: string): void {
  if (typeof data[field] !== 'string') reject(`data.${field} must be a string`);
}

function requirePositiveInteger(data: Data, field: string): void {
  const value = data[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    reject(`data.${field} must be a positive integer`);
}

function optionalOf(data: Data, field: string, type: 'string' | 'number' | 'boolean' | 'object'): void {
  const value = data[field];
  if (value !== undefined && value !== null && typeof value !== type)
    reject(`data.${field} must be a ${type} when present`);
}

function requirePeer(value: unknown, field: string): PeerRef {
  const peer = value as PeerRef | undefined;
  if (
    typeof peer !== 'object' ||
    peer === null ||
    !['user', 'group', 'channel'].includes(peer.kind) ||
    typeof peer.id !== 'string' ||
    !/^[0-9]{1,20}$/.test(peer.id)
  )
    reject(`${field} must be a peer {kind: user|group|channel, id: digits}`);
  return peer as PeerRef;
}

function requireArray(data: Data, field: string): void {
  if (!Array.isArray(data[field])) reject(`data.${field} must be an array`);
}

/** Message events must name the same chat and message as their stream. */
function requireMessageStream(stream: ParsedStream, data: Data): void {
  if (stream.category !== 'message') reject(`expected a message-… stream`);
  const s = stream as Extract<ParsedStream, { category: 'message' }>;
  const chat = requirePeer(data.chat, 'data.chat');
  requirePositiveInteger(data, 'messageId');
  if (!samePeer(chat, s.chat) || data.messageId !== s.messageId)
    reject(
      `payload names chat ${chat.kind}:${chat.id} message ${String(data.messageId)}, the stream another`,
    );
}

function requireCategory(stream: ParsedStream, category: ParsedStream['category']): void {
  if (stream.category !== category) reject(`expected a ${category}-… stream, got ${stream.category}-…`);
}

const CHECKS: Record<EventType, (data: Data, stream: ParsedStream) => void> = {
  ChatObserved: (d, s) => {
    requireCategory(s, 'chat');
    const chat = requirePeer(d.chat, 'data.chat');
    if (s.category === 'chat' && !samePeer(chat, s.chat)) reject('payload chat differs from the stream');
    requireString(d, 'chatType');
    requireString(d, 'title');
    if (typeof d.forum !== 'boolean') reject('data.forum must be a boolean');
    for (const f of ['username', 'about', 'photoId']) optionalOf(d, f, 'string');
    optionalOf(d, 'participantCount', 'number');
  },
  ChatMigrated: (d, s) => {
    requireCategory(s, 'chat');
    const from = requirePeer(d.from, 'data.from');
    const to = requirePeer(d.to, 'data.to');
    if (s.category === 'chat' && !samePeer(from, s.chat) && !samePeer(to, s.chat))
      reject('neither data.from nor data.to is the stream chat');
    optionalOf(d, 'lastMessageId', 'number');
  },
  UserObserved: (d, s) => {
    requireCategory(s, 'user');
    requireString(d, 'userId');
    if (s.category === 'user' && d.userId !== s.userId) reject('data.userId differs from the stream');
    for (const f of ['firstName', 'lastName', 'username']) optionalOf(d, f, 'string');
    if (typeof d.bot !== 'boolean') reject('data.bot must be a boolean');
  },
  MessageCreated: (d, s) => {
    requireMessageStream(s, d);
    isoMillis(d.date, 'data.date');
    optionalIsoMillis(d.editDate, 'data.editDate');
    requireString(d, 'text');
    requireArray(d, 'entities');
    if (typeof d.outgoing !== 'boolean') reject('data.outgoing must be a boolean');
    if (d.sender !== undefined) requirePeer(d.sender, 'data.sender');
    for (const f of ['media', 'replyTo', 'forward', 'service']) optionalOf(d, f, 'object');
  },
  MessageEdited: (d, s) => {
    requireMessageStream(s, d);
    optionalIsoMillis(d.editDate, 'data.editDate');
    requireString(d, 'text');
    requireArray(d, 'entities');
    optionalOf(d, 'media', 'object');
  },
  MessageDeleted: (d, s) => {
    requireMessageStream(s, d);
    isoMillis(d.observedAt, 'data.observedAt');
    requireString(d, 'matchedBy');
  },
  MessageReactionsChanged: (d, s) => {
    requireMessageStream(s, d);
    requireArray(d, 'reactions');
    for (const r of d.reactions as unknown[]) {
      const item = r as { reaction?: unknown; count?: unknown };
      if (typeof item?.reaction !== 'string' || typeof item.count !== 'number')
        reject('data.reactions must hold {reaction: string, count: number}');
    }
  },
  MessagePinned: (d, s) => requireMessageStream(s, d),
  MessageUnpinned: (d, s) => requireMessageStream(s, d),
  MediaDownloaded: (d, s) => {
    requireMessageStream(s, d);
    requireString(d, 'sha256');
    if (!/^[0-9a-f]{64}$/.test(d.sha256 as string)) reject('data.sha256 must be 64 lower-case hex digits');
    if (typeof d.size !== 'number' || d.size < 0) reject('data.size must be a non-negative number');
    requireString(d, 'mimeType');
    requireString(d, 'extension');
  },
  MediaSkipped: (d, s) => {
    requireMessageStream(s, d);
    requireString(d, 'reason');
  },
  AccountLinked: (d, s) => {
    requireCategory(s, 'account');
    requireString(d, 'userId');
  },
  DeletionUnresolved: (d, s) => {
    requireCategory(s, 'account');
    requireArray(d, 'messageIds');
    if (!(d.messageIds as unknown[]).every((id) => typeof id === 'number' && Number.isInteger(id)))
      reject('data.messageIds must hold integers');
    isoMillis(d.observedAt, 'data.observedAt');
  },
  BackfillRunStarted: (d, s) => {
    requireCategory(s, 'account');
    requireString(d, 'runId');
    requirePeer(d.chat, 'data.chat');
    optionalIsoMillis(d.since, 'data.since');
    optionalIsoMillis(d.until, 'data.until');
  },
  BackfillRunCompleted: (d, s) => {
    requireCategory(s, 'account');
    requireString(d, 'runId');
    requirePeer(d.chat, 'data.chat');
    requireString(d, 'status');
  },
  GapDetected: (_d, s) => requireCategory(s, 'account'),
};

/** Validates an event and returns its parsed stream; throws EventRejectedError otherwise. */
export function validateEvent(event: StoredEvent): ParsedStream {
  const type: string = event.type;
  if (!isEventType(type)) return reject(`unknown event type '${type}' (known: ${EVENT_TYPES.join(', ')})`);
  const version = event.metadata?.schemaVersion;
  if (version !== SCHEMA_VERSIONS[type])
    reject(
      `schema version ${String(version)} of ${type} is not the supported version ${SCHEMA_VERSIONS[type]}`,
    );
  isoMillis(event.metadata.observedAt, 'metadata.observedAt');
  if (typeof event.data !== 'object' || event.data === null) reject('data is not an object');
  let stream: ParsedStream;
  try {
    stream = parseStream(event.stream);
  } catch (error) {
    return reject(error instanceof Error ? error.message : String(error));
  }
  CHECKS[type](event.data as unknown as Data, stream);
  return stream;
}
