import { ensureWritableDirectory } from '../../config/directories.ts';
import { describeConfig, envExample } from '../../config/index.ts';
import type { Command } from '../command.ts';

const check: Command = {
  name: 'check',
  summary: 'Validate the configuration and print it, secrets redacted',
  description:
    'Reads the environment and the env file, reports every problem at once, and exits 1 when invalid.',
  examples: ['telegram-archive config check', 'telegram-archive config check --env-file prod.env'],
  run: (context) => {
    const loaded = context.config();
    context.stdout.write(`Configuration is valid.\n\n${describeConfig(loaded).join('\n')}\n\n`);
    const { dataDir, sessionDir } = loaded.config;
    ensureWritableDirectory(dataDir, 'DATA_DIR');
    ensureWritableDirectory(sessionDir, 'SESSION_DIR');
    context.stdout.write(`DATA_DIR ${dataDir} and SESSION_DIR ${sessionDir} are writable.\n`);
    return 0;
  },
};

const example: Command = {
  name: 'example',
  summary: 'Print a documented .env with every variable and its default',
  examples: ['telegram-archive config example > .env'],
  run: ({ stdout }) => {
    stdout.write(envExample());
    return 0;
  },
};

export const configCommand: Command = {
  name: 'config',
  summary: 'Inspect the configuration',
  subcommands: [check, example],
};
