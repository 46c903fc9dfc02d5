// Search documents tokenized on a worker thread while the projector writes the batch before. Word
// segmentation (dictionary lookups for CJK and Thai) is the largest single cost of projecting a
// message; off the projector's thread it overlaps with the database work of the previous batch.
// The result is only a cache: a text it lacks is tokenized where it is asked for, identically.
import { Worker } from 'node:worker_threads';
import type { StoredEvent } from '../../src/events/envelope.ts';
import type { MediaDescriptor, ServiceAction } from '../../src/events/payloads.ts';
import {
  type DocumentText,
  documentText,
  isAscii,
  type SearchableMessage,
  searchExtras,
} from './document.ts';
import type { TokenizeAnswer, TokenizeRequest } from './tokenizer-worker.ts';

const workerUrl = new URL(
  import.meta.url.endsWith('.ts') ? './tokenizer-worker.ts' : './tokenizer-worker.js',
  import.meta.url,
);

/** Fewer texts than this are tokenized in place: a round trip to the worker would cost more. */
const MIN_TEXTS = 64;

/** Texts handed to the worker (see SearchTokenizer.prepare). */
export interface PreparedTexts {
  /** The document text of any text: the worker's result where it has one, else computed here. */
  readonly toText: DocumentText;
  /** Resolves once the worker has answered, or cannot. */
  readonly answered: Promise<void>;
  /** Whether the worker's results have arrived. */
  ready(): boolean;
}

export class SearchTokenizer {
  #worker: Worker | undefined;
  /** Failed or closed: everything is tokenized in place from then on. */
  #done = false;
  #nextId = 0;
  readonly #waiting = new Map<number, (documents: readonly string[] | undefined) => void>();

  /**
   * Starts tokenizing `texts` on the worker. The lookup answers from its results once they have
   * arrived and tokenizes anything else in place, so a caller that cannot wait (the worker is slow,
   * or gone) still gets every document, computed here instead.
   */
  prepare(texts: readonly string[]): PreparedTexts {
    const worker = texts.length >= MIN_TEXTS ? this.#spawn() : undefined;
    if (!worker) return { toText: documentText, answered: Promise.resolve(), ready: () => false };
    const id = this.#nextId++;
    let known: Map<string, string> | undefined;
    const answered = new Promise<readonly string[] | undefined>((resolve) =>
      this.#waiting.set(id, resolve),
    ).then((documents) => {
      if (!documents) return;
      const results = new Map<string, string>();
      for (let i = 0; i < texts.length; i++) results.set(texts[i]!, documents[i]!);
      known = results;
    });
    worker.ref();
    worker.postMessage({ id, texts } satisfies TokenizeRequest);
    return {
      toText: (text) => known?.get(text) ?? documentText(text),
      answered,
      ready: () => known !== undefined,
    };
  }

  /** Ends the worker; requests still open resolve to in-place tokenizing. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#done = true;
    this.#worker = undefined;
    this.#settle();
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    worker.postMessage('close');
    await exited;
  }

  #spawn(): Worker | undefined {
    if (this.#done) return undefined;
    if (!this.#worker) {
      // Small heaps: it holds one batch of texts at a time, and a rebuild has a memory budget.
      const worker = new Worker(workerUrl, {
        resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 },
      });
      worker.on('message', (answer: TokenizeAnswer) => {
        const resolve = this.#waiting.get(answer.id);
        this.#waiting.delete(answer.id);
        // Idle, the worker must not keep the process alive.
        if (this.#waiting.size === 0) worker.unref();
        resolve?.(answer.documents);
      });
      const fail = () => {
        if (this.#worker !== worker) return;
        this.#done = true;
        this.#worker = undefined;
        this.#settle();
      };
      worker.on('error', fail);
      worker.on('exit', fail);
      this.#worker = worker;
    }
    return this.#worker;
  }

  #settle(): void {
    for (const resolve of this.#waiting.values()) resolve(undefined);
    this.#waiting.clear();
  }
}

/** The texts the search documents of `messages` are made of, but those tokenized as cheaply in place. */
export function searchTexts(messages: readonly SearchableMessage[]): string[] {
  const texts: string[] = [];
  for (const message of messages) {
    if (!isAscii(message.text)) texts.push(message.text);
    for (const extra of searchExtras(message)) if (!isAscii(extra)) texts.push(extra);
  }
  return texts;
}

/** The texts a batch's search documents are made of: those of new and edited message contents. */
export function searchTextsOf(events: readonly StoredEvent[]): string[] {
  const contents: SearchableMessage[] = [];
  for (const event of events) {
    if (event.type !== 'MessageCreated' && event.type !== 'MessageEdited') continue;
    // Unvalidated here: a malformed event is rejected by the projector, not by this cache.
    const data = event.data as unknown as Record<string, unknown>;
    const object = (value: unknown) => (typeof value === 'object' && value !== null ? value : null);
    contents.push({
      text: typeof data.text === 'string' ? data.text : '',
      media: object(data.media) as MediaDescriptor | null,
      service: object(data.service) as ServiceAction | null,
    });
  }
  try {
    return searchTexts(contents);
  } catch {
    return []; // odd shapes are the projector's to reject
  }
}
