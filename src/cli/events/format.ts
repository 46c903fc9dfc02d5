// How `events` commands print stored events: one readable line per event for people, or the full
// envelope as one JSON line per event for tools (the same shape `events export` writes).
import type { StoredEvent } from '../../events/envelope.ts';

/** The envelope in a stable key order; `events import` reads exactly this. */
export function toJsonLine(event: StoredEvent): string {
  return JSON.stringify({
    id: event.id,
    stream: event.stream,
    streamVersion: event.streamVersion,
    type: event.type,
    globalPosition: event.globalPosition,
    ...(event.sequence !== undefined ? { sequence: event.sequence } : {}),
    recordedAt: event.recordedAt,
    data: event.data,
    metadata: event.metadata,
  });
}

/**
 * `2024-03-01T08:00:01.123Z  #12  message-1.c100.5@0  MessageCreated  {"chat":…}`, cut to `width`
 * columns when given (a terminal), whole otherwise.
 */
export function formatEventLine(event: StoredEvent, width?: number): string {
  const where = event.sequence !== undefined ? `#${event.sequence}` : event.globalPosition;
  const head = `${event.recordedAt}  ${where}  ${event.stream}@${event.streamVersion}  ${event.type}  `;
  const data = JSON.stringify(event.data);
  const line = head + data;
  if (width === undefined || line.length <= width) return line;
  // Cut between code points: half an emoji is not printable.
  return `${Array.from(line)
    .slice(0, Math.max(head.length, width - 1))
    .join('')}…`;
}
