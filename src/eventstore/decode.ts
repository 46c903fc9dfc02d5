// Turns a stored row back into a StoredEvent: parse the JSON text, check the envelope, upcast old
// payloads. Anything unreadable becomes a CorruptEventError naming the event and its position, so
// a reader stops with an actionable message instead of passing garbage on.
import { isEventType } from '../events/catalogue.ts';
import type { EventMetadata, GlobalPosition, StoredEvent } from '../events/envelope.ts';
import type { Upcasters } from '../events/upcasters.ts';
import { CorruptEventError } from './errors.ts';

export interface StoredRow {
  readonly globalPosition: GlobalPosition;
  readonly sequence: number | undefined;
  readonly id: string;
  readonly stream: string;
  readonly streamVersion: number;
  readonly type: string;
  /** JSON text. */
  readonly data: string;
  /** JSON text with `schemaVersion`. */
  readonly metadata: string;
  readonly recordedAt: string;
}

function parseObject(row: StoredRow, text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CorruptEventError(
      row.id,
      row.globalPosition,
      `${what} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CorruptEventError(row.id, row.globalPosition, `${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

export function decodeRow(row: StoredRow, upcasters: Upcasters): StoredEvent {
  const type = row.type;
  if (!isEventType(type))
    throw new CorruptEventError(row.id, row.globalPosition, `unknown event type '${String(type)}'`);
  let data = parseObject(row, row.data, 'data');
  let metadata = parseObject(row, row.metadata, 'metadata') as EventMetadata & { schemaVersion: number };
  const version = metadata.schemaVersion;
  if (typeof version !== 'number')
    throw new CorruptEventError(row.id, row.globalPosition, 'metadata has no schemaVersion');
  const current = upcasters.currentVersion(type);
  if (version !== current) {
    try {
      data = upcasters.upcast(type, version, data, metadata);
    } catch (error) {
      throw new CorruptEventError(
        row.id,
        row.globalPosition,
        error instanceof Error ? error.message : String(error),
      );
    }
    metadata = { ...metadata, schemaVersion: current, writtenSchemaVersion: version };
  }
  return {
    id: row.id,
    type,
    stream: row.stream,
    streamVersion: row.streamVersion,
    globalPosition: row.globalPosition,
    sequence: row.sequence,
    data,
    metadata,
    recordedAt: row.recordedAt,
  } as unknown as StoredEvent;
}
