// The one behaviour every EventStore adapter must show. Each adapter's test file calls
// `eventStoreContract(name, open)`; `open` gives a fresh, empty store per test.

import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { type EventType, SCHEMA_VERSIONS } from '../../src/events/catalogue.ts';
import type { NewEvent, StoredEvent } from '../../src/events/envelope.ts';
import { InvalidStreamNameError, peer, streams } from '../../src/events/peers.ts';
import { createUpcasters, type Upcasters } from '../../src/events/upcasters.ts';
import {
  CorruptEventError,
  EventIdConflictError,
  EventTooLargeError,
  InvalidEventError,
  InvalidPositionError,
  StoreClosedError,
  UnknownEventTypeError,
  WrongExpectedVersionError,
} from '../../src/eventstore/errors.ts';
import { type EventStore, type ExpectedVersion, MAX_EVENT_BYTES } from '../../src/eventstore/port.ts';
import { completeSamples, minimalSamples, sampleEvent, sampleMetadata } from '../support/sample-events.ts';

export interface OpenedStore {
  readonly store: EventStore;
  /** Closes the store (it may already be closed) and removes its storage. */
  cleanup(): Promise<void>;
  /** Damages the stored payload of one event; the corruption test runs only where this exists. */
  corrupt?(eventId: string): Promise<void>;
  /**
   * Set, with the reason, by a store that cannot look an event id up in other streams (EventStoreDB
   * keeps no index by id): the check of a stored id reused in another stream becomes a notice, and
   * the adapter's own tests pin what it does instead. Reuse within one batch is still checked.
   */
  readonly noGlobalIdIndex?: string;
}

export interface ContractOpenOptions {
  /** A test-local upcaster registry the store must use instead of the real one. */
  readonly upcasters?: Upcasters;
}

const ACCOUNT = '1000';
const messageStream = (n: number) => streams.message(ACCOUNT, peer('channel', '100'), n);
const chatStream = (n: number) => streams.chat(ACCOUNT, peer('user', String(n)));

const event = (type: EventType = 'MessagePinned', id?: string): NewEvent => sampleEvent(type, { id });
const events = (count: number, type: EventType = 'MessagePinned'): NewEvent[] =>
  Array.from({ length: count }, () => event(type));
const ids = (list: readonly { id: string }[]) => list.map((e) => e.id);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export function eventStoreContract(
  name: string,
  open: (options?: ContractOpenOptions) => Promise<OpenedStore>,
): void {
  describe(`${name}: EventStore contract`, () => {
    let opened: OpenedStore;
    let store: EventStore;
    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    /** Everything in the log: the proof that a rejected call wrote nothing. */
    const everything = () => store.readAll();

    describe('append', () => {
      test('appends to a new stream and reads the events back as written', async () => {
        const stream = messageStream(1);
        const written = [event('MessageCreated'), event('MessageEdited'), event('MessageReactionsChanged')];
        const before = Date.now();
        const result = await store.append(stream, written);
        expect(result.stream).toBe(stream);
        expect(result.currentVersion).toBe(2);
        expect(result.events.map((e) => [e.id, e.streamVersion, e.duplicate])).toEqual([
          [written[0]!.id, 0, false],
          [written[1]!.id, 1, false],
          [written[2]!.id, 2, false],
        ]);
        const positions = result.events.map((e) => e.globalPosition);
        expect(new Set(positions).size).toBe(3);
        for (const position of positions) expect(typeof position).toBe('string');

        const read = await store.readStream(stream);
        expect(read).toHaveLength(3);
        read.forEach((stored, i) => {
          const original = written[i]!;
          expect(stored.id).toBe(original.id);
          expect(stored.type).toBe(original.type);
          expect(stored.stream).toBe(stream);
          expect(stored.streamVersion).toBe(i);
          expect(stored.globalPosition).toBe(positions[i]);
          expect(stored.data).toEqual(original.data);
          expect(stored.metadata).toEqual({ ...original.metadata, schemaVersion: 1 });
          const recorded = Date.parse(stored.recordedAt);
          expect(new Date(recorded).toISOString()).toBe(stored.recordedAt);
          expect(recorded).toBeGreaterThanOrEqual(before - 5_000);
          expect(recorded).toBeLessThanOrEqual(Date.now() + 5_000);
        });
      });

      test('continues a stream where it left off', async () => {
        const stream = chatStream(1);
        await store.append(stream, events(2, 'ChatObserved'));
        const next = await store.append(stream, [event('ChatObserved')]);
        expect(next.currentVersion).toBe(2);
        expect(next.events[0]!.streamVersion).toBe(2);
        expect((await store.readStream(stream)).map((e) => e.streamVersion)).toEqual([0, 1, 2]);
      });

      test('round-trips every event type with all optional fields and with none', async () => {
        const types = Object.keys(SCHEMA_VERSIONS) as EventType[];
        const written = types.flatMap((type) => [
          sampleEvent(type),
          sampleEvent(type, {
            minimal: true,
            metadata: { source: 'backfill', raw: { _: 'message', id: 1 } },
          }),
        ]);
        await store.append(messageStream(2), written);
        const read = await store.readStream(messageStream(2));
        expect(read.map((e) => ({ id: e.id, type: e.type, data: e.data }))).toEqual(
          written.map((e) => ({ id: e.id, type: e.type, data: e.data })),
        );
        expect(read[1]!.metadata.raw).toEqual({ _: 'message', id: 1 });
        expect(completeSamples.MessageCreated.text).toBe('Hello, world 👋');
        expect(minimalSamples.GapDetected).not.toHaveProperty('chat');
      });

      test('stores a copy: changing the appended objects afterwards changes nothing', async () => {
        const original = sampleEvent('UserObserved');
        const data: Record<string, unknown> = { ...original.data };
        const mutable = { ...original, data } as unknown as NewEvent;
        await store.append(chatStream(2), [mutable]);
        data.firstName = 'Changed';
        const [read] = await store.readStream(chatStream(2));
        expect(read!.data).toEqual(original.data);
        (read!.data as unknown as Record<string, unknown>).firstName = 'Changed again';
        const [again] = await store.readStream(chatStream(2));
        expect(again!.data).toEqual(original.data);
      });

      test('keeps an explicit schema version and fills it in when absent', async () => {
        const explicit = sampleEvent('MessagePinned', { metadata: { schemaVersion: 1 } });
        const implicit = sampleEvent('MessagePinned');
        expect(implicit.metadata.schemaVersion).toBeUndefined();
        await store.append(messageStream(3), [explicit, implicit]);
        const read = await store.readStream(messageStream(3));
        expect(read.map((e) => e.metadata.schemaVersion)).toEqual([1, 1]);
        expect(read[0]!.metadata).not.toHaveProperty('writtenSchemaVersion');
      });
    });

    describe('appendBatch', () => {
      test('appends many streams in one call, in request order', async () => {
        const requests = Array.from({ length: 10 }, (_, i) => ({
          stream: messageStream(100 + i),
          events: events(3),
        }));
        const results = await store.appendBatch(requests);
        expect(results.map((r) => [r.stream, r.currentVersion])).toEqual(requests.map((r) => [r.stream, 2]));
        const all = await everything();
        expect(ids(all)).toEqual(requests.flatMap((r) => ids(r.events)));
        expect(all.map((e) => e.globalPosition)).toEqual(
          results.flatMap((r) => r.events.map((e) => e.globalPosition)),
        );
      });

      test('a stream named twice in one batch continues across its requests', async () => {
        const stream = messageStream(4);
        const first = events(2);
        const second = events(1);
        const results = await store.appendBatch([
          { stream, events: first, expectedVersion: 'no-stream' },
          { stream: messageStream(5), events: events(1) },
          { stream, events: second, expectedVersion: 1 },
        ]);
        expect(results[2]!.events[0]!.streamVersion).toBe(2);
        expect(ids(await store.readStream(stream))).toEqual([...ids(first), ...ids(second)]);
      });

      test('is atomic: one wrong expected version writes nothing', async () => {
        await store.append(messageStream(6), [event()]);
        const error = await rejection(
          store.appendBatch([
            { stream: messageStream(7), events: events(2) },
            { stream: chatStream(7), events: events(1, 'ChatObserved') },
            { stream: messageStream(6), events: events(1), expectedVersion: 'no-stream' },
          ]),
        );
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(await everything()).toHaveLength(1);
        expect(await store.readStream(messageStream(7))).toEqual([]);
      });

      test('is atomic: one invalid request writes nothing', async () => {
        const error = await rejection(
          store.appendBatch([
            { stream: messageStream(8), events: events(2) },
            { stream: 'message-1000.x100.8', events: events(1) },
          ]),
        );
        expect(error).toBeInstanceOf(InvalidStreamNameError);
        const typeError = await rejection(
          store.appendBatch([
            { stream: messageStream(8), events: events(2) },
            {
              stream: messageStream(9),
              events: [{ ...event(), type: 'MessageVanished' } as unknown as NewEvent],
            },
          ]),
        );
        expect(typeError).toBeInstanceOf(UnknownEventTypeError);
        expect(await everything()).toEqual([]);
      });

      test('an empty batch returns no results and writes nothing', async () => {
        expect(await store.appendBatch([])).toEqual([]);
        expect(await store.headPosition()).toBeUndefined();
      });
    });

    describe('expected version', () => {
      const cases: [string, ExpectedVersion, boolean, number | undefined][] = [
        // [name, expected, stream exists beforehand (at version 0), error's actual or undefined when it succeeds]
        ['any on a new stream', 'any', false, undefined],
        ['any on an existing stream', 'any', true, undefined],
        ['no-stream on a new stream', 'no-stream', false, undefined],
        ['no-stream on an existing stream', 'no-stream', true, 0],
        ['exists on a new stream', 'exists', false, -1],
        ['exists on an existing stream', 'exists', true, undefined],
        ['the exact version', 0, true, undefined],
        ['a version ahead of the stream', 5, true, 0],
        ['a version beyond 32 bits', 2 ** 40, true, 0],
        ['a version on a new stream', 0, false, -1],
      ];
      test.each(cases)('%s', async (_name, expected, exists, actual) => {
        const stream = messageStream(10);
        if (exists) await store.append(stream, [event()]);
        const attempt = store.append(stream, [event()], { expectedVersion: expected });
        if (actual === undefined) {
          expect((await attempt).currentVersion).toBe(exists ? 1 : 0);
          return;
        }
        const error = await rejection(attempt);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ name: 'WrongExpectedVersionError', stream, expected, actual });
        expect(await store.readStream(stream)).toHaveLength(exists ? 1 : 0);
      });

      test('an append without events only checks the expected version', async () => {
        const stream = messageStream(11);
        expect((await store.append(stream, [], { expectedVersion: 'no-stream' })).currentVersion).toBe(-1);
        expect(await rejection(store.append(stream, [], { expectedVersion: 'exists' }))).toBeInstanceOf(
          WrongExpectedVersionError,
        );
        expect(await everything()).toEqual([]);
      });

      test('rejects a malformed expected version', async () => {
        const error = await rejection(store.append(messageStream(12), [event()], { expectedVersion: 1.5 }));
        expect(error).toBeInstanceOf(RangeError);
        expect(await everything()).toEqual([]);
      });

      test('concurrent writers expecting no stream: exactly one wins', async () => {
        const stream = messageStream(13);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 5 }, () => store.append(stream, events(2), { expectedVersion: 'no-stream' })),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o) => o.status === 'rejected');
        expect(won).toHaveLength(1);
        for (const o of lost)
          expect((o as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      test('concurrent writers with any: every event lands, versions stay contiguous', async () => {
        const stream = messageStream(14);
        const batches = Array.from({ length: 8 }, () => events(3));
        await Promise.all(batches.map((batch) => store.append(stream, batch)));
        const read = await store.readStream(stream);
        expect(read.map((e) => e.streamVersion)).toEqual(Array.from({ length: 24 }, (_, i) => i));
        expect(new Set(ids(read))).toEqual(new Set(batches.flat().map((e) => e.id)));
      });
    });

    describe('idempotency', () => {
      test('re-appending the same events returns the original positions and writes nothing', async () => {
        const stream = messageStream(20);
        const written = events(3);
        const first = await store.append(stream, written);
        const head = await store.headPosition();
        const again = await store.append(stream, written);
        expect(again.events).toEqual(first.events.map((e) => ({ ...e, duplicate: true })));
        expect(again.currentVersion).toBe(2);
        expect(await store.headPosition()).toBe(head);
        expect(await everything()).toHaveLength(3);
      });

      test('a retry succeeds whatever its expected version', async () => {
        const stream = messageStream(21);
        const written = events(2);
        const first = await store.append(stream, written, { expectedVersion: 'no-stream' });
        await store.append(stream, [event()]);
        const retry = await store.append(stream, written, { expectedVersion: 'no-stream' });
        expect(retry.events).toEqual(first.events.map((e) => ({ ...e, duplicate: true })));
        expect(retry.currentVersion).toBe(2);
        expect(await everything()).toHaveLength(3);
      });

      test('a mixed append writes only the new events, after the old ones', async () => {
        const stream = messageStream(22);
        const old = events(2);
        const first = await store.append(stream, old);
        const fresh = events(2);
        const mixed = await store.append(stream, [old[0]!, fresh[0]!, old[1]!, fresh[1]!]);
        expect(mixed.events.map((e) => [e.id, e.streamVersion, e.duplicate])).toEqual([
          [old[0]!.id, 0, true],
          [fresh[0]!.id, 2, false],
          [old[1]!.id, 1, true],
          [fresh[1]!.id, 3, false],
        ]);
        expect(mixed.events[0]!.globalPosition).toBe(first.events[0]!.globalPosition);
        expect(mixed.events[2]!.globalPosition).toBe(first.events[1]!.globalPosition);
        expect(mixed.currentVersion).toBe(3);
        expect(ids(await store.readStream(stream))).toEqual([
          old[0]!.id,
          old[1]!.id,
          fresh[0]!.id,
          fresh[1]!.id,
        ]);
        expect(await everything()).toHaveLength(4);
      });

      test('a batch over several streams takes global positions in the order of the batch', async () => {
        const a = events(2);
        const b = events(3);
        const c = events(1);
        const results = await store.appendBatch([
          { stream: messageStream(60), events: a },
          { stream: chatStream(60), events: b, expectedVersion: 'no-stream' },
          { stream: messageStream(61), events: c },
        ]);
        const written = [...a, ...b, ...c].map((e) => e.id);
        expect(results.flatMap((r) => r.events.map((e) => e.id))).toEqual(written);
        expect(ids(await everything())).toEqual(written);
        const positions = results.flatMap((r) => r.events.map((e) => e.globalPosition));
        expect((await everything()).map((e) => e.globalPosition)).toEqual(positions);
        expect(results.map((r) => r.currentVersion)).toEqual([1, 2, 0]);
      });

      test('a mixed batch of old and new ids over several streams', async () => {
        const a = events(2);
        const b = events(1);
        const first = await store.appendBatch([
          { stream: messageStream(23), events: a },
          { stream: messageStream(24), events: b },
        ]);
        const c = events(2);
        const results = await store.appendBatch([
          { stream: messageStream(24), events: [...b, c[0]!] },
          { stream: messageStream(23), events: a },
          { stream: messageStream(25), events: [c[1]!] },
        ]);
        expect(results[0]!.events.map((e) => e.duplicate)).toEqual([true, false]);
        expect(results[0]!.events[0]!.globalPosition).toBe(first[1]!.events[0]!.globalPosition);
        expect(results[1]!.events).toEqual(first[0]!.events.map((e) => ({ ...e, duplicate: true })));
        expect(results[2]!.events[0]!.duplicate).toBe(false);
        expect(await everything()).toHaveLength(5);
      });

      test('a mixed append with new events still checks the expected version', async () => {
        const stream = messageStream(26);
        const old = events(2);
        await store.append(stream, old);
        const error = await rejection(store.append(stream, [old[0]!, event()], { expectedVersion: 0 }));
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(await everything()).toHaveLength(2);
      });

      test('the same new id twice in one call is stored once', async () => {
        const stream = messageStream(27);
        const repeated = event();
        const [single] = await store.appendBatch([{ stream, events: [repeated, repeated, event()] }]);
        expect(single!.events.map((e) => [e.streamVersion, e.duplicate])).toEqual([
          [0, false],
          [0, true],
          [1, false],
        ]);
        expect(single!.events[1]!.globalPosition).toBe(single!.events[0]!.globalPosition);
        const other = event();
        const results = await store.appendBatch([
          { stream: messageStream(28), events: [other] },
          { stream: messageStream(28), events: [other] },
        ]);
        expect(results[1]!.events[0]).toEqual({ ...results[0]!.events[0]!, duplicate: true });
        expect(await everything()).toHaveLength(3);
      });

      test('an id already used in another stream is a conflict, and nothing is written', async () => {
        if (opened.noGlobalIdIndex) {
          process.stderr.write(
            `[notice] ${name}: stored ids are not checked across streams: ${opened.noGlobalIdIndex}\n`,
          );
        } else {
          const taken = event();
          await store.append(messageStream(30), [taken]);
          const error = await rejection(store.append(messageStream(31), [event(), taken]));
          expect(error).toBeInstanceOf(EventIdConflictError);
          expect(error).toMatchObject({ eventId: taken.id });
          expect(error.message).toContain(messageStream(30));
          expect(await store.readStream(messageStream(31))).toEqual([]);
        }
        const before = (await everything()).length;
        const shared = event();
        const inBatch = await rejection(
          store.appendBatch([
            { stream: messageStream(32), events: [shared] },
            { stream: messageStream(33), events: [shared] },
          ]),
        );
        expect(inBatch).toBeInstanceOf(EventIdConflictError);
        expect(await everything()).toHaveLength(before);
      });

      test('retries are recognised anywhere in a long stream', async () => {
        const stream = chatStream(35);
        const written = events(40, 'ChatObserved');
        for (let i = 0; i < written.length; i += 8)
          await store.append(stream, written.slice(i, i + 8), {
            expectedVersion: i === 0 ? 'no-stream' : i - 1,
          });
        const head = await store.headPosition();
        const fresh = event('ChatObserved');
        const retry = await store.append(stream, [written[2]!, written[33]!, fresh, written[17]!]);
        expect(retry.events.map((e) => [e.id, e.streamVersion, e.duplicate])).toEqual([
          [written[2]!.id, 2, true],
          [written[33]!.id, 33, true],
          [fresh.id, 40, false],
          [written[17]!.id, 17, true],
        ]);
        expect(retry.currentVersion).toBe(40);
        const again = await store.append(stream, written.slice(10, 30), { expectedVersion: 'no-stream' });
        expect(again.events.map((e) => e.streamVersion)).toEqual(
          Array.from({ length: 20 }, (_, i) => 10 + i),
        );
        expect(again.events.every((e) => e.duplicate)).toBe(true);
        expect(await store.readAll({ after: head })).toHaveLength(1);
        expect(await everything()).toHaveLength(41);
      });

      test('an id reused for another type in the same stream is a conflict', async () => {
        const id = randomUUID();
        await store.append(messageStream(34), [event('MessagePinned', id)]);
        const error = await rejection(store.append(messageStream(34), [event('MessageUnpinned', id)]));
        expect(error).toBeInstanceOf(EventIdConflictError);
        expect(await everything()).toHaveLength(1);
      });
    });

    describe('readStream', () => {
      const stream = messageStream(40);
      const versions = (list: readonly StoredEvent[]) => list.map((e) => e.streamVersion);
      beforeEach(async () => {
        await store.append(stream, events(10));
        await store.append(messageStream(41), events(2));
      });

      test('forwards, from a version, with a limit', async () => {
        expect(versions(await store.readStream(stream))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(versions(await store.readStream(stream, { fromVersion: 7 }))).toEqual([7, 8, 9]);
        expect(versions(await store.readStream(stream, { limit: 3 }))).toEqual([0, 1, 2]);
        expect(versions(await store.readStream(stream, { fromVersion: 3, limit: 2 }))).toEqual([3, 4]);
        expect(await store.readStream(stream, { fromVersion: 10 })).toEqual([]);
        expect(await store.readStream(stream, { limit: 0 })).toEqual([]);
      });

      test('backwards, from a version, with a limit', async () => {
        const back = { direction: 'backwards' } as const;
        expect(versions(await store.readStream(stream, back))).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        expect(versions(await store.readStream(stream, { ...back, fromVersion: 2 }))).toEqual([2, 1, 0]);
        expect(versions(await store.readStream(stream, { ...back, limit: 3 }))).toEqual([9, 8, 7]);
        expect(versions(await store.readStream(stream, { ...back, fromVersion: 5, limit: 2 }))).toEqual([
          5, 4,
        ]);
        expect(versions(await store.readStream(stream, { ...back, fromVersion: 50, limit: 1 }))).toEqual([9]);
      });

      test('an unknown stream is empty; a malformed name or option is an error', async () => {
        expect(await store.readStream(messageStream(49))).toEqual([]);
        const error = await rejection(store.readStream('message-1000'));
        expect(error).toBeInstanceOf(InvalidStreamNameError);
        expect(error).toMatchObject({ stream: 'message-1000' });
        expect(await rejection(store.readStream(stream, { limit: -1 }))).toBeInstanceOf(RangeError);
        expect(await rejection(store.readStream(stream, { fromVersion: 0.5 }))).toBeInstanceOf(RangeError);
      });
    });

    describe('readAll', () => {
      let appended: NewEvent[];
      let chatEvents: NewEvent[];
      beforeEach(async () => {
        // Interleaved over streams and types: global order is append order, not stream order.
        appended = [];
        chatEvents = [];
        for (let round = 0; round < 4; round++) {
          const created = event('MessageCreated');
          const edited = event('MessageEdited');
          const observed = event('ChatObserved');
          await store.append(messageStream(50 + round), [created, edited]);
          await store.append(chatStream(50), [observed]);
          const deleted = event('MessageDeleted');
          await store.append(messageStream(50), [deleted]);
          appended.push(created, edited, observed, deleted);
          chatEvents.push(observed);
        }
      });

      test('returns every event in global order', async () => {
        const all = await store.readAll();
        expect(ids(all)).toEqual(ids(appended));
        expect(all[0]!.data).toEqual(appended[0]!.data);
      });

      test('pages with after and limit, each event exactly once', async () => {
        const seen: StoredEvent[] = [];
        let after: string | undefined;
        for (let page = 0; page < 20; page++) {
          const batch = await store.readAll({ after, limit: 3 });
          if (batch.length === 0) break;
          expect(batch.length).toBeLessThanOrEqual(3);
          seen.push(...batch);
          after = batch.at(-1)!.globalPosition;
        }
        expect(ids(seen)).toEqual(ids(appended));
        expect(await store.readAll({ after: await store.headPosition() })).toEqual([]);
        expect(await store.readAll({ limit: 0 })).toEqual([]);
      });

      test('filters by type', async () => {
        const types: EventType[] = ['MessageEdited', 'MessageDeleted'];
        const filtered = await store.readAll({ types });
        expect(ids(filtered)).toEqual(ids(appended.filter((e) => types.includes(e.type))));
        const page = await store.readAll({ types, after: filtered[1]!.globalPosition, limit: 2 });
        expect(ids(page)).toEqual(ids(filtered.slice(2, 4)));
        expect(await store.readAll({ types: [] })).toEqual([]);
        const error = await rejection(store.readAll({ types: ['Nope' as EventType] }));
        expect(error).toBeInstanceOf(UnknownEventTypeError);
      });

      test('filters by stream prefix, also with types and paging', async () => {
        expect(ids(await store.readAll({ streamPrefix: 'chat-' }))).toEqual(ids(chatEvents));
        const oneStream = await store.readAll({ streamPrefix: `${messageStream(50)}` });
        // message-1000.c100.50 is a prefix of no other stream used here, so this is exactly that stream.
        expect(oneStream.every((e) => e.stream === messageStream(50))).toBe(true);
        expect(oneStream).toHaveLength(6);
        const [first] = await store.readAll({ limit: 1 });
        const combined = await store.readAll({
          streamPrefix: `message-${ACCOUNT}.`,
          types: ['MessageCreated'],
          after: first!.globalPosition,
          limit: 2,
        });
        expect(ids(combined)).toEqual([appended[4]!.id, appended[8]!.id]);
        expect(await store.readAll({ streamPrefix: 'user-' })).toEqual([]);
      });

      test('a stream prefix spanning several streams keeps global order; odd prefixes match literally', async () => {
        const messages = appended.filter((e) => !chatEvents.includes(e));
        expect(ids(await store.readAll({ streamPrefix: `message-${ACCOUNT}.c100.5` }))).toEqual(
          ids(messages),
        );
        const stored = await store.readAll({ streamPrefix: 'm' });
        expect(ids(stored)).toEqual(ids(messages));
        expect(ids(await store.readAll({ streamPrefix: 'c' }))).toEqual(ids(chatEvents));
        const paged = await store.readAll({ streamPrefix: 'm', after: stored[2]!.globalPosition, limit: 3 });
        expect(ids(paged)).toEqual(ids(messages.slice(3, 6)));
        // A narrow prefix paged with a small limit (a store may plan this differently from a wide one).
        const first = await store.readAll({ streamPrefix: messageStream(51), limit: 1 });
        expect(ids(first)).toEqual([appended[4]!.id]);
        const next = await store.readAll({
          streamPrefix: messageStream(51),
          limit: 1,
          after: first[0]!.globalPosition,
        });
        expect(ids(next)).toEqual([appended[5]!.id]);
        // Neighbours of the range bounds, LIKE wildcards, quotes and the highest code point match nothing.
        for (const prefix of [
          `message-${ACCOUNT}.c100.4`,
          `message-${ACCOUNT}.c100.6`,
          `message-${ACCOUNT}.c100.5\u{10FFFF}`,
          `message-${ACCOUNT}.c100.5'`,
          'message%',
          'message_1000',
          '%',
          '_',
          '\u{10FFFF}',
          'chat-1000.u5\uD800',
          'chaT-',
        ])
          expect(await store.readAll({ streamPrefix: prefix })).toEqual([]);
      });

      test('rejects a position this store did not issue', async () => {
        const error = await rejection(store.readAll({ after: 'not-a-position' }));
        expect(error).toBeInstanceOf(InvalidPositionError);
        expect(error).toMatchObject({ position: 'not-a-position' });
      });
    });

    describe('headPosition', () => {
      test('is undefined for an empty store and follows appends, not duplicates', async () => {
        expect(await store.headPosition()).toBeUndefined();
        expect(await store.readAll()).toEqual([]);
        const written = events(2);
        const first = await store.append(messageStream(60), written);
        expect(await store.headPosition()).toBe(first.events[1]!.globalPosition);
        const second = await store.append(messageStream(61), [event()]);
        expect(await store.headPosition()).toBe(second.events[0]!.globalPosition);
        await store.append(messageStream(60), written);
        expect(await store.headPosition()).toBe(second.events[0]!.globalPosition);
      });
    });

    describe('waitForEvents', () => {
      test('resolves at once when a newer event is already readable', async () => {
        const first = await store.append(messageStream(70), events(2));
        expect(await store.waitForEvents(undefined, { timeoutMs: 5_000 })).toBe(true);
        expect(await store.waitForEvents(first.events[0]!.globalPosition, { timeoutMs: 5_000 })).toBe(true);
      });

      test('resolves true on a new append', async () => {
        await store.append(messageStream(71), [event()]);
        const head = await store.headPosition();
        let settled = false;
        const waiting = store.waitForEvents(head, { timeoutMs: 20_000 }).finally(() => {
          settled = true;
        });
        await Promise.resolve();
        expect(settled).toBe(false);
        await store.append(messageStream(72), [event()]);
        expect(await waiting).toBe(true);
      });

      test('resolves true for the first event of an empty store', async () => {
        const waiting = store.waitForEvents(undefined, { timeoutMs: 20_000 });
        await store.append(messageStream(73), [event()]);
        expect(await waiting).toBe(true);
      });

      test('resolves false on timeout, and a duplicate append does not wake it', async () => {
        expect(await store.waitForEvents(undefined, { timeoutMs: 30 })).toBe(false);
        const written = [event()];
        await store.append(messageStream(74), written);
        const waiting = store.waitForEvents(await store.headPosition(), { timeoutMs: 300 });
        await store.append(messageStream(74), written);
        expect(await waiting).toBe(false);
      });

      test('resolves false when aborted, before or while waiting', async () => {
        const aborted = new AbortController();
        aborted.abort();
        expect(await store.waitForEvents(undefined, { signal: aborted.signal })).toBe(false);
        const controller = new AbortController();
        const waiting = store.waitForEvents(undefined, { signal: controller.signal });
        controller.abort();
        expect(await waiting).toBe(false);
      });

      test('resolves false when the store closes', async () => {
        const waiting = store.waitForEvents(undefined);
        await store.close();
        expect(await waiting).toBe(false);
      });
    });

    describe('rejections write nothing', () => {
      test.each([
        ['an empty name', ''],
        ['no category separator', 'message'],
        ['a missing message id', 'message-1000.c100'],
        ['an untyped peer', 'message-1000.100.5'],
        ['an unknown category', 'thing-1000'],
        ['a non-numeric account', 'chat-abc.u1'],
      ])('a stream name with %s', async (_what, stream) => {
        const error = await rejection(store.append(stream, [event()]));
        expect(error).toBeInstanceOf(InvalidStreamNameError);
        expect(error).toMatchObject({ stream });
        expect(error.message).toContain(`'${stream}'`);
        expect(await everything()).toEqual([]);
      });

      test('an unknown event type', async () => {
        const bad = { ...event(), type: 'MessageExploded' } as unknown as NewEvent;
        const error = await rejection(store.append(messageStream(80), [event(), bad]));
        expect(error).toBeInstanceOf(UnknownEventTypeError);
        expect(error).toMatchObject({ eventType: 'MessageExploded' });
        expect(await everything()).toEqual([]);
      });

      test.each([
        ['not a UUID', 'event-1'],
        ['an upper-case UUID', randomUUID().toUpperCase()],
        ['a number', 42],
      ])('an id that is %s', async (_what, id) => {
        const bad = { ...event(), id } as unknown as NewEvent;
        const error = await rejection(store.append(messageStream(81), [bad]));
        expect(error).toBeInstanceOf(InvalidEventError);
        expect(error.message).toContain(String(id));
        expect(await everything()).toEqual([]);
      });

      test('data or metadata that is not a JSON object, or a schema version from the future', async () => {
        const cases = [
          { ...event(), data: null },
          { ...event(), data: [1, 2] },
          { ...event(), metadata: 'live' },
          { ...event(), data: { size: 1n } },
          { ...event(), metadata: sampleMetadata({ schemaVersion: 2 }) },
          { ...event(), metadata: sampleMetadata({ schemaVersion: 0 }) },
        ] as unknown as NewEvent[];
        for (const bad of cases) {
          const error = await rejection(store.append(messageStream(82), [event(), bad]));
          expect(error).toBeInstanceOf(InvalidEventError);
          expect(error).toMatchObject({ eventId: bad.id });
        }
        expect(await everything()).toEqual([]);
      });

      test('an oversized event, counted in UTF-8 bytes', async () => {
        const big = event('MessageCreated');
        const ascii = { ...big, data: { ...big.data, text: 'x'.repeat(MAX_EVENT_BYTES) } } as NewEvent;
        const error = await rejection(
          store.appendBatch([
            { stream: messageStream(83), events: [event()] },
            { stream: messageStream(84), events: [ascii] },
          ]),
        );
        expect(error).toBeInstanceOf(EventTooLargeError);
        expect(error).toMatchObject({ eventId: big.id, limit: MAX_EVENT_BYTES });
        expect((error as EventTooLargeError).bytes).toBeGreaterThan(MAX_EVENT_BYTES);
        // Fewer characters than the limit, but two bytes each in UTF-8.
        const wide = {
          ...big,
          data: { ...big.data, text: 'é'.repeat(MAX_EVENT_BYTES / 2 + 10) },
        } as NewEvent;
        expect(await rejection(store.append(messageStream(84), [wide]))).toBeInstanceOf(EventTooLargeError);
        expect(await everything()).toEqual([]);
        const fits = { ...big, data: { ...big.data, text: 'é'.repeat(MAX_EVENT_BYTES / 4) } } as NewEvent;
        await store.append(messageStream(84), [fits]);
        const [read] = await store.readStream(messageStream(84));
        expect((read!.data as { text: string }).text).toHaveLength(MAX_EVENT_BYTES / 4);
      });
    });

    describe('corrupt stored events', () => {
      test('reading a damaged payload names the event and its position (adapters that can damage a row)', async () => {
        if (!opened.corrupt) {
          process.stderr.write(`[notice] ${name}: no corrupt() hook, corruption test not applicable\n`);
          return;
        }
        const stream = messageStream(90);
        const written = events(3);
        const result = await store.append(stream, written);
        await opened.corrupt(written[1]!.id);
        for (const read of [() => store.readStream(stream), () => store.readAll()]) {
          const error = await rejection(read());
          expect(error).toBeInstanceOf(CorruptEventError);
          expect(error).toMatchObject({
            eventId: written[1]!.id,
            globalPosition: result.events[1]!.globalPosition,
          });
        }
        // A reader can be moved past the damaged event deliberately.
        expect(ids(await store.readAll({ after: result.events[1]!.globalPosition }))).toEqual([
          written[2]!.id,
        ]);
        expect(ids(await store.readStream(stream, { limit: 1 }))).toEqual([written[0]!.id]);
      });
    });

    describe('upcasting', () => {
      // A hypothetical ChatObserved v2 that renamed `title` to `name`; the real catalogue stays at v1.
      const hypothetical = createUpcasters({ ...SCHEMA_VERSIONS, ChatObserved: 2 }, [
        {
          type: 'ChatObserved',
          fromVersion: 1,
          upcast: ({ title, ...rest }) => ({ ...rest, name: title }),
        },
      ]);

      test('old payloads are lifted to the current version on read, never rewritten', async () => {
        const local = await open({ upcasters: hypothetical });
        try {
          const stream = chatStream(95);
          const v1 = sampleEvent('ChatObserved', { metadata: { schemaVersion: 1 } });
          const { title, ...rest } = completeSamples.ChatObserved;
          const v2 = {
            ...sampleEvent('ChatObserved'),
            data: { ...rest, name: 'Written as v2' },
          } as unknown as NewEvent;
          const other = sampleEvent('UserObserved');
          await local.store.append(stream, [v1, v2, other]);
          for (const read of [await local.store.readStream(stream), await local.store.readAll()]) {
            expect(read.map((e) => e.data)).toEqual([
              { ...rest, name: title },
              { ...rest, name: 'Written as v2' },
              other.data,
            ]);
            expect(read.map((e) => [e.metadata.schemaVersion, e.metadata.writtenSchemaVersion])).toEqual([
              [2, 1],
              [2, undefined],
              [1, undefined],
            ]);
            expect(read[0]!.metadata.source).toBe(v1.metadata.source);
          }
        } finally {
          await local.cleanup();
        }
      });
    });

    describe('lifecycle', () => {
      test('describes itself and refuses work once closed', async () => {
        expect(store.description.length).toBeGreaterThan(0);
        await store.close();
        await store.close();
        expect(await rejection(store.append(messageStream(99), [event()]))).toBeInstanceOf(StoreClosedError);
        expect(await rejection(store.readAll())).toBeInstanceOf(StoreClosedError);
      });
    });
  });
}
