// A small in-memory event log for relay and source tests: global order, opaque positions (not
// plain numbers, so nobody can get away with comparing them), readAll after a position, and
// waitForEvents. Faults can be scripted to play an unreachable store.
import type { EventType } from '../../src/events/catalogue.ts';
import type { GlobalPosition, StoredEvent } from '../../src/events/envelope.ts';
import { eventId } from '../../src/events/ids.ts';
import type { EventStore, ReadAllOptions, WaitOptions } from '../../src/eventstore/port.ts';

export class MemoryLog
  implements Pick<EventStore, 'readAll' | 'waitForEvents' | 'headPosition' | 'description'>
{
  readonly description = 'memory log';
  readonly events: StoredEvent[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #versions = new Map<string, number>();
  /** Errors thrown by the next readAll calls, in order. */
  readonly readFailures: Error[] = [];
  reads = 0;

  position(index: number): GlobalPosition {
    return `p-${(index + 1).toString(36)}`;
  }

  #index(position: GlobalPosition | undefined): number {
    if (position === undefined) return -1;
    const index = this.events.findIndex((e) => e.globalPosition === position);
    if (index < 0) throw new Error(`memory log: unknown position ${position}`);
    return index;
  }

  /** Appends one event per item; returns them as stored. */
  add(...items: Array<{ stream: string; type?: EventType; data?: Record<string, unknown> }>): StoredEvent[] {
    const added = items.map((item) => {
      const version = (this.#versions.get(item.stream) ?? -1) + 1;
      this.#versions.set(item.stream, version);
      const type = item.type ?? 'MessageEdited';
      const event = {
        id: eventId(item.stream, type, String(version)),
        type,
        stream: item.stream,
        streamVersion: version,
        globalPosition: this.position(this.events.length),
        recordedAt: new Date().toISOString(),
        data: item.data ?? { n: this.events.length },
        metadata: { source: 'live', observedAt: new Date().toISOString(), schemaVersion: 1 },
      } as unknown as StoredEvent;
      this.events.push(event);
      return event;
    });
    for (const wake of this.#waiters) wake();
    return added;
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    this.reads += 1;
    const failure = this.readFailures.shift();
    if (failure) throw failure;
    const start = this.#index(options.after) + 1;
    return this.events.slice(start, start + (options.limit ?? Number.POSITIVE_INFINITY));
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    return this.events.at(-1)?.globalPosition;
  }

  async waitForEvents(after: GlobalPosition | undefined, options: WaitOptions = {}): Promise<boolean> {
    if (this.#index(after) + 1 < this.events.length) return true;
    if (options.signal?.aborted) return false;
    return new Promise<boolean>((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        options.signal?.removeEventListener('abort', abort);
        resolve(value);
      };
      const wake = () => done(true);
      const abort = () => done(false);
      const timer = setTimeout(() => done(false), options.timeoutMs ?? 60_000);
      this.#waiters.add(wake);
      options.signal?.addEventListener('abort', abort, { once: true });
    });
  }
}

/** N events spread over `streams` streams, round robin. */
export function seed(log: MemoryLog, count: number, streams = 7): StoredEvent[] {
  return log.add(...Array.from({ length: count }, (_, i) => ({ stream: `message-1.u${i % streams}.1` })));
}
