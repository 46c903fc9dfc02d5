// Helpers shared by scenarios: generated append batches and a stopwatch that times only the
// operation under test, so generating events never counts against a store.

import type { AppendRequest } from '../src/eventstore/port.ts';
import { chunks, generateArchive, toAppendRequests } from './generator.ts';

/** `total` generated events as appendBatch requests of `perBatch` consecutive events each. */
export function* appendBatches(total: number, perBatch: number, seed = 'bench'): Generator<AppendRequest[]> {
  for (const chunk of chunks(generateArchive({ seed, totalEvents: total }), perBatch))
    yield toAppendRequests(chunk);
}

/** Sums the time spent inside `timed` calls only. */
export class Stopwatch {
  #ms = 0;
  async time<T>(operation: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await operation();
    } finally {
      this.#ms += performance.now() - start;
    }
  }
  get seconds(): number {
    return this.#ms / 1000;
  }
}

export const perSecond = (count: number, seconds: number) => Math.round(count / seconds);
