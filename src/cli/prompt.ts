// Line prompts on stdin for interactive commands. Secrets are not echoed on a terminal. Lines that
// arrive before the question (piped input) are kept, and a closed input is a clear error.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

export class InputClosedError extends Error {
  constructor(question: string) {
    super(`No answer to "${question.trim()}": the input was closed`);
    this.name = 'InputClosedError';
  }
}

export interface Prompter {
  readonly interactive: boolean;
  ask(question: string): Promise<string>;
  /** Like ask, without echoing what is typed. */
  askSecret(question: string): Promise<string>;
  close(): void;
}

export function createPrompter(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Prompter {
  const terminal = Boolean((input as { isTTY?: boolean }).isTTY);
  let muted = false;
  const echo = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) output.write(chunk);
      done();
    },
  });
  const lines = createInterface({ input, output: echo, terminal });
  const queue: string[] = [];
  let waiting:
    | { resolve: (line: string) => void; reject: (error: Error) => void; question: string }
    | undefined;
  let closed = false;
  lines.on('line', (line) => {
    if (waiting) {
      const { resolve } = waiting;
      waiting = undefined;
      resolve(line);
    } else queue.push(line);
  });
  lines.on('close', () => {
    closed = true;
    if (waiting) {
      const { reject, question } = waiting;
      waiting = undefined;
      reject(new InputClosedError(question));
    }
  });
  const next = (question: string): Promise<string> => {
    output.write(question);
    const queued = queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (closed) return Promise.reject(new InputClosedError(question));
    return new Promise((resolve, reject) => {
      waiting = { resolve, reject, question };
    });
  };
  return {
    interactive: terminal,
    ask: async (question) => (await next(question)).trim(),
    askSecret: async (question) => {
      try {
        const answer = next(question);
        muted = terminal;
        return await answer;
      } finally {
        muted = false;
        if (terminal) output.write('\n');
      }
    },
    close: () => lines.close(),
  };
}
