// The relay as a real process with the real kafkajs client, when Kafka is unreachable (a closed
// port on 127.0.0.1): it must say so clearly, keep running and retrying, report the outage in its
// status file, and stop cleanly within 10 s on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { readRoleStatus } from '../../src/health/status-file.ts';
import { BIN } from '../support/cli.ts';
import { sampleEvent } from '../support/sample-events.ts';
import { waitFor } from '../support/wait.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let child: ChildProcess | undefined;
let dataDir: string | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('relay process without a reachable Kafka', () => {
  it('logs a clear error, keeps retrying, reports it, and stops on SIGTERM within 10 s', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ta-relay-proc-'));
    const store = openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
    await store.append('message-42.c100.1', [sampleEvent('MessageCreated')]);
    await store.close();
    const port = await closedPort();

    child = spawn(process.execPath, [BIN, 'relay'], {
      cwd: dataDir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATA_DIR: dataDir,
        KAFKA_BROKERS: `127.0.0.1:${port}`,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));

    const errorLine = await waitFor(
      () =>
        stderr
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { level: number; msg: string })
          .find((line) => line.level === 50),
      'the first error line',
      20_000,
      50,
    );
    expect(errorLine.msg).toMatch(
      new RegExp(
        `connecting to Kafka at 127\\.0\\.0\\.1:${port} topic telegram-archive\\.events failed: .*ECONNREFUSED.*retrying`,
      ),
    );
    const status = await waitFor(() => {
      const s = readRoleStatus(dataDir!, 'relay');
      return s?.state === 'disconnected' ? s : undefined;
    }, 'the outage in the status file');
    expect(status.detail).toMatch(/ECONNREFUSED/);
    expect(child.exitCode).toBeNull();

    const asked = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - asked).toBeLessThan(10_000);
    expect(readRoleStatus(dataDir, 'relay')?.state).toBe('stopped');
  }, 40_000);
});
