// Serial queues by key: gramjs would run update handlers concurrently, but the updates of one chat
// must be recorded in order (a message before its edit). Different chats still run in parallel.

export class SerialQueues {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every task queued earlier under the same key, failed or not. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Runs `task` once every task queued so far, under any key, has finished. */
  async barrier<T>(task: () => Promise<T>): Promise<T> {
    await Promise.allSettled([...this.tails.values()]);
    return task();
  }

  /** Resolves when nothing is queued any more. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.allSettled([...this.tails.values()]);
  }

  get busyKeys(): number {
    return this.tails.size;
  }
}
