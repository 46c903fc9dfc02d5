// The events of the SQLite store that its stream index (sqlite-stream-index.ts) does not hold yet,
// kept in memory by stream. Appends write only the event table; a thread folds new events into
// the index behind them. Until it has, lookups by stream read the index and this tail together.

/** What a lookup by stream needs of an event, from the tail or the index; the rest is in the table. */
export interface StreamEntry {
  readonly position: number;
  readonly stream: string;
  readonly version: number;
  readonly id: string;
  readonly type: string;
}

export class UnindexedTail {
  /** In position order; entries before #start are dropped. */
  #events: StreamEntry[] = [];
  #start = 0;
  /** Each stream's events in version (and so position) order; most streams have one, kept bare. */
  readonly #byStream = new Map<string, StreamEntry | StreamEntry[]>();
  #known = 0;

  /** The highest position added: the tail holds every event from the index's end up to here. */
  get known(): number {
    return this.#known;
  }

  get size(): number {
    return this.#events.length - this.#start;
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

  /** Forgets the events at or below `position`, which the index now holds. */
  dropThrough(position: number): void {
    const events = this.#events;
    let start = this.#start;
    while (start < events.length && events[start]!.position <= position) {
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
      this.#events = events.slice(start);
      start = 0;
    }
    this.#start = start;
  }

  /** Forgets everything and starts again after `position`, up to which the index holds all. */
  #restartAfter(position: number): void {
    this.#events = [];
    this.#start = 0;
    this.#byStream.clear();
    this.#known = position;
  }

  /** Makes the tail start right after `indexed`, the last position the index holds. */
  followIndex(indexed: number): void {
    if (indexed >= this.#known) this.#restartAfter(indexed);
    else this.dropThrough(indexed);
  }

  /** Every event of the tail, in position order. */
  *events(): IterableIterator<StreamEntry> {
    for (let i = this.#start; i < this.#events.length; i++) yield this.#events[i]!;
  }

  /** The stream's events still in the tail, in version order. */
  stream(stream: string): readonly StreamEntry[] {
    const held = this.#byStream.get(stream);
    return held === undefined ? [] : Array.isArray(held) ? held : [held];
  }

  /** Whether the tail holds the stream from its first event on, so the index has none of it. */
  holdsWhole(stream: string): boolean {
    const held = this.#byStream.get(stream);
    return held !== undefined && (Array.isArray(held) ? held[0]!.version : held.version) === 0;
  }

  /** Events after `after` whose stream starts with `prefix`, in position order. */
  withPrefix(prefix: string, after: number): StreamEntry[] {
    const out: StreamEntry[] = [];
    for (let i = this.#start; i < this.#events.length; i++) {
      const event = this.#events[i]!;
      if (event.position > after && event.stream.startsWith(prefix)) out.push(event);
    }
    return out;
  }
}
