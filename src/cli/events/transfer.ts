// Moving a whole log between stores (events copy, events import) so that the target ends up with
// the same events, ids, stream versions and global order as the source. Consecutive events of one
// stream become one request that expects the version before its first event; ids are idempotent,
// so a batch appended twice (a resumed copy) writes nothing the second time. When the target holds
// only part of a batch (a store without multi-stream transactions, interrupted), the part that is
// there is checked id by id and skipped.
import type { EventType } from '../../events/catalogue.ts';
import type { EventMetadata, GlobalPosition, NewEvent, StoredEvent } from '../../events/envelope.ts';
import { WrongExpectedVersionError } from '../../eventstore/errors.ts';
import type { AppendRequest, EventStore } from '../../eventstore/port.ts';

/** What a transfer needs of an event: its envelope without the source's positions. */
export interface LogEvent {
  readonly id: string;
  readonly type: EventType;
  readonly stream: string;
  readonly streamVersion: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

/** The target already holds different events where the source's belong. */
export class TransferConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransferConflictError';
  }
}

export function toNewEvent(event: LogEvent): NewEvent {
  // A read-side note of the source's upcasting: the target stores the current version.
  const { writtenSchemaVersion: _, ...metadata } = event.metadata;
  return { id: event.id, type: event.type, data: event.data, metadata } as NewEvent;
}

const expectedBefore = (version: number) => (version === 0 ? 'no-stream' : version - 1);

/** One request per run of consecutive events of a stream: global order is kept exactly. */
export function toRequests(events: readonly LogEvent[]): AppendRequest[] {
  const requests: { stream: string; events: NewEvent[]; expectedVersion: number | 'no-stream' }[] = [];
  let last: (typeof requests)[number] | undefined;
  for (const event of events) {
    if (last && last.stream === event.stream) {
      last.events.push(toNewEvent(event));
      continue;
    }
    last = {
      stream: event.stream,
      events: [toNewEvent(event)],
      expectedVersion: expectedBefore(event.streamVersion),
    };
    requests.push(last);
  }
  return requests;
}

/** Drops from each request the events the target already has at their versions. */
async function withoutPresent(
  target: EventStore,
  requests: readonly AppendRequest[],
): Promise<AppendRequest[]> {
  const out: AppendRequest[] = [];
  for (const request of requests) {
    const expected = request.expectedVersion;
    const first = expected === 'no-stream' ? 0 : (expected as number) + 1;
    const there = await target.readStream(request.stream, {
      fromVersion: first,
      limit: request.events.length,
    });
    let present = 0;
    while (present < there.length && there[present]!.id === request.events[present]!.id) present++;
    if (present < there.length) {
      const found = there[present]!;
      throw new TransferConflictError(
        `The target's stream '${request.stream}' holds event ${found.id} (${found.type}) at version ${found.streamVersion}, ` +
          `where the source has ${request.events[present]!.id} (${request.events[present]!.type})`,
      );
    }
    if (present < request.events.length)
      out.push({
        stream: request.stream,
        events: request.events.slice(present),
        expectedVersion: expectedBefore(first + present),
      });
  }
  return out;
}

/** Appends a batch of source events; returns how many were new to the target. */
export async function appendPreserving(target: EventStore, events: readonly LogEvent[]): Promise<number> {
  const requests = toRequests(events);
  const count = (results: Awaited<ReturnType<EventStore['appendBatch']>>) =>
    results.reduce((n, r) => n + r.events.filter((e) => !e.duplicate).length, 0);
  try {
    return count(await target.appendBatch(requests));
  } catch (error) {
    if (!(error instanceof WrongExpectedVersionError)) throw error;
    const remaining = await withoutPresent(target, requests);
    try {
      return count(await target.appendBatch(remaining));
    } catch (again) {
      if (!(again instanceof WrongExpectedVersionError)) throw again;
      throw new TransferConflictError(
        `The target's stream '${again.stream}' is at version ${again.actual}, which does not line up with the source ` +
          `(expected ${String(again.expected)}): it holds events the source does not have`,
      );
    }
  }
}

export interface CopyOptions {
  readonly source: EventStore;
  readonly target: EventStore;
  /** Continue after this source position (a checkpoint). */
  readonly after?: GlobalPosition;
  readonly batchSize: number;
  /** Stop after this many events in this run (the rest is copied by the next run). */
  readonly maxEvents?: number;
  readonly signal?: AbortSignal;
  /** After each batch is in the target: persist the checkpoint. */
  readonly onBatch?: (last: GlobalPosition, copiedThisRun: number) => void | Promise<void>;
  readonly onProgress?: (events: number) => void;
}

export interface CopyOutcome {
  /** Source events handled in this run (new to the target or already there). */
  readonly copied: number;
  /** Of those, the ones the target did not have. */
  readonly written: number;
  /** The last source position handled in this run (undefined: none). */
  readonly last: GlobalPosition | undefined;
  /** The source had nothing more. */
  readonly complete: boolean;
  readonly interrupted: boolean;
}

export async function copyLog(options: CopyOptions): Promise<CopyOutcome> {
  let after = options.after;
  let copied = 0;
  let written = 0;
  let last: GlobalPosition | undefined;
  const outcome = (complete: boolean, interrupted: boolean) => ({
    copied,
    written,
    last,
    complete,
    interrupted,
  });
  for (;;) {
    if (options.signal?.aborted) return outcome(false, true);
    const room =
      options.maxEvents === undefined
        ? options.batchSize
        : Math.min(options.batchSize, options.maxEvents - copied);
    if (room <= 0) return outcome(false, false);
    const events = await options.source.readAll({ after, limit: room });
    if (events.length === 0) return outcome(true, false);
    written += await appendPreserving(options.target, events);
    after = last = events.at(-1)!.globalPosition;
    copied += events.length;
    await options.onBatch?.(last, copied);
    options.onProgress?.(events.length);
  }
}

/** Every event of a store in global order, a page at a time. */
export async function* iterateLog(store: EventStore, pageSize = 1000): AsyncGenerator<StoredEvent> {
  let after: GlobalPosition | undefined;
  for (;;) {
    const page = await store.readAll({ after, limit: pageSize });
    yield* page;
    if (page.length < pageSize) return;
    after = page.at(-1)!.globalPosition;
  }
}

export interface Comparison {
  readonly count: number;
  /** The first difference, in words; undefined when the logs match. */
  readonly mismatch?: string;
}

const describeEvent = (e: StoredEvent | undefined) =>
  e ? `${e.id} (${e.stream}@${e.streamVersion} ${e.type})` : 'nothing';

/**
 * Walks both logs side by side and compares ids, streams, versions and types in order. The source
 * is read up to and including `until` (events appended to it since the copy are not compared); the
 * target must end there too.
 */
export async function compareLogs(
  source: EventStore,
  target: EventStore,
  options: {
    until?: GlobalPosition;
    pageSize?: number;
    onProgress?: (n: number) => void;
    signal?: AbortSignal;
  } = {},
): Promise<Comparison> {
  const sourceEvents = iterateLog(source, options.pageSize);
  const targetEvents = iterateLog(target, options.pageSize);
  let count = 0;
  let finished = options.until === undefined;
  try {
    for (;;) {
      if (options.signal?.aborted) return { count, mismatch: 'verification was interrupted' };
      const a = finished ? undefined : (await sourceEvents.next()).value || undefined;
      const b = (await targetEvents.next()).value || undefined;
      if (!a && !b) return { count };
      if (
        !a ||
        !b ||
        a.id !== b.id ||
        a.stream !== b.stream ||
        a.streamVersion !== b.streamVersion ||
        a.type !== b.type
      ) {
        const extra = !a ? 'the target has more events than the source: ' : '';
        return {
          count,
          mismatch: `${extra}event #${count + 1} is ${describeEvent(a)} in the source but ${describeEvent(b)} in the target`,
        };
      }
      count += 1;
      if (count % 1000 === 0) options.onProgress?.(1000);
      if (a.globalPosition === options.until) finished = true;
    }
  } finally {
    options.onProgress?.(count % 1000);
    await sourceEvents.return(undefined);
    await targetEvents.return(undefined);
  }
}
