// What only the EventStoreDB adapter has to get right, over the fake client: position tokens,
// system events in $all, the exact-revision writes and re-planning after a lost race, append-size
// splitting, namespaces, old servers, and unreachable servers (also with the real client, against
// a closed loopback port).
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import type { AppendToStreamOptions } from '@eventstore/db-client';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { NewEvent } from '../../src/events/envelope.ts';
import { peer, streams } from '../../src/events/peers.ts';
import {
  CorruptEventError,
  InvalidPositionError,
  StoreClosedError,
  StoreUnavailableError,
  WrongExpectedVersionError,
} from '../../src/eventstore/errors.ts';
import {
  comparePositions,
  type EsdbClient,
  EventStoreDbEventStore,
  InvalidConnectionStringError,
  openEventStoreDb,
  parsePosition,
  redactConnectionString,
} from '../../src/eventstore/eventstoredb.ts';
import { FakeEsdbClient } from '../support/fake-esdb-client.ts';
import { sampleEvent } from '../support/sample-events.ts';

const URL = 'esdb://admin:changeit@127.0.0.1:2113?tls=false';
const stream = (n: number) => streams.message('1000', peer('channel', '100'), n);
const pinned = (): NewEvent => sampleEvent('MessagePinned');

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

const opened: EventStoreDbEventStore[] = [];
function open(
  client: EsdbClient = new FakeEsdbClient(),
  extra: { namespace?: string; maxAppendBytes?: number; pageSize?: number } = {},
) {
  const store = new EventStoreDbEventStore({ url: URL, client, ...extra });
  opened.push(store);
  return store;
}
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

describe('eventstoredb positions', () => {
  it('round-trips <commit>:<prepare> tokens and orders by commit, then prepare', () => {
    expect(parsePosition('123:100')).toEqual({ commit: 123n, prepare: 100n });
    expect(parsePosition('18446744073709551614:1')).toEqual({ commit: 18446744073709551614n, prepare: 1n });
    expect(comparePositions({ commit: 5n, prepare: 9n }, { commit: 6n, prepare: 1n })).toBe(-1);
    expect(comparePositions({ commit: 5n, prepare: 9n }, { commit: 5n, prepare: 7n })).toBe(1);
    expect(comparePositions({ commit: 5n, prepare: 7n }, { commit: 5n, prepare: 7n })).toBe(0);
    for (const bad of ['17', 'x:1', '1:', ':1', '1:2:3', '-1:2'])
      expect(() => parsePosition(bad)).toThrow(InvalidPositionError);
  });

  it('reads after an event in the middle of a multi-event write (shared commit position)', async () => {
    const client = new FakeEsdbClient();
    const store = open(client);
    const written = [pinned(), pinned(), pinned()];
    const result = await store.append(stream(1), written);
    const [a, b, c] = result.events.map((e) => parsePosition(e.globalPosition));
    expect(a!.commit).toBe(b!.commit);
    expect(b!.commit).toBe(c!.commit);
    const rest = await store.readAll({ after: result.events[0]!.globalPosition });
    expect(rest.map((e) => e.id)).toEqual([written[1]!.id, written[2]!.id]);
  });
});

describe('eventstoredb and system events', () => {
  it('skips $ streams and $ types in readAll, headPosition and waitForEvents', async () => {
    const client = new FakeEsdbClient();
    const store = open(client, { pageSize: 3 });
    expect(client.log.length).toBeGreaterThan(0); // a fresh server is not empty
    expect(await store.readAll()).toEqual([]);
    expect(await store.headPosition()).toBeUndefined();
    const first = await store.append(stream(2), [pinned()]);
    client.collectStats();
    await store.append(stream(3), [pinned()]);
    client.collectStats();
    expect(client.log.some((r) => r.type === '$>' && r.streamId.startsWith('$ce-message'))).toBe(true);
    expect(client.log.at(-1)!.type).toBe('$statsCollected');
    const all = await store.readAll();
    expect(all.map((e) => e.stream)).toEqual([stream(2), stream(3)]);
    expect(await store.headPosition()).toBe(all[1]!.globalPosition);

    const waiting = store.waitForEvents(await store.headPosition(), { timeoutMs: 200 });
    client.collectStats();
    expect(await waiting).toBe(false);
    const woken = store.waitForEvents(first.events[0]!.globalPosition, { timeoutMs: 5000 });
    expect(await woken).toBe(true);
  });

  it('reports a non-JSON event in an archive stream as corrupt, naming it', async () => {
    const client = new FakeEsdbClient();
    const store = open(client);
    await client.appendToStream(stream(4), {
      id: '6f1c2a55-0e4b-4c7a-9f57-2a3f1d5e8b10',
      contentType: 'application/octet-stream',
      type: 'MessagePinned',
      data: new Uint8Array([1, 2, 3]),
      metadata: undefined,
    });
    const error = await rejection(store.readAll());
    expect(error).toBeInstanceOf(CorruptEventError);
    expect(error).toMatchObject({ eventId: '6f1c2a55-0e4b-4c7a-9f57-2a3f1d5e8b10' });
  });
});

/** Records each append's expected revision; `before` runs just before the first append reaches the fake. */
function spy(fake: FakeEsdbClient, before?: () => Promise<void>) {
  const revisions: unknown[] = [];
  let first = true;
  const client: EsdbClient = {
    readStream: fake.readStream.bind(fake),
    readAll: fake.readAll.bind(fake),
    subscribeToAll: fake.subscribeToAll.bind(fake),
    dispose: fake.dispose,
    appendToStream: async (name, events, options?: AppendToStreamOptions) => {
      revisions.push(options?.expectedRevision);
      if (first && before) {
        first = false;
        await before();
      }
      return fake.appendToStream(name, events, options);
    },
  };
  return { client, revisions };
}

describe('eventstoredb writes', () => {
  it('writes with the exact revision it read: no_stream, then the last revision', async () => {
    const fake = new FakeEsdbClient();
    const { client, revisions } = spy(fake);
    const store = open(client);
    await store.append(stream(5), [pinned()]);
    await store.append(stream(5), [pinned(), pinned()]);
    await store.append(stream(5), [pinned()], { expectedVersion: 'any' });
    expect(revisions).toEqual(['no_stream', 0n, 2n]);
  });

  it('plans again when another writer got there first, and keeps the versions contiguous', async () => {
    const fake = new FakeEsdbClient();
    const intruder = pinned();
    const { client, revisions } = spy(fake, async () => {
      await fake.appendToStream(stream(6), {
        id: intruder.id,
        contentType: 'application/json',
        type: intruder.type,
        data: intruder.data as never,
        metadata: { ...intruder.metadata, schemaVersion: 1 },
      });
    });
    const store = open(client);
    const mine = [pinned(), pinned()];
    const result = await store.append(stream(6), mine);
    expect(revisions).toEqual(['no_stream', 0n]);
    expect(result.events.map((e) => e.streamVersion)).toEqual([1, 2]);
    expect((await store.readStream(stream(6))).map((e) => e.id)).toEqual([
      intruder.id,
      ...mine.map((e) => e.id),
    ]);
  });

  it('a lost race against an exact expected version is the caller’s WrongExpectedVersionError', async () => {
    const fake = new FakeEsdbClient();
    const other = new EventStoreDbEventStore({ url: URL, client: fake });
    const { client } = spy(fake, async () => {
      await other.append(stream(7), [pinned()]);
    });
    const store = open(client);
    const error = await rejection(store.append(stream(7), [pinned()], { expectedVersion: 'no-stream' }));
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ stream: stream(7), expected: 'no-stream', actual: 0 });
  });

  it('dedupes by id itself: the server’s ANY idempotency forgets old ids', async () => {
    const fake = new FakeEsdbClient({ idempotencyCacheSize: 1 });
    const store = open(fake);
    const event = pinned();
    const data = {
      id: event.id,
      contentType: 'application/json' as const,
      type: event.type,
      data: event.data as never,
      metadata: { ...event.metadata, schemaVersion: 1 },
    };
    // The server itself writes a remembered id once, but a forgotten one twice.
    await fake.appendToStream(stream(8), data);
    await fake.appendToStream(stream(8), data);
    await fake.appendToStream(stream(9), { ...data, id: '0c4f6e1a-7b5d-4d63-9a8e-4f2b7c1d9e30' });
    await fake.appendToStream(stream(8), data);
    expect((await store.readStream(stream(8))).map((e) => e.id)).toEqual([event.id, event.id]);
    // Through the adapter a re-append is a duplicate, however long ago the original was written.
    const original = pinned();
    const first = await store.append(stream(15), [original]);
    await store.append(stream(16), [pinned()]);
    const retry = await store.append(stream(15), [original]);
    expect(retry.events).toEqual([{ ...first.events[0]!, duplicate: true }]);
    expect(await store.readStream(stream(15))).toHaveLength(1);
  });

  it('splits a stream’s events into writes within the append size, in order', async () => {
    const fake = new FakeEsdbClient();
    const store = open(fake, { maxAppendBytes: 2000 });
    const big = () => {
      const e = sampleEvent('MessageCreated');
      return { ...e, data: { ...e.data, text: 'ж'.repeat(300) } } as NewEvent;
    };
    const written = [big(), big(), big(), big(), big()];
    const result = await store.append(stream(10), written);
    expect(fake.calls.appendToStream).toBeGreaterThanOrEqual(3);
    expect(result.events.map((e) => e.streamVersion)).toEqual([0, 1, 2, 3, 4]);
    expect((await store.readStream(stream(10))).map((e) => e.id)).toEqual(written.map((e) => e.id));
  });

  it('explains a server whose append size is smaller than ours', async () => {
    const store = open(new FakeEsdbClient({ maxAppendSize: 500 }));
    const e = sampleEvent('MessageCreated');
    const error = await rejection(
      store.append(stream(11), [{ ...e, data: { ...e.data, text: 'x'.repeat(600) } } as NewEvent]),
    );
    expect(error.message).toContain('--max-append-size');
  });

  it('does not detect an id reused in another stream: ESDB keeps no index by id', async () => {
    const store = open();
    const taken = pinned();
    await store.append(stream(12), [taken]);
    const result = await store.append(stream(13), [taken]);
    expect(result.events[0]!.duplicate).toBe(false);
    expect((await store.readAll()).filter((e) => e.id === taken.id)).toHaveLength(2);
  });

  it('asks for a server that reports positions on stream reads (22.6+)', async () => {
    const fake = new FakeEsdbClient();
    const client: EsdbClient = {
      ...spy(fake).client,
      readStream: ((name: string, options?: object) => {
        const inner = fake.readStream(name, options);
        return Readable.from(
          (async function* () {
            for await (const resolved of inner)
              yield { ...resolved, event: { ...resolved.event!, position: undefined } };
          })(),
        );
      }) as never,
    };
    const store = open(client);
    const error = await rejection(store.append(stream(14), [pinned()]));
    expect(error.message).toContain('22.6 or newer');
  });
});

describe('eventstoredb namespaces', () => {
  it('keeps stores on one server apart', async () => {
    const fake = new FakeEsdbClient();
    const a = open(fake, { namespace: 'a1' });
    const b = open(fake, { namespace: 'b2' });
    const plain = open(fake);
    await a.append(stream(20), [pinned()]);
    const waiting = b.waitForEvents(undefined, { timeoutMs: 200 });
    await a.append(stream(21), [pinned()]);
    expect(await waiting).toBe(false);
    await b.append(stream(20), [pinned(), pinned()]);
    expect((await a.readAll()).map((e) => e.stream)).toEqual([stream(20), stream(21)]);
    expect((await b.readStream(stream(20))).map((e) => e.streamVersion)).toEqual([0, 1]);
    expect(await b.readAll({ streamPrefix: 'message-1000.c100.21' })).toEqual([]);
    expect(fake.log.some((r) => r.streamId === `a1:${stream(20)}`)).toBe(true);
    expect((await plain.readAll()).length).toBe(4);
    expect(() => open(fake, { namespace: 'no spaces' })).toThrow(RangeError);
  });
});

describe('eventstoredb when the server is unreachable', () => {
  it('turns every failure into StoreUnavailableError with the password redacted', async () => {
    const fake = new FakeEsdbClient();
    const store = open(fake);
    await store.append(stream(30), [pinned()]);
    fake.goOffline();
    for (const call of [
      () => store.append(stream(30), [pinned()]),
      () => store.readAll(),
      () => store.readStream(stream(30)),
      () => store.headPosition(),
      () => store.waitForEvents(undefined, { timeoutMs: 5000 }),
    ]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.message).toContain('esdb://admin:***@127.0.0.1:2113');
      expect(error.message).not.toContain('changeit');
    }
    fake.goOnline();
    expect(await store.readStream(stream(30))).toHaveLength(1);
  });

  it('the real client against a closed loopback port fails to open with StoreUnavailableError', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address() as { port: number };
        server.close(() => resolve(address.port));
      });
    });
    const error = await rejection(
      openEventStoreDb({ url: `esdb://admin:s3cret@127.0.0.1:${port}?tls=false` }),
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.message).toContain(`esdb://admin:***@127.0.0.1:${port}`);
    expect(error.message).not.toContain('s3cret');
  });

  it('rejects a connection string the client cannot parse, redacted', async () => {
    for (const url of ['http://admin:s3cret@127.0.0.1:2113', 'esdb://admin:s3cret@127.0.0.1:notaport']) {
      const error = await rejection(openEventStoreDb({ url }));
      expect(error).toBeInstanceOf(InvalidConnectionStringError);
      expect(error.message).not.toContain('s3cret');
    }
  });

  it('redacts only the password', () => {
    expect(redactConnectionString('esdb://admin:changeit@host:2113?tls=true')).toBe(
      'esdb://admin:***@host:2113?tls=true',
    );
    expect(redactConnectionString('esdb://host1:2113,host2:2113')).toBe('esdb://host1:2113,host2:2113');
  });

  it('closing disposes the client and refuses further work', async () => {
    const fake = new FakeEsdbClient();
    const store = open(fake);
    await store.close();
    expect(fake.disposed).toBe(true);
    expect(await rejection(store.readAll())).toBeInstanceOf(StoreClosedError);
  });
});
