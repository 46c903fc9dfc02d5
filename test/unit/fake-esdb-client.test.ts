// Pins the server behaviour the fake claims to model (see its header), with the client's own error
// classes, so the adapter tests over it mean something.

import {
  type EventData,
  MaxAppendSizeExceededError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { describe, expect, it } from '@jest/globals';
import { FakeEsdbClient } from '../support/fake-esdb-client.ts';

let n = 0;
const event = (type = 'Thing'): EventData => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  contentType: 'application/json',
  type,
  data: { n },
  metadata: { source: 'test' },
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

async function all<T>(read: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of read) out.push(item);
  return out;
}

describe('fake EventStoreDB client', () => {
  it('raises the client’s WrongExpectedVersionError with its fields', async () => {
    const fake = new FakeEsdbClient();
    await fake.appendToStream('s-1', event());
    const error = await failure(fake.appendToStream('s-1', event(), { expectedRevision: 'no_stream' }));
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({
      type: 'wrong-expected-version',
      streamName: 's-1',
      expectedVersion: 'no_stream',
      actualVersion: 0n,
    });
    const missing = await failure(fake.appendToStream('s-2', event(), { expectedRevision: 'stream_exists' }));
    expect(missing).toMatchObject({ actualVersion: 'no_stream' });
  });

  it('is idempotent at an explicit revision; a partial match is a wrong expected version', async () => {
    const fake = new FakeEsdbClient();
    const [a, b] = [event(), event()];
    const first = await fake.appendToStream('s-1', [a, b], { expectedRevision: 'no_stream' });
    expect(first.nextExpectedRevision).toBe(1n);
    const again = await fake.appendToStream('s-1', [a, b], { expectedRevision: 'no_stream' });
    expect(again).toEqual({ success: true, nextExpectedRevision: 1n });
    expect(
      await failure(fake.appendToStream('s-1', [a, event()], { expectedRevision: 'no_stream' })),
    ).toBeInstanceOf(WrongExpectedVersionError);
    expect(await all(fake.readStream('s-1'))).toHaveLength(2);
  });

  it('fails a read of a missing stream with StreamNotFoundError and reads inclusively', async () => {
    const fake = new FakeEsdbClient();
    const error = await failure(all(fake.readStream('nope-1')));
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect(error).toMatchObject({ type: 'stream-not-found', streamName: 'nope-1' });
    await fake.appendToStream('s-1', [event(), event(), event()]);
    const from1 = await all(fake.readStream('s-1', { fromRevision: 1n, maxCount: 5 }));
    expect(from1.map((r) => r.event!.revision)).toEqual([1n, 2n]);
    const back = await all(
      fake.readStream('s-1', { direction: 'backwards', fromRevision: 'end', maxCount: 2 }),
    );
    expect(back.map((r) => r.event!.revision)).toEqual([2n, 1n]);
  });

  it('reads $all inclusively from a position; subscribes exclusively after it', async () => {
    const fake = new FakeEsdbClient({ systemProjections: false });
    await fake.appendToStream('s-1', [event(), event()]);
    const ours = (await all(fake.readAll())).filter((r) => r.event!.streamId === 's-1');
    const second = ours[1]!.event!.position;
    const fromSecond = await all(fake.readAll({ fromPosition: second }));
    expect(fromSecond[0]!.event!.position).toEqual(second);
    const subscription = fake.subscribeToAll({ fromPosition: ours[0]!.event!.position });
    const seen: string[] = [];
    subscription.on('data', (r) => seen.push(r.event!.id));
    await new Promise<void>((resolve) => subscription.once('caughtUp', resolve));
    expect(seen).toEqual([ours[1]!.event!.id]);
    const live = event();
    await fake.appendToStream('s-2', live);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([ours[1]!.event!.id, live.id]);
    await subscription.unsubscribe();
  });

  it('writes system events into $all and filters subscriptions on the server side', async () => {
    const fake = new FakeEsdbClient();
    await fake.appendToStream('message-1', event('Created'));
    const types = fake.log.map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(['$settings', '$User', '$>']));
    const subscription = fake.subscribeToAll({
      filter: { filterOn: 'eventType', regex: '^[^$].*', checkpointInterval: 1 },
    });
    const seen: string[] = [];
    subscription.on('data', (r) => seen.push(r.event!.type));
    await new Promise<void>((resolve) => subscription.once('caughtUp', resolve));
    expect(seen).toEqual(['Created']);
    await subscription.unsubscribe();
  });

  it('refuses a write over the maximum append size and fails like the client when offline', async () => {
    const fake = new FakeEsdbClient({ maxAppendSize: 100 });
    const big = { ...event(), data: { text: 'x'.repeat(200) } } as EventData;
    const error = await failure(fake.appendToStream('s-1', big));
    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect(error).toMatchObject({ maxAppendSize: 100 });
    fake.goOffline();
    expect(await failure(fake.appendToStream('s-1', event()))).toMatchObject({ code: 14 });
    expect(await failure(all(fake.readAll()))).toBeInstanceOf(UnavailableError);
  });
});
