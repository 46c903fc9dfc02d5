// A Bloom filter of stream names: "certainly not stored" in a few hash probes. Most appends start
// a new stream (a new message), and without it each of them costs a stream index lookup just to
// learn that there is nothing there. A "maybe" is always checked against the store.

/** Probes per name; with BITS_PER_NAME this errs on about 1% of absent names. */
const PROBES = 7;
const BITS_PER_NAME = 10;

export class StreamFilter {
  readonly #bits: Uint32Array;
  readonly #size: number;
  readonly capacity: number;
  #count = 0;

  /** @param capacity names it holds at its error rate; past that, build a bigger one */
  constructor(capacity: number) {
    this.capacity = Math.max(1024, Math.ceil(capacity));
    this.#size = this.capacity * BITS_PER_NAME;
    this.#bits = new Uint32Array(Math.ceil(this.#size / 32));
  }

  get count(): number {
    return this.#count;
  }

  get full(): boolean {
    return this.#count > this.capacity;
  }

  add(name: string): void {
    hash(name);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const at = bit % this.#size;
      this.#bits[at >>> 5]! |= 1 << (at & 31);
    }
    this.#count++;
  }

  /**
   * Adds the name, and tells whether it may have been there before; one hashing for an append's
   * check of a stream and its adding.
   */
  addIfAbsent(name: string): boolean {
    hash(name);
    let present = true;
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const at = bit % this.#size;
      const mask = 1 << (at & 31);
      const word = this.#bits[at >>> 5]!;
      if ((word & mask) === 0) {
        present = false;
        this.#bits[at >>> 5] = word | mask;
      }
    }
    if (!present) this.#count++;
    return present;
  }

  /** False: the name was never added. True: it may have been. */
  mayHave(name: string): boolean {
    hash(name);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const at = bit % this.#size;
      if ((this.#bits[at >>> 5]! & (1 << (at & 31))) === 0) return false;
    }
    return true;
  }
}

// The last name's two hashes; module state rather than a returned pair, which would be allocated.
let h1 = 0;
let h2 = 0;

/** Two independent 32-bit hashes (FNV-1a and a multiplicative one), for double hashing. */
function hash(name: string): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b + c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  h1 = a >>> 0;
  // An odd step visits distinct bits for every probe.
  h2 = (b | 1) >>> 0;
}
