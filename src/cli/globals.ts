// Options every command accepts.
import type { OptionSpec } from './command.ts';

export const PROGRAM = 'telegram-archive';

export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'data-dir': { type: 'string', valueName: 'path', description: 'Data directory (overrides DATA_DIR)' },
  'env-file': {
    type: 'string',
    valueName: 'path',
    description: 'Read variables from this file (default: ./.env if present)',
  },
  'log-level': {
    type: 'string',
    valueName: 'level',
    description: 'trace|debug|info|warn|error|fatal (overrides LOG_LEVEL)',
  },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
};
