// Benchmarks: `npm run bench [-- [--repeat N] name…]` runs every scenario in bench/scenarios/ (or
// the named ones) one after another, each in a process of its own, prints a table against the
// targets and writes bench/results/latest.json with the machine it ran on. Exit code 1 when a target
// is missed, 2 for an unknown scenario name or option.
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Measurement, Scenario, Skipped } from './scenario.ts';

const here = dirname(fileURLToPath(import.meta.url));

export type Status = 'pass' | 'fail' | 'report' | 'skipped' | 'error';

export interface ResultRow {
  readonly name: string;
  readonly status: Status;
  readonly value?: number;
  readonly unit?: string;
  readonly target?: number;
  readonly better?: 'higher' | 'lower';
  readonly note?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export class ScenarioError extends Error {}

/** A scenario and the file it came from, so that a fresh process can load it again. */
export type LoadedScenario = Scenario & { readonly file: string };

async function importScenario(file: string): Promise<Scenario> {
  const module = (await import(pathToFileURL(file).href)) as Partial<Scenario>;
  if (
    typeof module.name !== 'string' ||
    typeof module.description !== 'string' ||
    typeof module.run !== 'function'
  )
    throw new ScenarioError(`bench/scenarios/${basename(file)} must export name, description and run()`);
  return module as Scenario;
}

export async function loadScenarios(directory = join(here, 'scenarios')): Promise<LoadedScenario[]> {
  const files = readdirSync(directory)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const scenarios: LoadedScenario[] = [];
  for (const file of files) {
    const scenario = await importScenario(join(directory, file));
    if (scenarios.some((s) => s.name === scenario.name))
      throw new ScenarioError(`two scenarios are named '${scenario.name}' (bench/scenarios/${file})`);
    scenarios.push({ ...scenario, file: join(directory, file) });
  }
  return scenarios;
}

/** The scenarios to run, in the order asked; an unknown name is an error that lists the known ones. */
export function select<S extends Scenario>(scenarios: readonly S[], names: readonly string[]): S[] {
  if (names.length === 0) return [...scenarios];
  const unknown = names.filter((n) => !scenarios.some((s) => s.name === n));
  if (unknown.length > 0)
    throw new ScenarioError(
      `Unknown scenario${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}. Available: ${scenarios.map((s) => s.name).join(', ')}`,
    );
  return names.map((n) => scenarios.find((s) => s.name === n)!);
}

export function judge(name: string, outcome: Measurement | Skipped): ResultRow {
  if ('skipped' in outcome) return { name, status: 'skipped', note: outcome.skipped };
  const better = outcome.better ?? 'higher';
  const status: Status =
    outcome.target === undefined
      ? 'report'
      : (better === 'higher' ? outcome.value >= outcome.target : outcome.value <= outcome.target)
        ? 'pass'
        : 'fail';
  return {
    name,
    status,
    value: outcome.value,
    unit: outcome.unit,
    ...(outcome.target !== undefined ? { target: outcome.target, better } : {}),
    ...(outcome.details ? { details: outcome.details } : {}),
  };
}

/**
 * One row for several runs of a scenario: the median run, judged on its value, with every run's
 * value in `details.runs`. With an even count the worse of the two middle runs stands, so a
 * repeated figure never flatters. A run that errored makes the whole row an error, and a skipped
 * run a skip: neither is ever averaged away.
 */
export function medianRun(rows: readonly ResultRow[]): ResultRow {
  if (rows.length === 0) throw new RangeError('medianRun needs at least one run');
  const failed = rows.findIndex((r) => r.status === 'error');
  if (failed >= 0)
    return { ...rows[failed]!, note: `run ${failed + 1} of ${rows.length}: ${rows[failed]!.note}` };
  const skipped = rows.find((r) => r.value === undefined);
  if (skipped !== undefined) return skipped;
  if (rows.length === 1) return rows[0]!;
  const lowerIsBetter = rows[0]!.better === 'lower';
  // Best first: the lower middle index of an even count is then the worse middle run.
  const ordered = [...rows].sort((a, b) => (lowerIsBetter ? a.value! - b.value! : b.value! - a.value!));
  const median = ordered[Math.floor(ordered.length / 2)]!;
  return { ...median, details: { ...median.details, runs: rows.map((r) => r.value!) } };
}

/** What the command line asks for; a mistake is a ScenarioError naming it. */
export interface BenchArguments {
  readonly names: string[];
  readonly repeat: number;
  readonly help: boolean;
}

export const USAGE = `Usage: npm run bench [-- [--repeat N] [scenario…]]

Runs every scenario in bench/scenarios/, or the named ones in that order, each in a process of
its own; prints a table against the targets and writes bench/results/latest.json.

  --repeat N   run each scenario N times (1-50) and report the median run, with every run's
               value in the details: single figures drift on a shared machine
  --help       this text`;

export function parseArguments(argv: readonly string[]): BenchArguments {
  const names: string[] = [];
  let repeat = 1;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--repeat' || arg.startsWith('--repeat=')) {
      const text = arg === '--repeat' ? argv[++i] : arg.slice('--repeat='.length);
      const count = Number(text);
      if (text === undefined || !/^[0-9]+$/.test(text) || count < 1 || count > 50)
        throw new ScenarioError(
          `--repeat takes a whole number of runs from 1 to 50, not ${text ?? 'nothing'}`,
        );
      repeat = count;
    } else if (arg.startsWith('-')) throw new ScenarioError(`Unknown option ${arg}; see --help`);
    else names.push(arg);
  }
  return { names, repeat, help };
}

const number = (n: number | undefined) => (n === undefined ? '' : Math.round(n).toLocaleString('en-US'));

export function table(rows: readonly ResultRow[]): string {
  const header = ['scenario', 'value', 'unit', 'target', 'result'];
  const body = rows.map((r) => [
    r.name,
    number(r.value),
    r.unit ?? '',
    r.target === undefined ? '' : `${r.better === 'lower' ? '<=' : '>='} ${number(r.target)}`,
    r.status === 'skipped' || r.status === 'error' ? `${r.status}: ${r.note}` : r.status,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryMb: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    /** 1-minute load average when the run ended: other work on the machine skews every figure. */
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
    date: new Date().toISOString(),
  };
}

/** What a scenario process reports back to the runner. */
type ChildReport = { readonly outcome: Measurement | Skipped } | { readonly error: string };

/**
 * Runs one scenario in a fresh Node process. Every figure then belongs to that scenario alone: no
 * heap, JIT state, open handles or peak RSS carried over from the scenarios before it.
 */
export function runIsolated(scenario: LoadedScenario, log: (message: string) => void): Promise<ResultRow> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ['--scenario', scenario.file], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let report: ChildReport | undefined;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
      for (const line of chunk.split('\n')) if (line.trim() !== '') log(line);
    });
    child.on('message', (message) => {
      report = message as ChildReport;
    });
    child.on('exit', (code, signal) => {
      if (report && 'outcome' in report) resolve(judge(scenario.name, report.outcome));
      else
        resolve({
          name: scenario.name,
          status: 'error',
          note:
            report?.error ??
            `the scenario process ended (${signal ?? `exit code ${code}`}) without a result${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`,
        });
    });
  });
}

/** The scenario process: runs one scenario file in a fresh temporary directory and reports over IPC. */
async function runScenarioProcess(file: string): Promise<void> {
  const send = (report: ChildReport) => new Promise<void>((done) => process.send!(report, () => done()));
  try {
    const scenario = await importScenario(file);
    const tmpDir = mkdtempSync(join(tmpdir(), `ta-bench-${scenario.name}-`));
    try {
      const outcome = await scenario.run({
        tmpDir,
        log: (m) => process.stderr.write(`${scenario.name}: ${m}\n`),
      });
      await send({ outcome });
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  } catch (error) {
    await send({ error: error instanceof Error ? error.message : String(error) });
  }
  // A handle a scenario left open must not keep its process, and so the whole run, waiting.
  process.exit(0);
}

async function main(argv: readonly string[]): Promise<number> {
  let chosen: LoadedScenario[];
  let repeat: number;
  try {
    const args = parseArguments(argv);
    if (args.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    repeat = args.repeat;
    chosen = select(await loadScenarios(), args.names);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    process.stderr.write(`bench: ${error.message}\n`);
    return 2;
  }
  const rows: ResultRow[] = [];
  for (const scenario of chosen) {
    const runs: ResultRow[] = [];
    for (let run = 1; run <= repeat; run++) {
      const which = repeat > 1 ? ` (run ${run} of ${repeat})` : '';
      process.stderr.write(`bench: ${scenario.name}${which}: ${scenario.description}\n`);
      runs.push(await runIsolated(scenario, (m) => process.stderr.write(`  ${m}\n`)));
    }
    rows.push(medianRun(runs));
  }
  const info = machine();
  const spreads = rows
    .filter((r) => Array.isArray(r.details?.runs))
    .map((r) => `${r.name}: median of ${(r.details!.runs as number[]).map(number).join(' / ')}\n`)
    .join('');
  process.stdout.write(
    `\n${table(rows)}\n\n${spreads}${info.cpu}, ${info.cores} cores, ${info.memoryMb} MB, Node ${info.node}, load average ${info.loadAverage}\n`,
  );
  const results = join(here, 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(
    join(results, 'latest.json'),
    `${JSON.stringify({ machine: info, results: rows }, null, 2)}\n`,
  );
  process.stdout.write(`Written to ${join(basename(here), 'results', 'latest.json')}\n`);
  return rows.some((r) => r.status === 'fail' || r.status === 'error') ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [flag, file] = process.argv.slice(2);
  if (flag === '--scenario' && file && process.send) await runScenarioProcess(file);
  else process.exitCode = await main(process.argv.slice(2));
}
