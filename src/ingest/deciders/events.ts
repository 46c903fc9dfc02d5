// Building new events: deterministic id, payload, and metadata from the observation.
import type { EventPayloads, EventType } from '../../events/catalogue.ts';
import type { EventMetadata, NewEvent } from '../../events/envelope.ts';
import { eventId } from '../../events/ids.ts';
import type { ObservationMeta } from '../../events/observations.ts';

export function metadataOf(meta: ObservationMeta): EventMetadata {
  const metadata: { -readonly [K in keyof EventMetadata]: EventMetadata[K] } = {
    source: meta.source,
    observedAt: meta.observedAt,
  };
  if (meta.layer !== undefined) metadata.layer = meta.layer;
  if (meta.raw !== undefined) metadata.raw = meta.raw;
  return metadata;
}

export function newEvent<T extends EventType>(
  stream: string,
  type: T,
  discriminator: string,
  data: EventPayloads[T],
  meta: ObservationMeta,
): NewEvent {
  return { id: eventId(stream, type, discriminator), type, data, metadata: metadataOf(meta) } as NewEvent;
}
