// The newest events of the SQLite store, kept in memory by stream. Appends write only the event
// table and a thread folds new events into the stream index (sqlite-stream-index.ts) behind them;
// until it has, lookups by stream read the index and this tail together. The tail also keeps the
// last events the index already holds, so that a stream appended to again soon after it began (an
// edit, a reaction or the media of a new message) is still held whole and needs no index lookup.

/** What a lookup by stream needs of an event, from the tail or the index; the rest is in the table. */
export interface StreamEntry {
  readonly position: number;
  readonly stream: string;
  readonly version: number;
  readonly id: string;
  readonly type: string;
}

/** Events the index holds that the tail keeps as well. */
export const RETAINED = 50_000;

export class LogTail {
  /** In position order; entries before #start are dropped. */
  #events: StreamEntry[] = [];
  #start = 0;
  /** The first entry after the index's end. */
  #unindexedFrom = 0;
  /** Each stream's events in version (and so position) order; most streams have one, kept bare. */
  readonly #byStream = new Map<string, StreamEntry | StreamEntry[]>();
  #known = 0;
  #indexed = 0;
  readonly #retained: number;

  /** @param retained how many events the index holds that the tail keeps as well */
  constructor(retained = RETAINED) {
    this.#retained = retained;
  }

  /** The highest position added: the tail holds every event from its first up to here. */
  get known(): number {
    return this.#known;
  }

  /** The last position the index held when the tail last followed it. */
  get indexed(): number {
    return this.#indexed;
  }

  /** Events after the index's end. */
  get unindexed(): number {
    return this.#events.length - this.#unindexedFrom;
  }

  /** Events must come in position order, each after `known`. */
  add(event: StreamEntry): void {
    if (event.position <= this.#known)
      throw new Error(`tail event at ${event.position} is not after ${this.#known}`);
    this.#known = event.position;
    this.#events.push(event);
    const held = this.#byStream.get(event.stream);
    if (held === undefined) this.#byStream.set(event.stream, event);
    else if (Array.isArray(held)) held.push(event);
    else this.#byStream.set(event.stream, [held, event]);
  }

  /**
   * Takes note that the index holds every event up to `indexed`. The tail keeps the last `retained`
   * of those. Once the index holds events the tail never saw, it starts again right after them.
   */
  followIndex(indexed: number): void {
    if (indexed > this.#known) {
      this.#restartAfter(indexed);
      return;
    }
    if (indexed <= this.#indexed) return;
    this.#indexed = indexed;
    const events = this.#events;
    let from = this.#unindexedFrom;
    while (from < events.length && events[from]!.position <= indexed) from++;
    this.#unindexedFrom = from;
    this.#dropBefore(from - this.#retained);
  }

  /** Forgets the entries before array index `end`. */
  #dropBefore(end: number): void {
    let events = this.#events;
    let start = this.#start;
    while (start < end) {
      const event = events[start]!;
      const held = this.#byStream.get(event.stream)!;
      // A stream's events are in position order, so the dropped one is its first.
      if (!Array.isArray(held)) this.#byStream.delete(event.stream);
      else if (held.length === 2) this.#byStream.set(event.stream, held[1]!);
      else held.shift();
      start++;
    }
    // Compact now and then rather than shifting the array on every drop.
    if (start > 4096 && start * 2 > events.length) {
      events = events.slice(start);
      this.#unindexedFrom -= start;
      this.#events = events;
      start = 0;
    }
    this.#start = start;
  }

  /** Forgets everything and starts again after `position`, up to which the index holds all. */
  #restartAfter(position: number): void {
    this.#events = [];
    this.#start = 0;
    this.#unindexedFrom = 0;
    this.#byStream.clear();
    this.#known = position;
    this.#indexed = position;
  }

  /** The events after the index's end, in position order. */
  *unindexedEvents(): IterableIterator<StreamEntry> {
    for (let i = this.#unindexedFrom; i < this.#events.length; i++) yield this.#events[i]!;
  }

  /** The stream's events in the tail, in version order, including those the index holds too. */
  stream(stream: string): readonly StreamEntry[] {
    const held = this.#byStream.get(stream);
    return held === undefined ? [] : Array.isArray(held) ? held : [held];
  }

  /** The stream's events after the index's end, in version order. */
  unindexedOf(stream: string): StreamEntry[] {
    return this.stream(stream).filter((e) => e.position > this.#indexed);
  }

  /** Whether the tail holds the stream from its first event on, and so all of it. */
  holdsWhole(stream: string): boolean {
    const held = this.#byStream.get(stream);
    return held !== undefined && (Array.isArray(held) ? held[0]!.version : held.version) === 0;
  }

  /** Events after the index's end and after `after` whose stream starts with `prefix`, in order. */
  unindexedWithPrefix(prefix: string, after: number): StreamEntry[] {
    const out: StreamEntry[] = [];
    for (let i = this.#unindexedFrom; i < this.#events.length; i++) {
      const event = this.#events[i]!;
      if (event.position > after && event.stream.startsWith(prefix)) out.push(event);
    }
    return out;
  }
}
