// Serial queues: one key in order, keys in parallel, a barrier after everything queued.
import { describe, expect, it } from '@jest/globals';
import { SerialQueues } from '../../../src/ingest/serial-queues.ts';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe('SerialQueues', () => {
  it('runs tasks of one key in order, even after a failure, and other keys alongside', async () => {
    const queues = new SerialQueues();
    const order: string[] = [];
    const gate = deferred();
    const a1 = queues.run('a', async () => {
      await gate.promise;
      order.push('a1');
    });
    const a2 = queues.run('a', async () => {
      order.push('a2');
      throw new Error('a2 failed');
    });
    const a3 = queues.run('a', async () => void order.push('a3'));
    await queues.run('b', async () => void order.push('b1'));
    expect(order).toEqual(['b1']);
    gate.resolve();
    await a1;
    await expect(a2).rejects.toThrow('a2 failed');
    await a3;
    expect(order).toEqual(['b1', 'a1', 'a2', 'a3']);
    await queues.idle();
    expect(queues.busyKeys).toBe(0);
  });

  it('runs a barrier task after everything queued before it', async () => {
    const queues = new SerialQueues();
    const order: string[] = [];
    const gate = deferred();
    void queues.run('a', async () => {
      await gate.promise;
      order.push('a');
    });
    const barrier = queues.barrier(async () => void order.push('barrier'));
    await Promise.resolve();
    expect(order).toEqual([]);
    gate.resolve();
    await barrier;
    expect(order).toEqual(['a', 'barrier']);
  });
});
