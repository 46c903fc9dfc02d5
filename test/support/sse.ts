// Reads a Server-Sent Events response (as GraphQL Yoga streams subscriptions) event by event. It
// reads eagerly in the background, as a browser does, so the server side keeps flowing.
export interface SseReader {
  /** The next `data:` payload parsed as JSON, or an error after `timeoutMs`. */
  next(timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

export function readSse(response: Response): SseReader {
  if (!response.body) throw new Error('the response has no body');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended: Error | undefined;
  const ready: any[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  const takeEvents = () => {
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data !== '') ready.push(JSON.parse(data));
    }
  };
  void (async () => {
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        takeEvents();
        wake();
      }
      ended = new Error('the event stream ended');
    } catch (error) {
      ended = error instanceof Error ? error : new Error(String(error));
    }
    wake();
  })();
  return {
    next(timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (ready.length > 0) {
            done();
            resolve(ready.shift());
          } else if (ended) {
            done();
            reject(ended);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no SSE event within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      await reader.cancel().catch(() => {});
    },
  };
}
