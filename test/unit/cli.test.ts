import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { Command } from '../../src/cli/command.ts';
import { UsageError } from '../../src/cli/command.ts';
import { commands } from '../../src/cli/commands/index.ts';
import { runCommands } from '../support/cli-in-process.ts';

async function run(argv: string[], env: Record<string, string> = {}, list: readonly Command[] = commands) {
  const cwd = mkdtempSync(join(tmpdir(), 'ta-cli-'));
  return runCommands(list, argv, { env, cwd }, '9.9.9');
}

describe('runCli', () => {
  it('lists the implemented commands in --help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: telegram-archive <command> [options]');
    for (const command of commands) expect(out).toContain(command.name);
    expect(out).toContain('--data-dir <path>');
  });

  it('shows help for every command and subcommand', async () => {
    for (const command of commands) {
      const paths = command.subcommands?.map((s) => [command.name, s.name]) ?? [[command.name]];
      for (const path of paths) {
        const { code, out } = await run([...path, '--help']);
        expect(code).toBe(0);
        expect(out).toContain(`telegram-archive ${path.join(' ')}`);
      }
    }
  });

  it('rejects an unknown command with a suggestion and a pointer to --help', async () => {
    const { code, err } = await run(['confg', 'check']);
    expect(code).toBe(2);
    expect(err).toBe(
      "telegram-archive: Unknown command 'confg' for telegram-archive. Did you mean 'config'?\nRun 'telegram-archive --help' for usage.\n",
    );
  });

  it('rejects an unknown flag, naming the command', async () => {
    const { code, err } = await run(['config', 'check', '--verbose']);
    expect(code).toBe(2);
    expect(err).toContain("Unknown option '--verbose' for 'telegram-archive config check'.");
    expect(err).toContain("Run 'telegram-archive config check --help' for usage.");
  });

  it('asks for a subcommand when a group is called alone', async () => {
    const { code, err } = await run(['config']);
    expect(code).toBe(2);
    expect(err).toContain("'telegram-archive config' needs a subcommand.");
  });

  it('config check exits 1 on invalid configuration, listing all problems without a stack trace', async () => {
    const { code, err } = await run(['config', 'check'], { VIEWER_PORT: 'http', TELEGRAM_API_ID: '-5' });
    expect(code).toBe(1);
    expect(err).toContain("VIEWER_PORT='http': expected a whole number from 0 to 65535");
    expect(err).toContain("TELEGRAM_API_ID='-5': expected a whole number >= 1");
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('config check prints the effective configuration with secrets redacted', async () => {
    const { code, out } = await run(['config', 'check', '--data-dir', '/srv/x'], {
      VIEWER_BASIC_AUTH: 'admin:supersecret',
    });
    expect(code).toBe(0);
    expect(out).toContain("DATA_DIR='/srv/x'  (command line)");
    expect(out).toContain('VIEWER_BASIC_AUTH=<redacted>  (environment)');
    expect(out).not.toContain('supersecret');
  });

  it('maps a command usage error to exit code 2 and other failures to 1', async () => {
    const failing: Command[] = [
      {
        name: 'usage',
        summary: 'x',
        run: () => {
          throw new UsageError('bad --chat value', 'usage');
        },
      },
      {
        name: 'boom',
        summary: 'x',
        run: () => {
          throw new Error('disk full');
        },
      },
    ];
    const usage = await run(['usage'], {}, failing);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('bad --chat value');
    const boom = await run(['boom'], {}, failing);
    expect(boom.code).toBe(1);
    expect(boom.err).toBe('telegram-archive: disk full\n');
  });
});
