// The recorder's memory of stream states, bounded. A Map used as an LRU (delete, re-insert, drop the
// first key) slows down as it runs: V8 leaves deleted entries in place until the table is rebuilt,
// and finding the first key walks over all of them, about 9 µs per write at 20,000 entries. Two
// generations do the same job in constant time: writes go to the young one, and when it holds half
// the capacity it becomes the old one and the previous old one is forgotten.

export class StateCache<V> {
  private readonly half: number;
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  /** Keeps at most `capacity` entries; the ones written least recently are forgotten first. */
  constructor(capacity: number) {
    if (!(capacity >= 2)) throw new RangeError(`a state cache needs room for 2 entries, got ${capacity}`);
    this.half = Math.floor(capacity / 2);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: string): V | undefined {
    return this.young.get(key) ?? this.old.get(key);
  }

  set(key: string, value: V): void {
    this.old.delete(key);
    this.young.set(key, value);
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  delete(key: string): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}
