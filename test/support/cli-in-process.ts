// Runs commands in this process through runCli, the way the binary would, with stdout and stderr
// captured as text: faster than a child process, and the command can be handed fakes.
import { PassThrough } from 'node:stream';
import type { Command } from '../../src/cli/command.ts';
import { type CliIo, runCli } from '../../src/cli/run-cli.ts';

export interface CapturedRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runCommands(
  list: readonly Command[],
  argv: readonly string[],
  io: Omit<CliIo, 'stdout' | 'stderr'>,
  version = '0.0.0-test',
): Promise<CapturedRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  // Decode across chunk boundaries: a multi-byte character may arrive split in two.
  stdout.setEncoding('utf8');
  stderr.setEncoding('utf8');
  stdout.on('data', (d: string) => (out += d));
  stderr.on('data', (d: string) => (err += d));
  const code = await runCli(list, argv, { ...io, stdout, stderr }, version);
  return { code, out, err };
}
