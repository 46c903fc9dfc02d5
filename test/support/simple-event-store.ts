// A minimal in-memory EventStore for ingest unit tests: idempotent appends by event id, stream
// versions, readAll with prefix/type filters and readStream. The real adapters are held to the
// full contract in test/contract; this one only needs what the backfiller uses.
import type { NewEvent, StoredEvent } from '../../src/events/envelope.ts';
import type {
  AppendRequest,
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
} from '../../src/eventstore/port.ts';

export class SimpleEventStore implements EventStore {
  readonly description = 'in-memory (tests)';
  readonly events: StoredEvent[] = [];
  private readonly ids = new Set<string>();
  /** Throw from this to make an append fail. */
  beforeAppend: (stream: string, events: readonly NewEvent[]) => void = () => undefined;

  async append(stream: string, events: readonly NewEvent[]): Promise<AppendResult> {
    this.beforeAppend(stream, events);
    return this.appendNow(stream, events);
  }

  async appendBatch(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    for (const r of requests) this.beforeAppend(r.stream, r.events);
    return requests.map((r) => this.appendNow(r.stream, r.events));
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    let out = this.events.filter((e) => e.stream === stream);
    if (options.direction === 'backwards') out = out.reverse();
    return out.slice(0, options.limit ?? out.length);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const after = options.after === undefined ? 0 : Number(options.after);
    const out: StoredEvent[] = [];
    for (const e of this.events) {
      if (Number(e.globalPosition) <= after) continue;
      if (options.streamPrefix && !e.stream.startsWith(options.streamPrefix)) continue;
      if (options.types && !options.types.includes(e.type)) continue;
      out.push(e);
      if (options.limit !== undefined && out.length >= options.limit) break;
    }
    return out;
  }

  async headPosition(): Promise<string | undefined> {
    return this.events.at(-1)?.globalPosition;
  }

  async waitForEvents(): Promise<boolean> {
    return false;
  }

  async close(): Promise<void> {}

  ofType(type: string): StoredEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  private appendNow(stream: string, events: readonly NewEvent[]): AppendResult {
    const appended = [];
    for (const event of events) {
      const version = this.events.filter((e) => e.stream === stream).length;
      if (this.ids.has(event.id)) {
        const original = this.events.find((e) => e.id === event.id)!;
        appended.push({
          id: event.id,
          streamVersion: original.streamVersion,
          globalPosition: original.globalPosition,
          duplicate: true,
        });
        continue;
      }
      this.ids.add(event.id);
      const stored = {
        ...event,
        stream,
        streamVersion: version,
        globalPosition: String(this.events.length + 1),
        recordedAt: new Date().toISOString(),
        metadata: { ...event.metadata, schemaVersion: 1 },
      } as StoredEvent;
      this.events.push(stored);
      appended.push({
        id: event.id,
        streamVersion: version,
        globalPosition: stored.globalPosition,
        duplicate: false,
      });
    }
    return {
      stream,
      events: appended,
      currentVersion: this.events.filter((e) => e.stream === stream).length - 1,
    };
  }
}
