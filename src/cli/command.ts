// The shape of a CLI command. Commands are plain objects listed in commands/index.ts; the
// dispatcher parses flags, prints help and maps failures to exit codes.
import type { LoadedConfig } from '../config/index.ts';
import type { Logger } from '../log/logger.ts';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly description: string;
  readonly short?: string;
  readonly multiple?: boolean;
  /** Shown in help: --chat <id|@username>. */
  readonly valueName?: string;
}

export type OptionValues = Readonly<Record<string, string | boolean | string[] | undefined>>;

export interface GlobalOptions {
  readonly dataDir?: string;
  readonly envFile?: string;
  readonly logLevel?: string;
}

export interface CommandContext {
  readonly options: OptionValues;
  readonly positionals: readonly string[];
  readonly globals: GlobalOptions;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** For interactive prompts (login). */
  readonly stdin: NodeJS.ReadableStream;
  /** Aborted on SIGINT/SIGTERM: long-running commands stop intake, drain and return. */
  readonly signal: AbortSignal;
  /** Loads and validates the configuration (throws ConfigError); cached. */
  config(): LoadedConfig;
  /** The process logger at the configured level; cached. */
  logger(): Logger;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly description?: string;
  /** Positional arguments as shown in help, e.g. "<stream>". */
  readonly args?: string;
  readonly options?: Readonly<Record<string, OptionSpec>>;
  readonly examples?: readonly string[];
  readonly subcommands?: readonly Command[];
  /** Returns the exit code (default 0). Commands with subcommands only may omit it. */
  readonly run?: (context: CommandContext) => Promise<number | undefined> | number | undefined;
}

/** Wrong command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  readonly helpFor: string;
  constructor(message: string, helpFor: string) {
    super(message);
    this.helpFor = helpFor;
    this.name = 'UsageError';
  }
}

export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(options: OptionValues, name: string): string[] {
  const value = options[name];
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? [value] : [];
}
