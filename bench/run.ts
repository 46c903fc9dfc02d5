// Benchmarks: `npm run bench [-- name…]` runs every scenario in bench/scenarios/ (or the named
// ones) one after another, prints a table against the targets and writes bench/results/latest.json
// with the machine it ran on. Exit code 1 when a target is missed, 2 for an unknown scenario name.
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

export async function loadScenarios(directory = join(here, 'scenarios')): Promise<Scenario[]> {
  const files = readdirSync(directory)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const scenarios: Scenario[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(directory, file)).href)) as Partial<Scenario>;
    if (
      typeof module.name !== 'string' ||
      typeof module.description !== 'string' ||
      typeof module.run !== 'function'
    )
      throw new ScenarioError(`bench/scenarios/${file} must export name, description and run()`);
    if (scenarios.some((s) => s.name === module.name))
      throw new ScenarioError(`two scenarios are named '${module.name}' (bench/scenarios/${file})`);
    scenarios.push(module as Scenario);
  }
  return scenarios;
}

/** The scenarios to run, in the order asked; an unknown name is an error that lists the known ones. */
export function select(scenarios: readonly Scenario[], names: readonly string[]): Scenario[] {
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

async function main(argv: readonly string[]): Promise<number> {
  let chosen: Scenario[];
  try {
    chosen = select(await loadScenarios(), argv);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    process.stderr.write(`bench: ${error.message}\n`);
    return 2;
  }
  const rows: ResultRow[] = [];
  for (const scenario of chosen) {
    const tmpDir = mkdtempSync(join(tmpdir(), `ta-bench-${scenario.name}-`));
    process.stderr.write(`bench: ${scenario.name}: ${scenario.description}\n`);
    try {
      const outcome = await scenario.run({
        tmpDir,
        log: (m) => process.stderr.write(`  ${scenario.name}: ${m}\n`),
      });
      rows.push(judge(scenario.name, outcome));
    } catch (error) {
      rows.push({
        name: scenario.name,
        status: 'error',
        note: error instanceof Error ? error.message : String(error),
      });
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  }
  const info = machine();
  process.stdout.write(
    `\n${table(rows)}\n\n${info.cpu}, ${info.cores} cores, ${info.memoryMb} MB, Node ${info.node}, load average ${info.loadAverage}\n`,
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
  process.exitCode = await main(process.argv.slice(2).filter((a) => a !== '--'));
}
