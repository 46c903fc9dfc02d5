// The projector's own records: where each projection stands in the event log, and the events an
// operator deliberately skipped.
import { defineEntity, p } from '@mikro-orm/core';

const CheckpointSchema = defineEntity({
  name: 'Checkpoint',
  tableName: 'checkpoints',
  properties: {
    name: p.string().primary(),
    /** The projection's version constant when this copy was built. */
    version: p.integer(),
    /** Opaque global position of the last applied event; null before the first. */
    position: p.string().nullable(),
    /** The store's human-readable sequence number of that event, where it has one. */
    sequence: p.bigint('number').nullable(),
    lastEventId: p.string().nullable(),
    lastRecordedAt: p.datetime().nullable(),
    /** Events applied (a redelivered event is not counted twice). */
    eventCount: p.bigint('number'),
    updatedAt: p.datetime(),
  },
});
export class Checkpoint extends CheckpointSchema.class {}
CheckpointSchema.setClass(Checkpoint);

const SkippedEventSchema = defineEntity({
  name: 'SkippedEvent',
  tableName: 'skipped_events',
  properties: {
    eventId: p.string().primary(),
    position: p.string(),
    stream: p.string(),
    type: p.string(),
    reason: p.text(),
    skippedAt: p.datetime(),
  },
});
export class SkippedEvent extends SkippedEventSchema.class {}
SkippedEventSchema.setClass(SkippedEvent);
