import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import type { Command, OptionValues } from '../../src/cli/command.ts';
import { runCli } from '../../src/cli/run-cli.ts';

const sink = (onText: (t: string) => void) =>
  new Writable({
    write(chunk, _e, done) {
      onText(String(chunk));
      done();
    },
  });

async function parse(argv: string[]): Promise<{ code: number; options?: OptionValues; stderr: string }> {
  let options: OptionValues | undefined;
  let stderr = '';
  const command: Command = {
    name: 'pick',
    summary: 'test',
    options: {
      chat: { type: 'string', multiple: true, description: 'chat' },
      all: { type: 'boolean', description: 'all' },
    },
    run: (context) => {
      options = context.options;
      return 0;
    },
  };
  const code = await runCli(
    [command],
    ['pick', ...argv],
    { stdout: sink(() => {}), stderr: sink((t) => (stderr += t)) },
    '1',
  );
  return { code, options, stderr };
}

describe('negative numbers as option values', () => {
  it('reads `--chat -100123` as the chat id, not as a flag', async () => {
    const { code, options } = await parse([
      '--chat',
      '-1001234567890',
      '--chat',
      '-77',
      '--chat',
      '42',
      '--all',
    ]);
    expect(code).toBe(0);
    expect(options?.chat).toEqual(['-1001234567890', '-77', '42']);
    expect(options?.all).toBe(true);
  });

  it('still rejects a flag where a value is missing', async () => {
    const { code, stderr } = await parse(['--chat', '--all']);
    expect(code).toBe(2);
    expect(stderr).toContain('--chat');
  });
});
