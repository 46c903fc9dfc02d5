// The pure core of an append, shared by every adapter: given the prepared requests, the events that
// already exist with the same ids and each stream's current version, decide which rows to write and
// at which stream versions, or throw. Adapters only look things up and insert the planned rows.
import type { EventType } from '../events/catalogue.ts';
import type { GlobalPosition } from '../events/envelope.ts';
import { EventIdConflictError, WrongExpectedVersionError } from './errors.ts';
import type { AppendedEvent, AppendRequest, AppendResult, ExpectedVersion } from './port.ts';
import type { PreparedRequest } from './validate.ts';

/** An already stored event with an id that the batch uses again. */
export interface ExistingEvent {
  readonly id: string;
  readonly stream: string;
  readonly type: string;
  readonly streamVersion: number;
  readonly globalPosition: GlobalPosition;
}

export interface PlannedRow {
  readonly id: string;
  readonly stream: string;
  readonly streamVersion: number;
  readonly type: EventType;
  readonly data: string;
  readonly metadata: string;
}

/** Where a requested event ended up: an existing event (a duplicate) or a row of this plan. */
type Placement =
  | { readonly existing: ExistingEvent; readonly row?: undefined }
  | { readonly existing?: undefined; readonly row: number; readonly duplicate: boolean };

interface PlannedResult {
  readonly stream: string;
  readonly currentVersion: number;
  readonly placements: readonly Placement[];
}

export interface AppendPlan {
  /** In write order: global positions must be assigned in this order. */
  readonly rows: readonly PlannedRow[];
  readonly results: readonly PlannedResult[];
}

/**
 * Copies a planned row's stored fields into a flat list of statement values from `at` on, in the
 * column order (id, stream, stream version, type, data, metadata) that the SQL adapters insert.
 */
export function putRowValues(values: unknown[], at: number, row: PlannedRow): void {
  values[at] = row.id;
  values[at + 1] = row.stream;
  values[at + 2] = row.streamVersion;
  values[at + 3] = row.type;
  values[at + 4] = row.data;
  values[at + 5] = row.metadata;
}

/** Every distinct id of the batch, for the adapter's lookup of existing events. */
export function batchIds(requests: readonly PreparedRequest[]): string[] {
  const ids = new Set<string>();
  for (const request of requests) for (const event of request.events) ids.add(event.id);
  return [...ids];
}

export function batchStreams(requests: readonly PreparedRequest[]): string[] {
  const streams = new Set<string>();
  for (const request of requests) streams.add(request.stream);
  return [...streams];
}

export function checkExpectedVersion(stream: string, expected: ExpectedVersion, actual: number): void {
  const ok =
    expected === 'any' ||
    (expected === 'no-stream' ? actual === -1 : expected === 'exists' ? actual >= 0 : actual === expected);
  if (!ok) throw new WrongExpectedVersionError(stream, expected, actual);
}

function conflict(id: string, seen: { stream: string; type: string }, stream: string, type: string) {
  if (seen.stream !== stream)
    return new EventIdConflictError(
      id,
      `in stream '${seen.stream}', so it cannot be appended to '${stream}'`,
    );
  return new EventIdConflictError(id, `as a ${seen.type} in '${stream}', so it cannot also be a ${type}`);
}

/**
 * Requests are applied in order, so a stream named twice in one batch continues where the earlier
 * request left it. A request whose events all exist already is an idempotent retry: it succeeds with
 * the original positions whatever its expected version, and writes nothing.
 *
 * @param versions the current version of every stream in the batch (-1 or absent: no stream yet)
 */
export function planAppend(
  requests: readonly PreparedRequest[],
  existing: ReadonlyMap<string, ExistingEvent>,
  versions: ReadonlyMap<string, number>,
): AppendPlan {
  const rows: PlannedRow[] = [];
  const results: PlannedResult[] = [];
  const current = new Map(versions);
  const planned = new Map<string, number>();
  for (const request of requests) {
    const { stream, events } = request;
    const placements: Placement[] = new Array(events.length);
    // For an id that occurs twice in this request: the index of its first occurrence.
    const firstInRequest = new Map<string, number>();
    const repeats: (number | undefined)[] = new Array(events.length);
    let fresh = 0;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const old = existing.get(event.id);
      if (old !== undefined) {
        if (old.stream !== stream || old.type !== event.type)
          throw conflict(event.id, old, stream, event.type);
        placements[i] = { existing: old };
        continue;
      }
      const row = planned.get(event.id);
      if (row !== undefined) {
        const earlier = rows[row]!;
        if (earlier.stream !== stream || earlier.type !== event.type)
          throw conflict(event.id, earlier, stream, event.type);
        placements[i] = { row, duplicate: true };
        continue;
      }
      const first = firstInRequest.get(event.id);
      if (first !== undefined) {
        const earlier = events[first]!;
        if (earlier.type !== event.type)
          throw conflict(event.id, { stream, type: earlier.type }, stream, event.type);
        repeats[i] = first;
        continue;
      }
      firstInRequest.set(event.id, i);
      fresh++;
    }
    let version = current.get(stream) ?? -1;
    if (fresh > 0 || events.length === 0) checkExpectedVersion(stream, request.expectedVersion, version);
    const rowOf: number[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      if (placements[i] !== undefined) continue;
      const repeat = repeats[i];
      if (repeat !== undefined) {
        placements[i] = { row: rowOf[repeat]!, duplicate: true };
        continue;
      }
      const event = events[i]!;
      version++;
      const index = rows.length;
      rows.push({
        id: event.id,
        stream,
        streamVersion: version,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
      });
      rowOf[i] = index;
      planned.set(event.id, index);
      placements[i] = { row: index, duplicate: false };
    }
    current.set(stream, version);
    results.push({ stream, currentVersion: version, placements });
  }
  return { rows, results };
}

/** Turns a plan into results once the adapter knows the global position of each written row. */
export function appendResults(plan: AppendPlan, positions: readonly GlobalPosition[]): AppendResult[] {
  return plan.results.map(({ stream, currentVersion, placements }) => ({
    stream,
    currentVersion,
    events: placements.map((placement): AppendedEvent => {
      if (placement.existing !== undefined)
        return {
          id: placement.existing.id,
          streamVersion: placement.existing.streamVersion,
          globalPosition: placement.existing.globalPosition,
          duplicate: true,
        };
      const row = plan.rows[placement.row]!;
      return {
        id: row.id,
        streamVersion: row.streamVersion,
        globalPosition: positions[placement.row]!,
        duplicate: placement.duplicate,
      };
    }),
  }));
}

/** EventStore.append for every adapter: a batch of one request. */
export async function appendOne(
  store: { appendBatch(requests: readonly AppendRequest[]): Promise<AppendResult[]> },
  request: AppendRequest,
): Promise<AppendResult> {
  const [result] = await store.appendBatch([request]);
  return result!;
}
