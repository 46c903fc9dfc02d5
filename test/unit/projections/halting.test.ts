// An event the handlers cannot apply stops the projection with its id, position and reason; the
// events before it are committed, nothing after it is; only a deliberate skip gets past it.
import { afterEach, describe, expect, it } from '@jest/globals';
import { ProjectionHaltedError } from '../../../projections/apply.ts';
import type { ReadModelCopy } from '../../../projections/db/open.ts';
import type { StoredEvent } from '../../../src/events/envelope.ts';
import { at, channel, EventLog, freshCopy, make, messageStream, projectAll, rows } from './support.ts';

let copy: ReadModelCopy;
afterEach(async () => {
  await copy?.close();
});

const stream = messageStream(channel, 1);
const createdEvent = (text: string, id = 1) =>
  make(messageStream(channel, id), 'MessageCreated', {
    chat: channel,
    messageId: id,
    date: at(0),
    text,
    entities: [],
    outgoing: false,
  });

function logWith(bad: (event: StoredEvent) => StoredEvent): EventLog {
  const log = new EventLog();
  log.append(stream, createdEvent('first'));
  const second = log.append(messageStream(channel, 2), createdEvent('second', 2))!;
  log.events[1] = bad(second);
  log.append(messageStream(channel, 3), createdEvent('third', 3));
  return log;
}

const cases: [string, (e: StoredEvent) => StoredEvent, RegExp][] = [
  [
    'an unknown type',
    (e) => ({ ...e, type: 'MessageExploded' }) as unknown as StoredEvent,
    /unknown event type 'MessageExploded'/,
  ],
  [
    'a newer schema version',
    (e) => ({ ...e, metadata: { ...e.metadata, schemaVersion: 2 } }) as StoredEvent,
    /schema version 2 of MessageCreated/,
  ],
  [
    'a payload naming another message than its stream',
    (e) => ({ ...e, data: { ...e.data, messageId: 9 } }) as StoredEvent,
    /payload names chat channel:1001 message 9/,
  ],
  [
    'an invalid date',
    (e) => ({ ...e, data: { ...e.data, date: 'yesterday' } }) as StoredEvent,
    /data.date 'yesterday' is not a valid date/,
  ],
  [
    'a malformed stream name',
    (e) => ({ ...e, stream: 'message-777.x1.2' }) as StoredEvent,
    /not a typed peer id/,
  ],
];

describe('an event that cannot be applied', () => {
  it.each(cases)('stops at %s with id, position and reason', async (_name, bad, reason) => {
    copy = await freshCopy();
    const log = logWith(bad);
    const outcomes = await projectAll(copy, log.events);
    const halted = outcomes.at(-1)!.halted!;
    expect(halted).toBeInstanceOf(ProjectionHaltedError);
    expect(halted.eventId).toBe(log.events[1]!.id);
    expect(halted.position).toBe('p2');
    expect(halted.reason).toMatch(reason);
    expect(halted.message).toContain(`--skip-event ${log.events[1]!.id}`);
    // The event before it is committed with its checkpoint; the one after is not.
    expect((await rows<any>(copy, 'messages')).map((m) => m.text)).toEqual(['first']);
    expect((await rows<any>(copy, 'checkpoints'))[0]).toMatchObject({ position: 'p1', eventCount: 1 });
  });

  it('is passed only when the operator skips it, and the skip is recorded', async () => {
    copy = await freshCopy();
    const log = logWith((e) => ({ ...e, type: 'MessageExploded' }) as unknown as StoredEvent);
    const skip = new Set([log.events[1]!.id]);
    const outcomes = await projectAll(copy, log.events, { skip });
    expect(outcomes.at(-1)!.halted).toBeUndefined();
    expect((await rows<any>(copy, 'messages')).map((m) => m.text).sort()).toEqual(['first', 'third']);
    expect(await rows(copy, 'skippedEvents')).toEqual([
      expect.objectContaining({ eventId: log.events[1]!.id, position: 'p2', type: 'MessageExploded' }),
    ]);
    expect((await rows<any>(copy, 'checkpoints'))[0]).toMatchObject({ position: 'p3', eventCount: 2 });
  });
});
