// CPU seconds of the benchmark's own thread and of the fake's worker thread over a timed section.
// On a shared or busy machine the wall-clock figure moves with the load; these do not, and they show
// which side (client or fake server) a change made cheaper.
import type { FakeInWorker } from './client.ts';

export interface CpuSplit {
  /** Seconds of CPU on the thread that runs the archiver (the benchmark's main thread). */
  readonly clientThread: number;
  /** Seconds of CPU on the fake Telegram's thread. */
  readonly fakeThread: number;
}

const seconds = (usage: NodeJS.CpuUsage) => Math.round((usage.user + usage.system) / 1000) / 1000;

export async function cpuMeter(fake: FakeInWorker): Promise<() => Promise<CpuSplit>> {
  const client = process.threadCpuUsage();
  const server = await fake.cpuUsage();
  return async () => {
    const fakeNow = await fake.cpuUsage();
    return {
      clientThread: seconds(process.threadCpuUsage(client)),
      fakeThread: seconds({ user: fakeNow.user - server.user, system: fakeNow.system - server.system }),
    };
  };
}
