// The published package must run without its TypeScript sources: Node refuses to strip types under
// node_modules, so `prepack` builds dist/ and the bin entry must pick it. Pack, install the tarball
// into a node_modules folder (dependencies linked from ours), and run it from there.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { runBin } from '../support/cli.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('npm pack', () => {
  it('produces a package whose bin runs from node_modules without sources', async () => {
    const work = mkdtempSync(join(tmpdir(), 'ta-pack-'));
    // Under `npm test`, npm_execpath is the npm that runs us; otherwise the one on PATH.
    const npmCli = process.env.npm_execpath;
    const [command, prefix] = npmCli ? [process.execPath, [npmCli]] : ['npm', []];
    const out = execFileSync(command, [...prefix, 'pack', '--json', '--pack-destination', work], {
      cwd: root,
      env: { ...process.env, npm_config_loglevel: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
    const [{ filename, files }] = JSON.parse(out.slice(out.indexOf('['))) as [
      { filename: string; files: { path: string }[] },
    ];
    const paths = files.map((f) => f.path);
    expect(paths).toContain('dist/src/main.js');
    expect(paths.some((p) => p.startsWith('src/'))).toBe(false);
    expect(paths.some((p) => p.endsWith('.test.js'))).toBe(false);

    const modules = join(work, 'app', 'node_modules');
    const installed = join(modules, 'telegram-archive');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(work, filename), '-C', installed, '--strip-components=1']);
    for (const entry of readdirSync(join(root, 'node_modules'))) {
      if (!entry.startsWith('.')) symlinkSync(join(root, 'node_modules', entry), join(modules, entry));
    }

    const bin = join(installed, 'bin', 'telegram-archive.js');
    const help = await runBin(['--help'], { bin, cwd: work });
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: telegram-archive <command>');
    const version = await runBin(['version'], { bin, cwd: work });
    expect(version.stdout).toMatch(/^telegram-archive \d+\.\d+\.\d+/);
  }, 180_000);
});
