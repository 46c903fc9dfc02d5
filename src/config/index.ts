// Configuration: one typed, validated object built from the environment and an optional .env
// file. Every problem is collected and reported together; secrets never appear in messages.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { ParseResult } from './parsers.ts';
import { type VariableKey, type Variables, variables } from './variables.ts';

type Parsed<K extends VariableKey> = Variables[K]['parse'] extends (
  raw: string | undefined,
) => ParseResult<infer T>
  ? T
  : never;

export type Config = { readonly [K in VariableKey]: Parsed<K> } & {
  /** Resolved locations; the raw *Url variables may be unset for the embedded defaults. */
  readonly eventStoreLocation: string;
  readonly readModelLocation: string;
};

export type ValueSource = 'environment' | 'env file' | 'command line' | 'default';

export interface ConfigProblem {
  readonly variable: string;
  readonly shownValue: string;
  readonly expected: string;
}

export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
    this.problems = problems;
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** Defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** An explicit env file must exist; without one, ./.env is read when present. */
  readonly envFile?: string;
  readonly cwd?: string;
  /** Values from command-line flags (--data-dir, --log-level), keyed by variable name. */
  readonly overrides?: Readonly<Record<string, string | undefined>>;
}

export interface LoadedConfig {
  readonly config: Config;
  readonly sources: Readonly<Record<string, ValueSource>>;
}

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const problems: ConfigProblem[] = [];
  const fileValues = readEnvFile(options.envFile, cwd, problems);
  const env = options.env ?? process.env;
  const sources: Record<string, ValueSource> = {};
  const values: Record<string, unknown> = {};

  const raw = (name: string): string | undefined => {
    const layers: [ValueSource, string | undefined][] = [
      ['command line', options.overrides?.[name]],
      ['environment', env[name]],
      ['env file', fileValues[name]],
    ];
    for (const [source, value] of layers) {
      if (value !== undefined && value !== '') {
        sources[name] = source;
        return value;
      }
    }
    sources[name] = 'default';
    return undefined;
  };

  const dataDirRaw = raw(variables.dataDir.name) ?? variables.dataDir.defaultText;
  const dataDir = resolve(cwd, dataDirRaw);
  for (const [key, variable] of Object.entries(variables)) {
    const given = key === 'dataDir' ? dataDirRaw : raw(variable.name);
    const text = given ?? expandDefault(variable.defaultText, dataDir);
    const parsed = (variable.parse as (s: string | undefined) => ParseResult<unknown>)(
      text === '' ? undefined : text,
    );
    if (parsed.ok) values[key] = parsed.value;
    else
      problems.push({
        variable: variable.name,
        shownValue: show(text, variable.secret),
        expected: parsed.expected,
      });
  }
  crossCheck(values, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  values.dataDir = dataDir;
  values.sessionDir = resolve(cwd, values.sessionDir as string);
  const config = {
    ...values,
    eventStoreLocation: (values.eventStoreUrl as string | undefined) ?? join(dataDir, 'events.sqlite'),
    readModelLocation: (values.readModelUrl as string | undefined) ?? join(dataDir, 'read-model'),
  } as Config;
  return { config, sources };
}

/** Rules that span variables: a server-backed store needs its URL. */
function crossCheck(values: Record<string, unknown>, problems: ConfigProblem[]): void {
  const needsUrl = (kind: unknown, url: unknown, variable: string, scheme: RegExp, expected: string) => {
    if (url === undefined) {
      problems.push({
        variable,
        shownValue: '(unset)',
        expected: `${expected} because ${String(kind)} was chosen`,
      });
    } else if (!scheme.test(String(url))) {
      problems.push({ variable, shownValue: show(String(url), true), expected });
    }
  };
  if (values.eventStore === 'postgres')
    needsUrl('postgres', values.eventStoreUrl, 'EVENT_STORE_URL', /^postgres(ql)?:\/\//, 'a postgres:// URL');
  if (values.eventStore === 'eventstoredb')
    needsUrl(
      'eventstoredb',
      values.eventStoreUrl,
      'EVENT_STORE_URL',
      /^(esdb|kurrentdb)(\+discover)?:\/\//,
      'an esdb:// URL',
    );
  if (values.readModel === 'postgres')
    needsUrl('postgres', values.readModelUrl, 'READ_MODEL_URL', /^postgres(ql)?:\/\//, 'a postgres:// URL');
}

function readEnvFile(
  explicit: string | undefined,
  cwd: string,
  problems: ConfigProblem[],
): Record<string, string> {
  const path = explicit !== undefined ? resolve(cwd, explicit) : join(cwd, '.env');
  if (!existsSync(path)) {
    if (explicit !== undefined)
      problems.push({ variable: '--env-file', shownValue: path, expected: 'an existing, readable file' });
    return {};
  }
  try {
    return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch (error) {
    problems.push({
      variable: '--env-file',
      shownValue: path,
      expected: `a readable env file (${describe(error)})`,
    });
    return {};
  }
}

function expandDefault(text: string, dataDir: string): string {
  return text.replaceAll('{DATA_DIR}', dataDir);
}

/** Secrets are never echoed; URLs lose their password. */
export function show(value: string | undefined, secret = false): string {
  if (value === undefined || value === '') return '(unset)';
  if (!secret) return `'${value}'`;
  const url = redactUrl(value);
  return url !== undefined ? `'${url}'` : '<redacted>';
}

export function redactUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (!url.host) return undefined;
    if (url.password) url.password = '***';
    if (url.username && !url.password) url.username = '***';
    return url.toString();
  } catch {
    return undefined;
  }
}

function formatProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  ${p.variable}=${p.shownValue}: expected ${p.expected}`);
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return `Invalid configuration (${count}):\n${lines.join('\n')}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The effective configuration, secrets redacted, one line per variable with where it came from. */
export function describeConfig({ config, sources }: LoadedConfig): string[] {
  return Object.entries(variables).map(([key, variable]) => {
    const value = (config as unknown as Record<string, unknown>)[key];
    const text = Array.isArray(value) ? value.join(',') : value === undefined ? undefined : String(value);
    return `${variable.name}=${show(text, variable.secret)}  (${sources[variable.name] ?? 'default'})`;
  });
}

/** The .env.example text: every variable, grouped, with its description and default. */
export function envExample(): string {
  const out = [
    '# telegram-archive configuration. Copy to .env and adjust; real environment variables win over this file.',
    '# Generated by `telegram-archive config example`; a test keeps it in step with the code.',
  ];
  let group = '';
  for (const variable of Object.values(variables)) {
    if (variable.group !== group) {
      group = variable.group;
      out.push('', `## ${group}`);
    }
    const derived = variable.defaultText.includes('{DATA_DIR}');
    const note = derived ? ` (default: ${variable.defaultText.replace('{DATA_DIR}', '$DATA_DIR')})` : '';
    out.push(`# ${variable.description}${note}`, `${variable.name}=${derived ? '' : variable.defaultText}`);
  }
  return `${out.join('\n')}\n`;
}
