// An in-memory event store for unit tests of other components. It is held to the same contract
// suite as the real adapters and keeps events as JSON text, so a caller that mutates an object
// after appending it, or relies on object identity, fails here as it would against a database.
import type { GlobalPosition, NewEvent, StoredEvent } from '../events/envelope.ts';
import { upcasters as defaultUpcasters, type Upcasters } from '../events/upcasters.ts';
import { decodeRow, type StoredRow } from './decode.ts';
import { StoreClosedError } from './errors.ts';
import { appendOne, appendResults, type ExistingEvent, planAppend } from './plan.ts';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedVersion,
  ReadAllOptions,
  ReadStreamOptions,
  WaitOptions,
} from './port.ts';
import { allRead, sequencePosition, streamRead } from './read-options.ts';
import { prepareAppend } from './validate.ts';
import { AppendSignal, untilClosed, waitUntilNew } from './wait.ts';

export interface MemoryEventStoreOptions {
  readonly upcasters?: Upcasters;
}

interface MutableRow extends StoredRow {
  data: string;
}

export class MemoryEventStore implements EventStore {
  readonly description = 'memory';
  readonly #upcasters: Upcasters;
  readonly #rows: MutableRow[] = [];
  readonly #byId = new Map<string, MutableRow>();
  readonly #byStream = new Map<string, MutableRow[]>();
  readonly #appended = new AppendSignal();
  readonly #closing = new AbortController();

  constructor(options: MemoryEventStoreOptions = {}) {
    this.#upcasters = options.upcasters ?? defaultUpcasters;
  }

  async append(
    stream: string,
    events: readonly NewEvent[],
    options: { expectedVersion?: ExpectedVersion } = {},
  ): Promise<AppendResult> {
    return appendOne(this, { stream, events, expectedVersion: options.expectedVersion });
  }

  async appendBatch(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    this.#assertOpen();
    const prepared = prepareAppend(requests, this.#upcasters);
    const existing = new Map<string, ExistingEvent>();
    const versions = new Map<string, number>();
    for (const request of prepared) {
      versions.set(request.stream, (this.#byStream.get(request.stream)?.length ?? 0) - 1);
      for (const event of request.events) {
        const row = this.#byId.get(event.id);
        if (row) existing.set(event.id, row);
      }
    }
    const plan = planAppend(prepared, existing, versions);
    const recordedAt = new Date().toISOString();
    const positions: GlobalPosition[] = [];
    for (const planned of plan.rows) {
      const sequence = this.#rows.length + 1;
      const row: MutableRow = { ...planned, globalPosition: String(sequence), sequence, recordedAt };
      this.#rows.push(row);
      this.#byId.set(row.id, row);
      const streamRows = this.#byStream.get(row.stream);
      if (streamRows) streamRows.push(row);
      else this.#byStream.set(row.stream, [row]);
      positions.push(row.globalPosition);
    }
    if (plan.rows.length > 0) this.#appended.notify();
    return appendResults(plan, positions);
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    this.#assertOpen();
    const { backwards, fromVersion, limit } = streamRead(stream, options);
    const rows = this.#byStream.get(stream) ?? [];
    let selected: MutableRow[];
    if (backwards) {
      const end = fromVersion === undefined ? rows.length : Math.min(rows.length, fromVersion + 1);
      selected = rows.slice(limit === undefined ? 0 : Math.max(0, end - limit), end).reverse();
    } else {
      const start = fromVersion ?? 0;
      selected = rows.slice(start, limit === undefined ? undefined : start + limit);
    }
    return selected.map((row) => decodeRow(row, this.#upcasters));
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    this.#assertOpen();
    const { after, limit, types, streamPrefix } = allRead(options);
    const out: StoredEvent[] = [];
    if (limit === 0) return out;
    const typeSet = types === undefined ? undefined : new Set<string>(types);
    for (let i = this.#sequenceOf(after); i < this.#rows.length; i++) {
      const row = this.#rows[i]!;
      if (typeSet !== undefined && !typeSet.has(row.type)) continue;
      if (streamPrefix !== undefined && !row.stream.startsWith(streamPrefix)) continue;
      out.push(decodeRow(row, this.#upcasters));
      if (out.length === limit) break;
    }
    return out;
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    this.#assertOpen();
    return this.#rows.at(-1)?.globalPosition;
  }

  async waitForEvents(after: GlobalPosition | undefined, options: WaitOptions = {}): Promise<boolean> {
    this.#assertOpen();
    const sequence = this.#sequenceOf(after);
    return waitUntilNew({
      hasNew: () => this.#rows.length > sequence,
      subscribe: (wake) => this.#appended.subscribe(wake),
      timeoutMs: options.timeoutMs,
      signal: untilClosed(options.signal, this.#closing.signal),
    });
  }

  async close(): Promise<void> {
    this.#closing.abort();
  }

  /** Damages one stored event the way a bad disk or a hand edit would; for tests of readers. */
  corruptForTesting(eventId: string): void {
    const row = this.#byId.get(eventId);
    if (!row) throw new Error(`no event ${eventId}`);
    row.data = '{"truncated":';
  }

  #sequenceOf(after: GlobalPosition | undefined): number {
    return sequencePosition(after, 'a sequence number like "42"');
  }

  #assertOpen(): void {
    if (this.#closing.signal.aborted) throw new StoreClosedError(this.description);
  }
}
