// The dispatcher: finds the command, parses its flags strictly, builds the context, and turns
// every known failure into a clear message and an exit code (0 ok, 1 failure, 2 usage) without a
// stack trace. Unexpected errors show their stack only at debug level.
import { parseArgs } from 'node:util';
import { DirectoryError } from '../config/directories.ts';
import { ConfigError, type LoadedConfig, loadConfig } from '../config/index.ts';
import { createLogger, type Logger, type LogLevel } from '../log/logger.ts';
import {
  type Command,
  type CommandContext,
  type GlobalOptions,
  type OptionSpec,
  type OptionValues,
  UsageError,
} from './command.ts';
import { GLOBAL_OPTIONS, PROGRAM } from './globals.ts';
import { commandHelp, programHelp } from './help.ts';

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Defaults to process.stdin. */
  readonly stdin?: NodeJS.ReadableStream;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly signal?: AbortSignal;
}

/** An error a command raises on purpose: its message is the whole story, no stack needed. */
export class CliFailure extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
    this.name = 'CliFailure';
  }
}

const GLOBAL_VALUE_FLAGS = new Set(
  Object.entries(GLOBAL_OPTIONS)
    .filter(([, s]) => s.type === 'string')
    .map(([n]) => `--${n}`),
);

/** Splits argv into the command path and the remaining tokens, skipping global flags and their values. */
function resolvePath(
  commands: readonly Command[],
  argv: readonly string[],
): { path: Command[]; rest: string[] } {
  const path: Command[] = [];
  const rest: string[] = [];
  let choices: readonly Command[] | undefined = commands;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (token.startsWith('-')) {
      rest.push(token);
      if (GLOBAL_VALUE_FLAGS.has(token) && i + 1 < argv.length) rest.push(argv[++i]!);
      continue;
    }
    if (choices) {
      const found: Command | undefined = choices.find((c) => c.name === token);
      if (!found) {
        const where = path.length ? `'${[PROGRAM, ...path.map((c) => c.name)].join(' ')}'` : PROGRAM;
        const hint = closest(
          token,
          choices.map((c) => c.name),
        );
        throw new UsageError(
          `Unknown command '${token}' for ${where}.${hint ? ` Did you mean '${hint}'?` : ''}`,
          [...path.map((c) => c.name)].join(' '),
        );
      }
      path.push(found);
      choices = found.subcommands;
      continue;
    }
    rest.push(token);
  }
  return { path, rest };
}

export async function runCli(
  commands: readonly Command[],
  argv: readonly string[],
  io: CliIo,
  version: string,
): Promise<number> {
  const write = (stream: NodeJS.WritableStream, text: string) =>
    stream.write(text.endsWith('\n') ? text : `${text}\n`);
  let logger: Logger | undefined;
  try {
    const { path, rest } = resolvePath(commands, argv);
    const command = path.at(-1);
    const helpPath = path.map((c) => c.name).join(' ');
    if (!command) {
      if (rest.includes('--version')) {
        write(io.stdout, version);
        return 0;
      }
      if (rest.length === 0 || rest.includes('--help') || rest.includes('-h')) {
        write(io.stdout, programHelp(commands, version));
        return rest.length === 0 ? 2 : 0;
      }
      throw new UsageError(`Unknown option '${rest[0]}'.`, '');
    }
    const { values, positionals } = parseCommandArgs(command, rest, helpPath);
    if (values.help === true) {
      write(io.stdout, commandHelp(path));
      return 0;
    }
    if (!command.run) {
      throw new UsageError(`'${PROGRAM} ${helpPath}' needs a subcommand.`, helpPath);
    }
    const globals: GlobalOptions = {
      dataDir: values['data-dir'] as string | undefined,
      envFile: values['env-file'] as string | undefined,
      logLevel: values['log-level'] as string | undefined,
    };
    let loaded: LoadedConfig | undefined;
    const context: CommandContext = {
      options: values as OptionValues,
      positionals,
      globals,
      stdout: io.stdout,
      stderr: io.stderr,
      stdin: io.stdin ?? process.stdin,
      signal: io.signal ?? new AbortController().signal,
      config: () => {
        loaded ??= loadConfig({
          env: io.env,
          cwd: io.cwd,
          envFile: globals.envFile,
          overrides: { DATA_DIR: globals.dataDir, LOG_LEVEL: globals.logLevel },
        });
        return loaded;
      },
      logger: () => {
        logger ??= createLogger({
          level: context.config().config.logLevel as LogLevel,
          destination: io.stderr,
        });
        return logger;
      },
    };
    return (await command.run(context)) ?? 0;
  } catch (error) {
    return report(error, io, write, logger);
  }
}

/**
 * Chat ids are negative numbers (-1001234567890); parseArgs would read `--chat -100…` as a flag.
 * A negative number right after an option that takes a value is that option's value.
 */
function joinNegativeValues(
  args: readonly string[],
  options: Readonly<Record<string, OptionSpec>>,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    const next = args[i + 1];
    const name = token.startsWith('--') ? token.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d+(\.\d+)?$/.test(next)) {
      out.push(`${token}=${next}`);
      i++;
    } else out.push(token);
  }
  return out;
}

function parseCommandArgs(command: Command, rest: string[], helpPath: string) {
  const options = { ...GLOBAL_OPTIONS, ...command.options };
  try {
    return parseArgs({
      args: joinNegativeValues(rest, options),
      options,
      strict: true,
      allowPositionals: Boolean(command.args),
    });
  } catch (error) {
    const message = (error as Error).message;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`Unknown option '${flag}' for '${PROGRAM} ${helpPath}'.`, helpPath);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const arg = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`Unexpected argument '${arg}' for '${PROGRAM} ${helpPath}'.`, helpPath);
    }
    throw new UsageError(message.replace(/\.$/, '') + '.', helpPath);
  }
}

function report(
  error: unknown,
  io: CliIo,
  write: (s: NodeJS.WritableStream, t: string) => unknown,
  logger: Logger | undefined,
): number {
  if (error instanceof UsageError) {
    const target = [PROGRAM, error.helpFor].filter(Boolean).join(' ');
    write(io.stderr, `${PROGRAM}: ${error.message}\nRun '${target} --help' for usage.`);
    return 2;
  }
  if (error instanceof ConfigError || error instanceof DirectoryError || error instanceof CliFailure) {
    write(io.stderr, `${PROGRAM}: ${error.message}`);
    return error instanceof CliFailure ? error.exitCode : 1;
  }
  const debug = ['debug', 'trace'].includes(String(io.env?.LOG_LEVEL ?? process.env.LOG_LEVEL));
  const message = error instanceof Error ? error.message : String(error);
  write(io.stderr, `${PROGRAM}: ${message}`);
  if (debug && error instanceof Error && error.stack) write(io.stderr, error.stack);
  else logger?.debug({ err: error }, 'command failed');
  return 1;
}

/** The nearest name by edit distance, when it is near enough to be a likely typo. */
function closest(word: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const name of names) {
    const d = editDistance(word, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
