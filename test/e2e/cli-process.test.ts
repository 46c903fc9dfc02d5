// The real executable in a child process: what a user sees on their terminal.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { BIN, runBin } from '../support/cli.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'ta-bin-'));

describe('telegram-archive executable', () => {
  it('prints help and exits 0', async () => {
    const result = await runBin(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: telegram-archive <command>');
  });

  it('prints its version', async () => {
    const result = await runBin(['version']);
    expect(result.stdout).toMatch(/^telegram-archive \d+\.\d+\.\d+ \(node v\d+/);
  });

  it('config check: valid environment, directories created', async () => {
    const cwd = tmp();
    const result = await runBin(['config', 'check'], { cwd, env: { DATA_DIR: 'archive' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`DATA_DIR='${join(cwd, 'archive')}'  (environment)`);
    expect(existsSync(join(cwd, 'archive', 'session'))).toBe(true);
  });

  it('config check: invalid environment exits 1 with every problem and no stack trace', async () => {
    const result = await runBin(['config', 'check'], {
      cwd: tmp(),
      env: { EVENT_STORE: 'mongodb', MAX_MEDIA_SIZE_MB: 'lots', TELEGRAM_PHONE: '0123' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid configuration (3 problems)');
    expect(result.stderr).toContain("EVENT_STORE='mongodb': expected one of sqlite, postgres, eventstoredb");
    expect(result.stderr).toContain('TELEGRAM_PHONE=<redacted>');
    expect(result.stderr).not.toContain('0123');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('config check: a data directory that cannot be created gets the actionable explanation', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'data'), 'a file, not a directory');
    const result = await runBin(['config', 'check'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot use DATA_DIR directory ${join(cwd, 'data')}`);
    expect(result.stderr).toMatch(/runs as uid:gid \d+:\d+/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails fast in one line on a Node older than 22.17', async () => {
    const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find(
      (p) =>
        existsSync(p) &&
        Number(execFileSync(p, ['-p', 'process.versions.node.split(".")[0]']).toString()) < 22,
    );
    // Without an old Node installed, simulate one: the check reads process.versions.node.
    const args = oldNode
      ? [BIN, '--help']
      : [
          '--import',
          `data:text/javascript,Object.defineProperty(process.versions,'node',{value:'20.1.0'})`,
          BIN,
          '--help',
        ];
    const output = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(oldNode ?? process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.on('close', (code: number | null) => resolve({ code, stderr }));
    });
    expect(output.code).toBe(1);
    expect(output.stderr.trim().split('\n')).toHaveLength(1);
    expect(output.stderr).toContain('needs Node >= 22.17');
    expect(output.stderr).toContain('source scripts/use-node24.sh');
  });
});
