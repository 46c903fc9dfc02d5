// A Bloom filter of stream names: "certainly not stored" in a few hash probes. Most appends start
// a new stream (a new message), and without it each of them costs a stream index lookup just to
// learn that there is nothing there. A "maybe" is always checked against the store.

/** Probes per name; with BITS_PER_NAME this errs on about 1% of absent names. */
const PROBES = 7;
const BITS_PER_NAME = 10;
/**
 * A name's probes all fall in one block of 512 bits, a cache line: a filter of a million names
 * spans more than a megabyte, and probes spread over all of it each cost a cache miss.
 */
const BLOCK_WORDS = 16;

export class StreamFilter {
  readonly #bits: Int32Array;
  readonly #blocks: number;
  readonly capacity: number;
  #count = 0;

  /** @param capacity names it holds at its error rate; past that, build a bigger one */
  constructor(capacity: number) {
    this.capacity = Math.max(1024, Math.ceil(capacity));
    this.#blocks = Math.ceil((this.capacity * BITS_PER_NAME) / (32 * BLOCK_WORDS));
    this.#bits = new Int32Array(this.#blocks * BLOCK_WORDS);
  }

  /** About how many names it holds: every add, and each addIfAbsent of a name it did not have. */
  get count(): number {
    return this.#count;
  }

  get full(): boolean {
    return this.#count > this.capacity;
  }

  add(name: string): void {
    if (this.addIfAbsent(name)) this.#count++;
  }

  /**
   * Adds the name, and tells whether it may have been there before; one hashing for an append's
   * check of a stream and its adding.
   */
  addIfAbsent(name: string): boolean {
    hash(name);
    const bits = this.#bits;
    const base = (h1 % this.#blocks) * BLOCK_WORDS;
    let probe = h2;
    let present = true;
    for (let i = 0; i < PROBES; i++) {
      const at = base + ((probe >>> 5) & (BLOCK_WORDS - 1));
      const mask = 1 << (probe & 31);
      const word = bits[at]!;
      if ((word & mask) === 0) {
        present = false;
        bits[at] = word | mask;
      }
      probe = nextProbe(probe);
    }
    if (!present) this.#count++;
    return present;
  }

  /** False: the name was never added. True: it may have been. */
  mayHave(name: string): boolean {
    hash(name);
    const bits = this.#bits;
    const base = (h1 % this.#blocks) * BLOCK_WORDS;
    let probe = h2;
    for (let i = 0; i < PROBES; i++) {
      if ((bits[base + ((probe >>> 5) & (BLOCK_WORDS - 1))]! & (1 << (probe & 31))) === 0) return false;
      probe = nextProbe(probe);
    }
    return true;
  }
}

/** Each probe takes 9 bits (a bit of the block); rotating by 9 gives the next probe fresh ones. */
const nextProbe = (probe: number) => (probe >>> 9) | (probe << 23);

// The last name's two hashes; module state rather than a returned pair, which would be allocated.
let h1 = 0;
let h2 = 0;

/** Two independent 32-bit hashes (FNV-1a and a multiplicative one): the block and the probes. */
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
  h2 = b;
}
