// Runs a fake Telegram in a worker thread, so that on a benchmark machine the server's share of the
// work (serialising, MTProto encryption) runs on its own core and the figure measures the client.
// The world is built here from a named recipe; the parent learns the address and a session.
import { parentPort, workerData } from 'node:worker_threads';
import { startFakeTelegram } from '../../test/support/fake-telegram/index.ts';
import { recipes } from './recipes.ts';

const { recipe } = workerData as { recipe: keyof typeof recipes };
const fake = await startFakeTelegram();
const info = recipes[recipe](fake);
parentPort!.postMessage({ address: fake.address, session: fake.sessionString, info });
parentPort!.on('message', async (message: { type: string }) => {
  if (message.type === 'requests') {
    const counts: Record<string, number> = {};
    for (const r of fake.server.requests) counts[r.method] = (counts[r.method] ?? 0) + 1;
    parentPort!.postMessage({ type: 'requests', counts });
  }
  if (message.type === 'close') {
    await fake.close();
    parentPort!.close();
  }
});
