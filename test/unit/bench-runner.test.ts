// The benchmark runner's logic: discovery, selection by name, judging against targets, the table.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  judge,
  loadScenarios,
  machine,
  medianRun,
  parseArguments,
  runIsolated,
  ScenarioError,
  select,
  table,
} from '../../bench/run.ts';
import type { Scenario } from '../../bench/scenario.ts';

const scenario = (name: string): Scenario => ({
  name,
  description: name,
  run: async () => ({ value: 1, unit: 'x' }),
});

describe('bench runner', () => {
  it('finds the scenarios in bench/scenarios', async () => {
    const names = (await loadScenarios()).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['sqlite-append', 'sqlite-readall']));
  });

  it('refuses a scenario file without the three exports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ta-bench-test-'));
    try {
      writeFileSync(join(dir, 'broken.ts'), "export const name = 'broken';\n");
      await expect(loadScenarios(dir)).rejects.toThrow(
        'bench/scenarios/broken.ts must export name, description and run()',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('selects by name in the order given and names unknown ones with the choices', () => {
    const all = [scenario('a'), scenario('b'), scenario('c')];
    expect(select(all, []).map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(select(all, ['c', 'a']).map((s) => s.name)).toEqual(['c', 'a']);
    expect(() => select(all, ['a', 'nope', 'zip'])).toThrow(ScenarioError);
    expect(() => select(all, ['nope'])).toThrow("Unknown scenario 'nope'. Available: a, b, c");
  });

  it('judges against targets in either direction, and never passes a skipped scenario', () => {
    expect(judge('t', { value: 120, unit: 'ev/s', target: 100 }).status).toBe('pass');
    expect(judge('t', { value: 99, unit: 'ev/s', target: 100 }).status).toBe('fail');
    expect(judge('t', { value: 80, unit: 'ms', target: 100, better: 'lower' }).status).toBe('pass');
    expect(judge('t', { value: 120, unit: 'ms', target: 100, better: 'lower' }).status).toBe('fail');
    expect(judge('t', { value: 5, unit: 'MB' }).status).toBe('report');
    expect(judge('t', { skipped: 'no database' })).toEqual({
      name: 't',
      status: 'skipped',
      note: 'no database',
    });
  });

  it('reads scenario names, --repeat and --help, and names a bad option or count', () => {
    expect(parseArguments(['--', 'a', 'b'])).toEqual({ names: ['a', 'b'], repeat: 1, help: false });
    expect(parseArguments(['--repeat', '5', 'a'])).toEqual({ names: ['a'], repeat: 5, help: false });
    expect(parseArguments(['a', '--repeat=3'])).toEqual({ names: ['a'], repeat: 3, help: false });
    expect(parseArguments(['-h']).help).toBe(true);
    for (const bad of [
      ['--repeat'],
      ['--repeat', '0'],
      ['--repeat', '2.5'],
      ['--repeat=51'],
      ['--repeat', 'x'],
    ])
      expect(() => parseArguments(bad)).toThrow(/--repeat takes a whole number of runs from 1 to 50/);
    expect(() => parseArguments(['--fast'])).toThrow(new ScenarioError('Unknown option --fast; see --help'));
  });

  it('reports the median of repeated runs, the worse middle one of an even count', () => {
    const runs = (values: number[], better?: 'lower') =>
      values.map((value, i) => judge('t', { value, unit: 'x', target: 100, better, details: { run: i } }));
    const odd = medianRun(runs([90, 120, 101]));
    expect(odd).toMatchObject({ value: 101, status: 'pass', details: { run: 2, runs: [90, 120, 101] } });
    expect(medianRun(runs([99, 120, 101, 90]))).toMatchObject({ value: 99, status: 'fail' });
    expect(medianRun(runs([99, 120, 101, 90], 'lower'))).toMatchObject({ value: 101, status: 'fail' });
    expect(medianRun(runs([80, 95, 300], 'lower'))).toMatchObject({ value: 95, status: 'pass' });
    expect(medianRun(runs([42]))).toEqual(runs([42])[0]);
  });

  it('turns a repeated scenario into an error or a skip when any run was one', () => {
    const ok = judge('t', { value: 1, unit: 'x' });
    const broken = { name: 't', status: 'error' as const, note: 'it threw' };
    expect(medianRun([ok, broken, ok])).toEqual({ ...broken, note: 'run 2 of 3: it threw' });
    const skipped = judge('t', { skipped: 'no database' });
    expect(medianRun([skipped, skipped])).toEqual(skipped);
    expect(() => medianRun([])).toThrow(RangeError);
  });

  it('prints an aligned table with the result of each row', () => {
    const text = table([
      judge('sqlite-append', { value: 123456, unit: 'events/s', target: 100000 }),
      judge('postgres-append', { skipped: 'set BENCH_DATABASE_URL' }),
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^scenario +value +unit +target +result$/);
    expect(lines[2]).toMatch(/^sqlite-append +123,456 +events\/s +>= 100,000 +pass$/);
    expect(lines[3]).toMatch(/^postgres-append +skipped: set BENCH_DATABASE_URL$/);
    expect(lines[2]!.indexOf('events/s')).toBe(lines[0]!.indexOf('unit'));
  });

  it('describes the machine', () => {
    expect(machine()).toMatchObject({
      cores: expect.any(Number),
      memoryMb: expect.any(Number),
      node: process.version,
    });
  });

  it('runs each scenario in a process of its own and reports what it measured or why it failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ta-bench-test-'));
    try {
      const write = (file: string, run: string) =>
        writeFileSync(
          join(dir, file),
          `export const name = '${file.replace('.ts', '')}';\nexport const description = 'd';\nexport async function run(context) {\n${run}\n}\n`,
        );
      write('own-process.ts', "context.log('measuring'); return { value: process.pid, unit: 'pid' };");
      write('throws.ts', "throw new Error('no fixture here');");
      write('dies.ts', "process.stderr.write('about to die\\n'); process.exit(3);");
      write('lingers.ts', "setInterval(() => {}, 1000); return { value: 1, unit: 'x', target: 2 };");
      const scenarios = await loadScenarios(dir);
      const logged: string[] = [];
      const rows = await Promise.all(scenarios.map((s) => runIsolated(s, (m) => logged.push(m))));
      const byName = new Map(rows.map((r) => [r.name, r]));
      expect(byName.get('own-process')).toMatchObject({ status: 'report', unit: 'pid' });
      expect(byName.get('own-process')!.value).not.toBe(process.pid);
      expect(logged).toContain('own-process: measuring');
      expect(byName.get('throws')).toEqual({ name: 'throws', status: 'error', note: 'no fixture here' });
      expect(byName.get('dies')).toEqual({
        name: 'dies',
        status: 'error',
        note: 'the scenario process ended (exit code 3) without a result: about to die',
      });
      expect(byName.get('lingers')).toMatchObject({ status: 'fail', value: 1, target: 2 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
