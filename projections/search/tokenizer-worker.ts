// The thread behind SearchTokenizer: turns texts into their document form, in the order asked.
import { parentPort } from 'node:worker_threads';
import { documentText } from './document.ts';

/** A request: texts to tokenize; the answer is their document forms in the same order. */
export interface TokenizeRequest {
  readonly id: number;
  readonly texts: readonly string[];
}

export interface TokenizeAnswer {
  readonly id: number;
  readonly documents: readonly string[];
}

const port = parentPort!;
port.on('message', (request: TokenizeRequest | 'close') => {
  if (request === 'close') {
    port.close();
    return;
  }
  const answer: TokenizeAnswer = { id: request.id, documents: request.texts.map(documentText) };
  port.postMessage(answer);
});
