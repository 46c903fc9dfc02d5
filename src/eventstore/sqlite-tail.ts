// The newest events of the SQLite store, kept in memory by stream. Appends write only the event
// table and a thread folds new events into the stream index (sqlite-stream-index.ts) behind them;
// until it has, lookups by stream read the index and this tail together. The tail also keeps some
// of the last events the index already holds, so that a stream appended to again soon after it
// began (an edit, a reaction or the media of a new message) is still held whole and needs no index
// lookup.

/** What a lookup by stream needs of an event, from the tail or the index; the rest is in the table. */
export interface StreamEntry {
  readonly position: number;
  readonly stream: string;
  readonly version: number;
  readonly id: string;
  readonly type: string;
}

/** The columns a StreamEntry is read from, in the event table and the stream index alike. */
export const ENTRY_COLUMNS = 'global_position, stream, stream_version, event_id, type';
/** A row of ENTRY_COLUMNS, read raw. */
export type EntryRow = [number, string, number, string, string];

export const entryOf = ([position, stream, version, id, type]: EntryRow): StreamEntry => ({
  position,
  stream,
  version,
  id,
  type,
});

/**
 * Events per generation. The tail keeps at least the last this many events, indexed or not, and
 * every event the index lacks; older ones go a generation at a time.
 */
export const GENERATION = 25_000;

/** Events in position order, and each stream's among them in version order (one kept bare). */
class Generation {
  readonly events: StreamEntry[] = [];
  readonly byStream = new Map<string, StreamEntry | StreamEntry[]>();

  add(event: StreamEntry): void {
    this.events.push(event);
    const held = this.byStream.get(event.stream);
    if (held === undefined) this.byStream.set(event.stream, event);
    else if (Array.isArray(held)) held.push(event);
    else this.byStream.set(event.stream, [held, event]);
  }
}

const NONE: readonly StreamEntry[] = [];
const listed = (held: StreamEntry | StreamEntry[] | undefined): readonly StreamEntry[] =>
  held === undefined ? NONE : Array.isArray(held) ? held : [held];

/** Whether a stream's events in the tail start at its first event, and so are all of them. */
export const isWhole = (events: readonly StreamEntry[]): boolean =>
  events.length > 0 && events[0]!.version === 0;

/**
 * New events go to the young generation. Once it has `generation` events and the index holds all
 * of the old one, the old one is dropped whole and the young one takes its place: no event is ever
 * removed one by one, which on a map of tens of thousands of streams cost more than the adding.
 */
export class LogTail {
  #old = new Generation();
  #young = new Generation();
  /** How many of the tail's first events (old, then young) the index holds. */
  #indexedCount = 0;
  #known = 0;
  #indexed = 0;
  readonly #generation: number;

  /** @param generation events per generation; with 0, indexed events go once their generation is indexed */
  constructor(generation = GENERATION) {
    this.#generation = generation;
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
    return this.#old.events.length + this.#young.events.length - this.#indexedCount;
  }

  /** Events must come in position order, each after `known`. */
  add(event: StreamEntry): void {
    if (event.position <= this.#known)
      throw new Error(`tail event at ${event.position} is not after ${this.#known}`);
    this.#known = event.position;
    this.#young.add(event);
  }

  /**
   * Takes note that the index holds every event up to `indexed`, and drops the old generation once
   * it is indexed and the young one is full. Once the index holds events the tail never saw, the
   * tail starts again right after them.
   */
  followIndex(indexed: number): void {
    if (indexed > this.#known) {
      this.#restartAfter(indexed);
      return;
    }
    if (indexed <= this.#indexed) return;
    this.#indexed = indexed;
    const total = this.#old.events.length + this.#young.events.length;
    let count = this.#indexedCount;
    while (count < total && this.#at(count).position <= indexed) count++;
    this.#indexedCount = count;
    while (this.#indexedCount >= this.#old.events.length && this.#young.events.length >= this.#generation) {
      this.#indexedCount -= this.#old.events.length;
      this.#old = this.#young;
      this.#young = new Generation();
      if (this.#generation === 0 && this.#old.events.length === 0) break;
    }
  }

  /** Forgets everything and starts again after `position`, up to which the index holds all. */
  #restartAfter(position: number): void {
    this.#old = new Generation();
    this.#young = new Generation();
    this.#indexedCount = 0;
    this.#known = position;
    this.#indexed = position;
  }

  /** The event at `index` in position order across both generations. */
  #at(index: number): StreamEntry {
    const old = this.#old.events;
    return index < old.length ? old[index]! : this.#young.events[index - old.length]!;
  }

  /** The events after the index's end, in position order. */
  *unindexedEvents(): IterableIterator<StreamEntry> {
    const total = this.#old.events.length + this.#young.events.length;
    for (let i = this.#indexedCount; i < total; i++) yield this.#at(i);
  }

  /** The stream's events in the tail, in version order, including those the index holds too. */
  stream(stream: string): readonly StreamEntry[] {
    const older = this.#old.byStream.get(stream);
    const newer = this.#young.byStream.get(stream);
    if (older === undefined) return listed(newer);
    if (newer === undefined) return listed(older);
    return [...listed(older), ...listed(newer)];
  }

  /** The stream's events after the index's end, in version order. */
  unindexedOf(stream: string): StreamEntry[] {
    return this.stream(stream).filter((e) => e.position > this.#indexed);
  }

  /** Events after the index's end and after `after` whose stream starts with `prefix`, in order. */
  unindexedWithPrefix(prefix: string, after: number): StreamEntry[] {
    const out: StreamEntry[] = [];
    for (const event of this.unindexedEvents())
      if (event.position > after && event.stream.startsWith(prefix)) out.push(event);
    return out;
  }
}
