// Every long-running role started while its server-backed event store is down (a closed port on
// 127.0.0.1): it says so clearly with the password redacted, keeps retrying instead of crash
// looping, and stops cleanly within 10 s on SIGTERM. One-shot commands fail at once instead.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BIN, runBin } from '../support/cli.ts';
import { waitFor } from '../support/wait.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let dataDir: string;
let env: Record<string, string | undefined>;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ta-store-down-'));
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    EVENT_STORE: 'postgres',
    EVENT_STORE_URL: `postgres://archive:hunter2secret@127.0.0.1:${await closedPort()}/archive`,
    TELEGRAM_API_ID: '12345',
    TELEGRAM_API_HASH: '0123456789abcdef0123456789abcdef',
    LOG_LEVEL: 'info',
  };
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a long-running role whose event store is unreachable at start', () => {
  it.each(['listen', 'serve', 'run', 'projections run'])(
    '%s retries with clear logs and stops on SIGTERM',
    async (command) => {
      const child = spawn(process.execPath, [BIN, ...command.split(' ')], {
        cwd: dataDir,
        env: { ...env, VIEWER_PORT: '0' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const retries = await waitFor(
          () => {
            const lines = stderr
              .split('\n')
              .filter((line) => line.includes('opening the event store (postgres)'));
            return lines.length >= 2 ? lines : undefined;
          },
          'two failed attempts in the log',
          20_000,
          50,
        );
        expect(retries[0]).toContain('unreachable');
        expect(stderr).not.toContain('hunter2secret');
        expect(child.exitCode).toBeNull();
        const asked = Date.now();
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        expect(Date.now() - asked).toBeLessThan(10_000);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
    40_000,
  );

  it('a one-shot command fails at once with the reason', async () => {
    const result = await runBin(['projections', 'status'], { env, cwd: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Event store at postgres:\/\/archive:\*\*\*@127\.0\.0\.1:\d+\/archive is unreachable/,
    );
    expect(result.stderr).not.toContain('hunter2secret');
  });
});
