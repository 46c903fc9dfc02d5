// The in-memory event store with a hook before every append, so a test can make an append fail
// (a crash between writes, a store going away) exactly where it wants.
import type { NewEvent, StoredEvent } from '../../src/events/envelope.ts';
import { MemoryEventStore } from '../../src/eventstore/memory.ts';
import type { AppendRequest, AppendResult } from '../../src/eventstore/port.ts';

export class HookedEventStore extends MemoryEventStore {
  /** Throw from this to make an append fail. */
  beforeAppend: (stream: string, events: readonly NewEvent[]) => void = () => undefined;

  override async appendBatch(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    for (const r of requests) this.beforeAppend(r.stream, r.events);
    return super.appendBatch(requests);
  }

  async ofType(type: StoredEvent['type']): Promise<StoredEvent[]> {
    return this.readAll({ types: [type] });
  }
}
