// Applies one batch of events to a copy: load the rows it needs, run the pure handlers, write the
// result and advance every projection's checkpoint, all in one transaction. A checkpoint that moved
// under us means a second projector is writing the same copy; the batch is then rolled back.
import type { StoredEvent } from '../src/events/envelope.ts';
import type { ReadModelCopy } from './db/open.ts';
import type { TableOperations } from './db/operations.ts';
import { applyWrites, loadRows, recordSkipped, writeCheckpoints } from './db/operations.ts';
import {
  BatchRejectedError,
  checkEvents,
  needsOf,
  type ProjectedBatch,
  projectBatch,
} from './handlers/index.ts';
import type { AppliedEvent, CheckpointRow, LoadedRows } from './model.ts';
import type { DocumentText } from './search/document.ts';
import { PROJECTION_NAMES, PROJECTIONS } from './versions.ts';

/** The runner stopped at an event it cannot apply. Nothing after it was written. */
export class ProjectionHaltedError extends Error {
  readonly eventId: string;
  readonly position: string;
  readonly stream: string;
  readonly eventType: string;
  readonly reason: string;
  constructor(event: StoredEvent, reason: string) {
    super(
      `Projection stopped at event ${event.id} (${event.type} in ${event.stream}, position ${event.globalPosition}): ${reason}. ` +
        `Fix the cause, or skip it deliberately with: telegram-archive projections run --skip-event ${event.id}`,
    );
    this.name = 'ProjectionHaltedError';
    this.eventId = event.id;
    this.position = event.globalPosition;
    this.stream = event.stream;
    this.eventType = event.type;
    this.reason = reason;
  }
}

/** Another process advanced this copy's checkpoint: two projectors must never write one copy. */
export class CheckpointConflictError extends Error {
  constructor(copy: string, expected: string | null, found: string | null) {
    super(
      `Checkpoint of read-model copy '${copy}' is at ${found ?? 'the start'}, expected ${expected ?? 'the start'}: is another projector running on it?`,
    );
    this.name = 'CheckpointConflictError';
  }
}

export interface CheckpointState {
  readonly position: string | null;
  readonly sequence: number | null;
  readonly eventCount: number;
  readonly lastRecordedAt: number | null;
}

export interface BatchOutcome {
  readonly applied: AppliedEvent[];
  readonly redelivered: number;
  readonly skipped: StoredEvent[];
  readonly checkpoint: CheckpointState;
  /** Set when the batch stopped early at an event it cannot apply (the events before it are committed). */
  readonly halted?: ProjectionHaltedError;
}

export function checkpointState(rows: readonly CheckpointRow[]): CheckpointState {
  const first = rows[0];
  return {
    position: first?.position ?? null,
    sequence: first?.sequence ?? null,
    eventCount: first?.eventCount ?? 0,
    lastRecordedAt: first?.lastRecordedAt ?? null,
  };
}

/** The checkpoint rows of a fresh copy: every projection at its code version, before the first event. */
export async function initCheckpoints(copy: ReadModelCopy, now = Date.now()): Promise<void> {
  await copy.transaction((ops) =>
    writeCheckpoints(
      ops,
      PROJECTION_NAMES.map((name) => ({
        name,
        version: PROJECTIONS[name],
        position: null,
        sequence: null,
        lastEventId: null,
        lastRecordedAt: null,
        eventCount: 0,
        updatedAt: now,
      })),
    ),
  );
}

async function commit(
  ops: TableOperations,
  events: readonly StoredEvent[],
  projected: ProjectedBatch,
  stored: readonly CheckpointRow[],
  now: number,
  searchText: DocumentText | undefined,
): Promise<CheckpointState> {
  await applyWrites(ops, projected.writes, searchText);
  await recordSkipped(
    ops,
    projected.skipped.map((e) => ({
      eventId: e.id,
      position: e.globalPosition,
      stream: e.stream,
      type: e.type,
      reason: 'skipped by the operator (--skip-event)',
      skippedAt: now,
    })),
  );
  const last = events.at(-1)!;
  const rows = stored.map((row) => ({
    ...row,
    position: last.globalPosition,
    sequence: last.sequence ?? null,
    lastEventId: last.id,
    lastRecordedAt: Date.parse(last.recordedAt) || null,
    eventCount: row.eventCount + projected.applied.length,
    updatedAt: now,
  }));
  await writeCheckpoints(ops, rows);
  return checkpointState(rows);
}

interface Projection {
  /** The events it covers: all of the batch, or those before an event the handlers rejected. */
  readonly events: readonly StoredEvent[];
  readonly projected: ProjectedBatch | undefined;
  readonly halted?: ProjectionHaltedError;
}

/** Projects `events`; at a rejected event, projects the events before it and says why it stopped. */
function project(
  events: readonly StoredEvent[],
  checked: ReturnType<typeof checkEvents>,
  loaded: LoadedRows,
  options: { skip?: ReadonlySet<string> },
): Projection {
  try {
    return { events, projected: projectBatch(events, loaded, options, checked) };
  } catch (error) {
    if (!(error instanceof BatchRejectedError)) throw error;
    const halted = new ProjectionHaltedError(error.event, error.reason);
    const before = events.slice(0, error.index);
    if (before.length === 0) return { events: before, projected: undefined, halted };
    const projected = projectBatch(before, loaded, options, checked.slice(0, error.index));
    return { events: before, projected, halted };
  }
}

/** Checks the stored checkpoint is where the batch starts, and holds it until the transaction ends. */
async function lockAt(ops: TableOperations, copy: string, expected: string | null): Promise<CheckpointRow[]> {
  const stored = await ops.lockCheckpoints();
  if (stored.length === 0) throw new CheckpointConflictError(copy, expected, null);
  const position = checkpointState(stored).position;
  if (position !== expected) throw new CheckpointConflictError(copy, expected, position);
  return stored;
}

function outcomeOf(projection: Projection, state: CheckpointState): BatchOutcome {
  const p = projection.projected;
  return {
    applied: p?.applied ?? [],
    redelivered: p?.redelivered ?? 0,
    skipped: p?.skipped ?? [],
    checkpoint: state,
    ...(projection.halted ? { halted: projection.halted } : {}),
  };
}

/**
 * Applies `events` (the next events after `expected`) in one transaction. An event the handlers
 * reject ends the batch there: the events before it are committed and `halted` says why.
 */
export async function applyBatch(
  copy: ReadModelCopy,
  events: readonly StoredEvent[],
  expected: string | null,
  options: {
    skip?: ReadonlySet<string>;
    now?: number;
    /** Search texts tokenized ahead of time (search/tokenizer.ts); anything else is tokenized here. */
    searchText?: DocumentText;
  } = {},
): Promise<BatchOutcome> {
  const now = options.now ?? Date.now();
  return copy.transaction(async (ops) => {
    const stored = await lockAt(ops, copy.name, expected);
    const state = checkpointState(stored);
    if (events.length === 0) return { applied: [], redelivered: 0, skipped: [], checkpoint: state };
    const checked = checkEvents(events);
    const projection = project(events, checked, await loadRows(ops, needsOf(events, checked)), options);
    if (!projection.projected) return outcomeOf(projection, state);
    const checkpoint = await commit(
      ops,
      projection.events,
      projection.projected,
      stored,
      now,
      options.searchText,
    );
    return outcomeOf(projection, checkpoint);
  });
}

/** A batch projected ahead of its transaction (see prepareBatch). */
export interface PreparedBatch extends Projection {
  /** The rows as this batch leaves them: where the next batch may start before this one commits. */
  readonly after: LoadedRows | undefined;
}

/**
 * Projects a non-empty batch outside any transaction, for commitBatch to write. Rows the previous
 * batch touched come from `carried` (its `after`), so this may run while that batch still commits:
 * every other row is one the previous batch does not write. Whatever happened in between, the
 * commit finds out: it writes only if the checkpoint is still where this batch starts.
 */
export async function prepareBatch(
  copy: ReadModelCopy,
  events: readonly StoredEvent[],
  options: { skip?: ReadonlySet<string>; carried?: LoadedRows } = {},
): Promise<PreparedBatch> {
  const checked = checkEvents(events);
  const needs = needsOf(events, checked);
  const loaded = await copy.read((ops) => loadRows(ops, needs, options.carried));
  const projection = project(events, checked, loaded, options);
  return { ...projection, after: projection.projected?.rowsAfter() };
}

/** Writes a prepared batch and its checkpoint in one transaction, if the copy is still at `expected`. */
export async function commitBatch(
  copy: ReadModelCopy,
  prepared: PreparedBatch,
  expected: string | null,
  options: { now?: number; searchText?: DocumentText } = {},
): Promise<BatchOutcome> {
  const now = options.now ?? Date.now();
  return copy.transaction(async (ops) => {
    const stored = await lockAt(ops, copy.name, expected);
    if (!prepared.projected) return outcomeOf(prepared, checkpointState(stored));
    const checkpoint = await commit(
      ops,
      prepared.events,
      prepared.projected,
      stored,
      now,
      options.searchText,
    );
    return outcomeOf(prepared, checkpoint);
  });
}
