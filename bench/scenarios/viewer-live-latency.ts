// Live latency in run mode: from a message pushed by the (fake) Telegram server to the moment an
// SSE subscriber of the viewer receives it, through listener, event store, projector and viewer in
// one process on SQLite. p99 over a few hundred messages sent one after another.
import { join } from 'node:path';
import { runArchive } from '../../src/cli/run-mode.ts';
import { loadConfig } from '../../src/config/index.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { writeSession } from '../../src/telegram/session-file.ts';
import { startFakeTelegram } from '../../test/support/fake-telegram/index.ts';
import { readSse } from '../../test/support/sse.ts';
import type { Measurement, ScenarioContext } from '../scenario.ts';
import { percentile, postGraphQL } from '../viewer/archive.ts';

export const name = 'viewer-live-latency';
export const description = 'Run mode: fake Telegram push to SSE subscriber, one message at a time';

const MESSAGES = 300;

interface ChatsAnswer {
  readonly chats: {
    readonly edges: readonly { readonly node: { readonly id: string; readonly title: string } }[];
  };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function run(context: ScenarioContext): Promise<Measurement> {
  const fake = await startFakeTelegram();
  const alice = fake.world.addUser({ firstName: 'Alice' });
  const group = fake.world.addGroup({ title: 'Latency', members: [alice] });
  fake.world.addHistory(group, [{ text: 'before the measurement', from: alice }]);
  writeSession(join(context.tmpDir, 'session'), fake.sessionString);
  const { config } = loadConfig({
    cwd: context.tmpDir,
    env: {
      DATA_DIR: context.tmpDir,
      TELEGRAM_API_ID: '12345',
      TELEGRAM_API_HASH: '0123456789abcdef0123456789abcdef',
      TELEGRAM_TEST_SERVER: fake.address,
      VIEWER_PORT: '0',
      LOG_LEVEL: 'error',
    },
  });
  const stop = new AbortController();
  let base: string | undefined;
  const running = runArchive({
    config,
    logger: silentLogger,
    signal: stop.signal,
    onViewer: (viewer) => {
      base = viewer.url;
    },
  });
  try {
    const url = await until(async () => base, 'the viewer');
    const chat = await until(async () => {
      const answer = await postGraphQL<ChatsAnswer>(
        url,
        '{ chats(first: 10) { edges { node { id title } } } }',
      );
      return answer.chats.edges.find((e) => e.node.title === 'Latency')?.node.id;
    }, 'the chat to be archived');
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        query: 'subscription($id: ID!) { chatActivity(chatId: $id) { kind message { text } } }',
        variables: { id: chat },
      }),
    });
    const stream = readSse(response);
    context.log(`subscribed; sending ${MESSAGES} messages one at a time`);
    const samples: number[] = [];
    try {
      for (let i = 0; i < MESSAGES; i++) {
        const text = `probe ${i}`;
        const started = performance.now();
        fake.world.sendMessage(group, { text, from: alice });
        for (;;) {
          const event = await stream.next(10_000);
          const activity = event.data?.chatActivity;
          if (activity?.kind === 'CREATED' && activity.message?.text === text) break;
        }
        samples.push(performance.now() - started);
      }
    } finally {
      await stream.close();
    }
    context.log(
      `median ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms`,
    );
    return {
      value: Number(percentile(samples, 99).toFixed(1)),
      unit: 'ms (p99)',
      target: 250,
      better: 'lower',
      details: {
        messages: samples.length,
        p50: percentile(samples, 50),
        p95: percentile(samples, 95),
        max: Math.max(...samples),
      },
    };
  } finally {
    stop.abort();
    await running.catch(() => undefined);
    await fake.close();
  }
}
