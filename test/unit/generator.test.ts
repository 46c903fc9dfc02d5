import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import {
  chunks,
  type GeneratedEvent,
  generateArchive,
  generateEvents,
  toAppendRequests,
} from '../../bench/generator.ts';
import { EVENT_TYPES, isEventType } from '../../src/events/catalogue.ts';
import { DOWNLOADABLE_MEDIA, type MessageCreatedV1 } from '../../src/events/payloads.ts';
import { parseStream, peerKey } from '../../src/events/peers.ts';
import { MAX_EVENT_BYTES } from '../../src/eventstore/port.ts';
import { type JsonSchema, validate } from '../support/json-schema.ts';

const digest = (events: Iterable<GeneratedEvent>) => {
  const hash = createHash('sha256');
  for (const e of events) hash.update(JSON.stringify(e));
  return hash.digest('hex');
};

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const archive = generateEvents({ seed: 'validity', totalEvents: 30_000 });
const data = (e: GeneratedEvent) => e.event.data as unknown as Record<string, unknown>;

describe('archive generator', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = digest(generateArchive({ seed: 42, totalEvents: 5000 }));
    const b = digest(generateArchive({ seed: 42, totalEvents: 5000 }));
    const c = digest(generateArchive({ seed: 43, totalEvents: 5000 }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('produces exactly the requested number of events', () => {
    for (const total of [0, 1, 7, 250, 3000]) {
      expect(generateEvents({ seed: total, totalEvents: total })).toHaveLength(total);
    }
  });

  it('is lazy: the first events of a huge archive come without generating the rest', () => {
    const first: GeneratedEvent[] = [];
    for (const e of generateArchive({ seed: 'huge', totalEvents: 50_000_000 })) {
      first.push(e);
      if (first.length === 1000) break;
    }
    expect(first).toHaveLength(1000);
  });

  it('emits only catalogue types on valid streams that match their payload', () => {
    const account = (archive[0]!.event.data as { userId: string }).userId;
    expect(archive[0]!.event.type).toBe('AccountLinked');
    const problems: string[] = [];
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    for (const e of archive) {
      const bad = (why: string) => problems.push(`${e.stream} ${e.event.type}: ${why}`);
      if (!isEventType(e.event.type)) bad('unknown type');
      const parsed = parseStream(e.stream);
      if (parsed.account !== account) bad('other account');
      const d = data(e);
      switch (e.event.type) {
        case 'ChatObserved':
          if (parsed.category !== 'chat' || !same(parsed.chat, d.chat)) bad('chat stream mismatch');
          break;
        case 'ChatMigrated':
          if (parsed.category !== 'chat' || !same(parsed.chat, d.from)) bad('chat stream mismatch');
          break;
        case 'UserObserved':
          if (parsed.category !== 'user' || parsed.userId !== d.userId) bad('user stream mismatch');
          break;
        case 'AccountLinked':
        case 'DeletionUnresolved':
        case 'BackfillRunStarted':
        case 'BackfillRunCompleted':
        case 'GapDetected':
          if (parsed.category !== 'account') bad('not on the account stream');
          break;
        default:
          if (parsed.category !== 'message' || !same(parsed.chat, d.chat) || parsed.messageId !== d.messageId)
            bad('message stream mismatch');
      }
    }
    expect(problems).toEqual([]);
  });

  it('produces payloads that validate against schema/events', () => {
    const schemas = new Map<string, JsonSchema>();
    const schemaOf = (type: string) => {
      let schema = schemas.get(type);
      if (!schema) {
        const file = fileURLToPath(new URL(`../../schema/events/${type}.json`, import.meta.url));
        schema = JSON.parse(readFileSync(file, 'utf8')) as JsonSchema;
        schemas.set(type, schema);
      }
      return schema;
    };
    const problems = archive.flatMap((e) =>
      validate(schemaOf(e.event.type), e.event.data).map((p) => `${e.event.type} ${e.event.id}: ${p}`),
    );
    expect(problems.slice(0, 10)).toEqual([]);
    expect(schemas.size).toBe(EVENT_TYPES.length);
  });

  it('gives every event a unique UUIDv5 id, JSON-safe data and a size under the limit', () => {
    const ids = new Set<string>();
    const problems: string[] = [];
    for (const e of archive) {
      if (!UUID_V5.test(e.event.id)) problems.push(`${e.event.id} is not a UUIDv5`);
      ids.add(e.event.id);
      // JSON silently drops undefined and turns NaN into null: neither may reach the store.
      const json = JSON.stringify(e.event, (key, value) => {
        if (value === undefined || (typeof value === 'number' && !Number.isFinite(value)))
          problems.push(`${e.event.id}: ${key} is ${value}`);
        return value;
      });
      if (Buffer.byteLength(json) >= MAX_EVENT_BYTES) problems.push(`${e.event.id} is too large`);
    }
    expect(problems).toEqual([]);
    expect(ids.size).toBe(archive.length);
    // Spot-check the strict comparison on a sample (undefined-valued keys would fail it).
    for (const e of archive.slice(0, 500)) expect(JSON.parse(JSON.stringify(e.event))).toStrictEqual(e.event);
  });

  it('keeps observation time moving forward with plausible metadata', () => {
    let previous = '';
    const problems: string[] = [];
    for (const e of archive) {
      const { observedAt, source, layer } = e.event.metadata;
      if (Number.isNaN(Date.parse(observedAt))) problems.push(`${e.event.id}: bad observedAt`);
      if (observedAt < previous) problems.push(`${e.event.id}: observedAt went back`);
      previous = observedAt;
      if (source !== 'live' && source !== 'backfill') problems.push(`${e.event.id}: source ${source}`);
      if (!(typeof layer === 'number' && layer > 100)) problems.push(`${e.event.id}: layer ${layer}`);
    }
    expect(problems).toEqual([]);
    const sources = new Set(archive.map((e) => e.event.metadata.source));
    expect(sources).toEqual(new Set(['live', 'backfill']));
  });

  it('gives each message a life that starts with its creation and ends with its deletion', () => {
    const created = new Map<string, MessageCreatedV1>();
    const deleted = new Set<string>();
    const downloaded = new Set<string>();
    const problems: string[] = [];
    for (const e of archive) {
      const parsed = parseStream(e.stream);
      if (parsed.category !== 'message') continue;
      const bad = (why: string) => problems.push(`${e.stream} ${e.event.type}: ${why}`);
      const original = created.get(e.stream);
      if (deleted.has(e.stream)) bad('after deletion');
      if (e.event.type === 'MessageCreated') {
        if (original) bad('created twice');
        created.set(e.stream, e.event.data);
        continue;
      }
      if (!original) {
        bad('before creation');
        continue;
      }
      switch (e.event.type) {
        case 'MessageDeleted':
          deleted.add(e.stream);
          break;
        case 'MessageEdited': {
          const editDate = e.event.data.editDate ?? '';
          if (editDate < original.date) bad('edited before it was sent');
          if (editDate > e.event.metadata.observedAt) bad('edit observed before it happened');
          if (original.service) bad('service messages cannot be edited');
          break;
        }
        case 'MediaDownloaded':
        case 'MediaSkipped':
          if (!original.media || !DOWNLOADABLE_MEDIA.includes(original.media.kind))
            bad('nothing to download');
          if (downloaded.has(e.stream)) bad('media handled twice');
          downloaded.add(e.stream);
          break;
        default:
          break;
      }
    }
    expect(problems).toEqual([]);
    expect(deleted.size).toBeGreaterThan(100);
  });

  it('creates messages whose ids, dates, replies and entities hang together', () => {
    const lastInChat = new Map<string, { id: number; date: string }>();
    const known = new Set<string>();
    const observedUsers = new Set<string>();
    const observedChats = new Set<string>();
    let replies = 0;
    const problems: string[] = [];
    const lowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
    for (const e of archive) {
      if (e.event.type === 'UserObserved') observedUsers.add(e.event.data.userId);
      if (e.event.type === 'ChatObserved') observedChats.add(peerKey(e.event.data.chat));
      if (e.event.type !== 'MessageCreated') continue;
      const m = e.event.data;
      const chat = peerKey(m.chat);
      const bad = (why: string) => problems.push(`${e.stream}: ${why}`);
      if (!observedChats.has(chat)) bad('chat not observed first');
      if (m.sender && !observedUsers.has(m.sender.id)) bad('sender not observed first');
      const last = lastInChat.get(chat);
      if (last && m.messageId <= last.id) bad('id not increasing');
      if (last && m.date < last.date) bad('date going back');
      lastInChat.set(chat, { id: m.messageId, date: m.date });
      if (m.replyTo?.messageId !== undefined) {
        replies += 1;
        if (!known.has(`${chat}.${m.replyTo.messageId}`)) bad('reply to an unknown message');
      }
      known.add(`${chat}.${m.messageId}`);
      for (const entity of m.entities) {
        if (entity.offset < 0 || entity.length <= 0) bad('empty entity');
        if (entity.offset + entity.length > m.text.length) bad('entity beyond the text');
        // An entity never starts or ends inside a surrogate pair.
        if (lowSurrogate(m.text.charCodeAt(entity.offset))) bad('entity starts inside a surrogate pair');
        if (lowSurrogate(m.text.charCodeAt(entity.offset + entity.length)))
          bad('entity ends inside a surrogate pair');
      }
    }
    expect(problems).toEqual([]);
    expect(replies).toBeGreaterThan(100);
  });

  it('covers the variety of a real archive', () => {
    const types = new Set(archive.map((e) => e.event.type));
    expect([...types].sort()).toEqual([...EVENT_TYPES].sort());
    const observed = archive.flatMap((e) => (e.event.type === 'ChatObserved' ? [e.event.data] : []));
    expect(new Set(observed.map((c) => c.chatType))).toEqual(
      new Set(['private', 'bot', 'group', 'supergroup', 'channel']),
    );
    expect(observed.some((c) => c.forum)).toBe(true);
    const messages = archive.flatMap((e) => (e.event.type === 'MessageCreated' ? [e.event.data] : []));
    const texts = messages.map((m) => m.text).join('\n');
    expect(texts).toMatch(/\p{Script=Cyrillic}/u);
    expect(texts).toMatch(/\p{Script=Han}/u);
    expect(texts).toMatch(/\p{Script=Hiragana}/u);
    expect(texts).toMatch(/\p{Extended_Pictographic}/u);
    expect(texts).toContain('\u200d'); // ZWJ emoji sequences
    const entityTypes = new Set(messages.flatMap((m) => m.entities.map((x) => x.type)));
    expect(entityTypes.size).toBeGreaterThanOrEqual(5);
    const mediaKinds = new Set(messages.flatMap((m) => (m.media ? [m.media.kind] : [])));
    expect(mediaKinds.size).toBeGreaterThanOrEqual(8);
    expect(messages.some((m) => m.forward?.from)).toBe(true);
    expect(messages.some((m) => m.forward?.fromName)).toBe(true);
    expect(messages.some((m) => m.groupedId)).toBe(true);
    expect(messages.some((m) => m.service)).toBe(true);
    expect(messages.some((m) => m.replyTo?.topicId)).toBe(true);
    expect(messages.some((m) => m.sender === undefined)).toBe(true);
    const lengths = messages.map((m) => m.text.length);
    expect(Math.max(...lengths)).toBeGreaterThan(1000);
  });

  it('migrates one basic group to a supergroup and moves its conversation there', () => {
    const migrations = archive.filter((e) => e.event.type === 'ChatMigrated');
    expect(migrations).toHaveLength(1);
    const index = archive.indexOf(migrations[0]!);
    const { from, to } = data(migrations[0]!) as { from: { kind: string; id: string }; to: { kind: string } };
    expect(from.kind).toBe('group');
    expect(to.kind).toBe('channel');
    const after = archive.slice(index + 1);
    const newInOld = after.filter(
      (e) => e.event.type === 'MessageCreated' && (data(e).chat as { id: string }).id === from.id,
    );
    expect(newInOld).toHaveLength(0);
    const observedTarget = after.find(
      (e) => e.event.type === 'ChatObserved' && data(e).chatType === 'supergroup',
    );
    expect(observedTarget).toBeDefined();
  });

  it('groups a chunk into append requests per stream, keeping each stream in order', () => {
    const [chunk] = chunks(archive, 500);
    const requests = toAppendRequests(chunk!);
    expect(requests.reduce((n, r) => n + r.events.length, 0)).toBe(500);
    expect(new Set(requests.map((r) => r.stream)).size).toBe(requests.length);
    for (const request of requests) {
      const inOrder = chunk!.filter((e) => e.stream === request.stream).map((e) => e.event.id);
      expect(request.events.map((e) => e.id)).toEqual(inOrder);
    }
    expect([...chunks([1, 2, 3, 4, 5], 2)]).toEqual([[1, 2], [3, 4], [5]]);
  });
});
