// The runner against a real (in-memory) event store: catch-up in batches, live following with
// notifications, lag, halting at a bad event and an operator's skip.
import { afterEach, describe, expect, it } from '@jest/globals';
import { ProjectionHaltedError } from '../../../projections/apply.ts';
import type { ReadModelCopy } from '../../../projections/db/open.ts';
import { type AppliedBatch, ProjectionNotifier } from '../../../projections/notifications.ts';
import { ProjectionRunner } from '../../../projections/runner.ts';
import type { StoredEvent } from '../../../src/events/envelope.ts';
import { MemoryEventStore } from '../../../src/eventstore/memory.ts';
import { waitFor } from '../../support/wait.ts';
import { ACCOUNT, at, channel, EventLog, freshCopy, make, messageStream, rows } from './support.ts';

let copy: ReadModelCopy;
const stop = new AbortController();
afterEach(async () => {
  await copy?.close();
});

const created = (id: number) =>
  make(messageStream(channel, id), 'MessageCreated', {
    chat: channel,
    messageId: id,
    date: at(0),
    text: `message ${id}`,
    entities: [],
    outgoing: false,
  });

async function appendMessages(store: MemoryEventStore, ids: number[]) {
  await store.appendBatch(ids.map((id) => ({ stream: messageStream(channel, id), events: [created(id)] })));
}

describe('ProjectionRunner', () => {
  it('catches up in batches, notifies each batch, and reports no lag once caught up', async () => {
    const store = new MemoryEventStore();
    await appendMessages(store, [1, 2, 3, 4, 5]);
    copy = await freshCopy();
    const notifier = new ProjectionNotifier();
    const batches: AppliedBatch[] = [];
    notifier.on('batch', (b) => batches.push(b));
    const runner = new ProjectionRunner({ store, copy, batchSize: 2, notifier });
    expect(await runner.catchUp()).toBe(5);
    expect(batches.map((b) => b.events.length)).toEqual([2, 2, 1]);
    expect(batches[0]!.events[0]).toMatchObject({
      type: 'MessageCreated',
      chat: `${ACCOUNT}.c1001`,
      messageId: 1,
    });
    expect(runner.status()).toMatchObject({ caughtUp: true, lagMs: 0, appliedSinceStart: 5 });
    expect((await rows(copy, 'messages')).length).toBe(5);
    // A second runner on the same copy resumes from the stored checkpoint.
    await appendMessages(store, [6]);
    const again = new ProjectionRunner({ store, copy, batchSize: 2 });
    expect(await again.catchUp()).toBe(1);
    expect((await rows<any>(copy, 'checkpoints'))[0]).toMatchObject({ eventCount: 6 });
  });

  it('shows lag while behind: the age of the last applied event', async () => {
    const store = new MemoryEventStore();
    await appendMessages(store, [1, 2, 3]);
    copy = await freshCopy();
    const recorded = Date.parse((await store.readAll())[0]!.recordedAt);
    const runner = new ProjectionRunner({ store, copy, batchSize: 1, now: () => recorded + 5000 });
    await runner.step();
    expect(runner.status()).toMatchObject({ caughtUp: false, lagMs: 5000 });
  });

  it('follows new events live and emits them to subscribers', async () => {
    const store = new MemoryEventStore();
    copy = await freshCopy();
    const notifier = new ProjectionNotifier();
    const received: number[] = [];
    const listening = (async () => {
      for await (const batch of notifier.batches(stop.signal))
        received.push(...batch.events.map((e) => e.messageId!));
    })();
    const runner = new ProjectionRunner({ store, copy, notifier, idleMs: 50 });
    const following = runner.follow(stop.signal);
    await appendMessages(store, [1]);
    await appendMessages(store, [2, 3]);
    await waitFor(() => received.length === 3, 'three live events applied');
    stop.abort();
    await following;
    await listening;
    expect(received).toEqual([1, 2, 3]);
    expect((await rows(copy, 'messages')).length).toBe(3);
  });

  it('throws a typed error at an event it cannot apply, and passes it only when skipped', async () => {
    const log = new EventLog();
    log.append(messageStream(channel, 1), created(1));
    const bad = log.append(messageStream(channel, 2), created(2))!;
    log.events[1] = { ...bad, data: { ...bad.data, date: 'not a date' } } as StoredEvent;
    log.append(messageStream(channel, 3), created(3));
    copy = await freshCopy();
    const halted = await new ProjectionRunner({ store: log.store(), copy }).catchUp().catch((e) => e);
    expect(halted).toBeInstanceOf(ProjectionHaltedError);
    expect(halted).toMatchObject({ eventId: bad.id, position: 'p2', stream: bad.stream });
    expect((await rows(copy, 'messages')).length).toBe(1);
    // Restarting without a decision stops at the same event again.
    await expect(new ProjectionRunner({ store: log.store(), copy }).catchUp()).rejects.toThrow(
      ProjectionHaltedError,
    );
    const skipping = new ProjectionRunner({ store: log.store(), copy, skip: new Set([bad.id]) });
    await skipping.catchUp();
    expect((await rows(copy, 'messages')).length).toBe(2);
    expect((await rows<any>(copy, 'skippedEvents')).map((s) => s.eventId)).toEqual([bad.id]);
  });
});
