// `telegram-archive serve` as a user runs it: a real process on 127.0.0.1 over a read model built
// from a SQLite event log, answering GraphQL, media range requests and live subscriptions.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rebuildReadModel } from '../../projections/manage.ts';
import { openReadModel } from '../../projections/read-model.ts';
import { ProjectionRunner } from '../../projections/runner.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { runBin } from '../support/cli.ts';
import { type RunningProcess, startBin } from '../support/process.ts';
import { readSse } from '../support/sse.ts';
import { alice, chatKey, events, general, globalId, type Pending, sha256 } from '../support/viewer-world.ts';

const TOKEN = 'e2e-secret-token-0123456789';
const clip = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256));
let dataDir: string;
let server: RunningProcess;
let base: string;

async function appendAll(...pending: Pending[]) {
  const store = openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
  try {
    for (const { stream, event } of pending) await store.append(stream, [event]);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ta-serve-'));
  const hash = sha256(clip);
  mkdirSync(join(dataDir, 'media', hash.slice(0, 2)), { recursive: true });
  writeFileSync(join(dataDir, 'media', hash.slice(0, 2), `${hash}.mp4`), clip);
  await appendAll(
    events.chat(general, 'General', 'channel'),
    events.user(alice, { firstName: 'Alice' }),
    events.created(general, 1, { text: 'hello from the log', minute: 1, sender: alice }),
    events.created(general, 2, {
      text: 'a clip',
      minute: 2,
      sender: alice,
      media: { kind: 'video', fileId: 'v', mimeType: 'video/mp4' },
    }),
    events.media(general, 2, clip, 'video/mp4', 'mp4', 3),
  );
  const store = openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
  try {
    await rebuildReadModel({ location: { kind: 'sqlite', directory: join(dataDir, 'read-model') }, store });
  } finally {
    await store.close();
  }
  server = startBin(['serve', '--port', '0'], {
    env: { DATA_DIR: dataDir, VIEWER_TOKEN: TOKEN, LOG_LEVEL: 'warn' },
  });
  const [, url] = await server.waitForOutput(/GraphiQL: (http:\/\/127\.0\.0\.1:\d+)\/graphql/);
  base = url!;
});

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };
const gql = async (query: string, variables: Record<string, unknown> = {}) => {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as any };
};

describe('telegram-archive serve', () => {
  it('answers a chat page over HTTP', async () => {
    const { status, body } = await gql(
      `query($id: ID!) { chat(id: $id) { title messages(first: 10) { edges { node { messageId text sender { ... on User { displayName } } media { file { url } } } } } } }`,
      { id: globalId('Chat', chatKey(general)) },
    );
    expect(status).toBe(200);
    expect(body.data.chat.title).toBe('General');
    expect(body.data.chat.messages.edges.map((e: any) => e.node.text)).toEqual([
      'a clip',
      'hello from the log',
    ]);
    expect(body.data.chat.messages.edges[0].node.media.file.url).toBe(`/media/${sha256(clip)}`);
  });

  it('requires the token', async () => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ stats { chatCount } }' }),
    });
    expect(response.status).toBe(401);
  });

  it('serves media bytes by range', async () => {
    const response = await fetch(`${base}/media/${sha256(clip)}`, {
      headers: { ...auth, range: 'bytes=1000-1999' },
    });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 1000-1999/4096');
    expect(Buffer.from(await response.arrayBuffer()).equals(clip.subarray(1000, 2000))).toBe(true);
  });

  it('keeps raw traversal attempts out (paths sent as written, not normalised by a client)', async () => {
    const { request } = await import('node:http');
    const url = new URL(base);
    for (const path of [
      '/media/../events.sqlite',
      '/media/%2e%2e/events.sqlite',
      '/media/..%2fevents.sqlite',
      '/../events.sqlite',
    ]) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: url.hostname, port: url.port, path, headers: auth }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect([path, status]).toEqual([path, 404]);
    }
  });

  it('pushes a live edit to an SSE subscriber once the projector in another process applied it', async () => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...auth },
      body: JSON.stringify({
        query: 'subscription($id: ID!) { chatActivity(chatId: $id) { kind message { text editCount } } }',
        variables: { id: globalId('Chat', chatKey(general)) },
      }),
    });
    const stream = readSse(response);
    // The response headers arrive once the subscription is in place (its baseline taken).
    const copy = await openReadModel({ kind: 'sqlite', directory: join(dataDir, 'read-model') });
    const store = openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
    try {
      const first = await gql('{ stats { eventsApplied } }');
      expect(first.body.data.stats.eventsApplied).toBe(5);
      await store.append(events.edited(general, 1, 'hello, edited', 10).stream, [
        events.edited(general, 1, 'hello, edited', 10).event,
      ]);
      await new ProjectionRunner({ store, copy }).catchUp();
      const activity = await stream.next(10_000);
      expect(activity.data.chatActivity).toEqual({
        kind: 'EDITED',
        message: { text: 'hello, edited', editCount: 1 },
      });
    } finally {
      await stream.close();
      await copy.close();
      await store.close();
    }
  });

  it('stops cleanly on Ctrl-C', async () => {
    const code = await server.stop('SIGINT');
    expect(code).toBe(0);
    expect(server.stdout()).toContain('Stopping the viewer');
  });
});

describe('telegram-archive serve refuses', () => {
  it('an anonymous viewer beyond loopback, before opening anything', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ta-serve-'));
    const result = await runBin(['serve', '--host', '0.0.0.0'], { env: { DATA_DIR: empty } });
    rmSync(empty, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Refusing to serve the archive on 0.0.0.0 without authentication');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a port already in use, saying so', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runBin(['serve', '--port', String(port)], {
        env: { DATA_DIR: dataDirWithModel() },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});

function dataDirWithModel(): string {
  return dataDir;
}
