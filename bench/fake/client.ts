// The benchmark side of a fake Telegram running in a worker thread (see worker.ts).
import { Worker } from 'node:worker_threads';
import { silentLogger } from '../../src/log/logger.ts';
import type { Pacer } from '../../src/pacing/pacer.ts';
import { createTelegramGateway, type TelegramGateway } from '../../src/telegram/index.ts';
import type { recipes } from './recipes.ts';

export interface FakeInWorker {
  readonly info: Record<string, unknown>;
  /** A gateway to the fake; `pacer` is the process's one request budget, as the CLI passes it. */
  gateway(requestsPerSecond: number, pacer?: Pacer): TelegramGateway;
  requestCounts(): Promise<Record<string, number>>;
  /** CPU time of the fake's thread so far, to tell its share from the client's. */
  cpuUsage(): Promise<NodeJS.CpuUsage>;
  close(): Promise<void>;
}

export async function startFakeInWorker(recipe: keyof typeof recipes): Promise<FakeInWorker> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: { recipe } });
  const ready = await new Promise<{ address: string; session: string; info: Record<string, unknown> }>(
    (resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    },
  );
  return {
    info: ready.info,
    gateway: (requestsPerSecond, pacer) =>
      createTelegramGateway({
        session: ready.session,
        logger: silentLogger,
        ...(pacer ? { pacer } : {}),
        config: {
          telegramApiId: 12345,
          telegramApiHash: '0123456789abcdef0123456789abcdef',
          telegramProxy: undefined,
          telegramTestServer: ready.address,
          sessionDir: '/nonexistent-session-dir',
          requestsPerSecond,
          maxFloodWaitSeconds: 60,
        },
      }),
    requestCounts: () =>
      new Promise((resolve) => {
        worker.once('message', (m: { counts: Record<string, number> }) => resolve(m.counts));
        worker.postMessage({ type: 'requests' });
      }),
    cpuUsage: () => worker.cpuUsage(),
    close: async () => {
      worker.postMessage({ type: 'close' });
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}
