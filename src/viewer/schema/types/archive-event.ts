// ArchiveEvent: one immutable event of the log, exactly as stored: the audit trail behind every
// value the viewer shows.
import type { StoredEvent } from '../../../events/envelope.ts';
import { builder } from '../builder.ts';
import { DateTimeScalar } from './date-time.ts';
import { EventSourceEnum } from './event-source.ts';
import { JsonScalar } from './json.ts';

export const ArchiveEventRef = builder.objectRef<StoredEvent>('ArchiveEvent').implement({
  description: 'An event from the event store, unchanged',
  fields: (t) => ({
    eventId: t.exposeString('id', { description: 'Deterministic UUIDv5 of the event' }),
    type: t.exposeString('type', { description: 'MessageCreated, MessageEdited, MessageDeleted, …' }),
    stream: t.exposeString('stream'),
    streamVersion: t.exposeInt('streamVersion', { description: '0-based position in its stream' }),
    globalPosition: t.exposeString('globalPosition', { description: 'Opaque position in the global log' }),
    recordedAt: t.field({
      type: DateTimeScalar,
      description: 'When the store committed it',
      resolve: (e) => new Date(e.recordedAt),
    }),
    observedAt: t.field({ type: DateTimeScalar, resolve: (e) => new Date(e.metadata.observedAt) }),
    source: t.field({ type: EventSourceEnum, resolve: (e) => e.metadata.source }),
    schemaVersion: t.int({ resolve: (e) => e.metadata.schemaVersion }),
    layer: t.int({
      nullable: true,
      description: 'Telegram API layer of the raw object',
      resolve: (e) => e.metadata.layer ?? null,
    }),
    data: t.field({ type: JsonScalar, description: 'The payload', resolve: (e) => e.data }),
    metadata: t.field({
      type: JsonScalar,
      description: 'The metadata without the raw Telegram object (see raw)',
      resolve: (e) => {
        const { raw: _raw, ...rest } = e.metadata;
        return rest;
      },
    }),
    raw: t.field({
      type: JsonScalar,
      nullable: true,
      description: 'The raw Telegram object the event was decoded from',
      resolve: (e) => e.metadata.raw ?? null,
    }),
  }),
});
