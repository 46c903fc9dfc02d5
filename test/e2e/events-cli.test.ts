// `telegram-archive events …` as a user runs it: the real binary in a child process, a temporary
// DATA_DIR with the embedded SQLite store, seeded with a generated archive.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chunks, type GeneratedEvent, generateArchive, toAppendRequests } from '../../bench/generator.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { BIN, runBin } from '../support/cli.ts';
import { createTestDatabase, describePostgres } from '../support/postgres.ts';
import { waitFor } from '../support/wait.ts';

const TOTAL = 1500;
let root: string;
let dataDir: string;
const events: GeneratedEvent[] = [];
/** Ids in log order: seeding appends each chunk grouped by stream. */
let logIds: string[] = [];

async function seed(path: string, list: readonly GeneratedEvent[]): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const store = openSqliteEventStore({ path });
  for (const chunk of chunks(list, 500)) await store.appendBatch(toAppendRequests(chunk));
  await store.close();
}

const run = (args: string[], dir = dataDir) => runBin(['events', ...args, '--data-dir', dir], { cwd: root });
const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
const freshDir = (name: string) => join(root, name);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ta-events-e2e-'));
  dataDir = join(root, 'data');
  events.push(...generateArchive({ seed: 'e2e', totalEvents: TOTAL }));
  logIds = [...chunks(events, 500)].flatMap((c) =>
    toAppendRequests(c).flatMap((r) => r.events.map((e) => e.id)),
  );
  await seed(join(dataDir, 'events.sqlite'), events);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('telegram-archive events', () => {
  it('has help for the group and its subcommands', async () => {
    const group = await runBin(['events', '--help']);
    expect(group.code).toBe(0);
    for (const sub of ['tail', 'show', 'export', 'import', 'copy'])
      expect(group.stdout).toContain(`  ${sub} `);
    const help = await runBin(['events', 'copy', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: telegram-archive events copy [options]');
    expect(help.stdout).toContain('--max-events <n>');
  });

  it('show prints a stream, forwards or backwards, readable or as JSONL', async () => {
    const stream = events.find((e) => e.event.type === 'MessageEdited')!.stream;
    const expected = events.filter((e) => e.stream === stream).map((e) => e.event.id);
    const readable = await run(['show', '--stream', stream]);
    expect(readable.code).toBe(0);
    const lines = readable.stdout.trim().split('\n');
    expect(lines).toHaveLength(expected.length);
    expect(lines[0]).toMatch(
      new RegExp(`^\\S+Z {2}#\\d+ {2}${stream.replaceAll('.', '\\.')}@0 {2}MessageCreated {2}\\{`),
    );
    const backwards = await run(['show', '--stream', stream, '--backwards', '--limit', '2', '--jsonl']);
    expect(jsonLines(backwards.stdout).map((e) => e.id)).toEqual(expected.reverse().slice(0, 2));
  });

  it('show explains a bad stream name or option and an empty stream', async () => {
    const bad = await run(['show', '--stream', 'message-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Invalid stream name 'message-1'");
    const limit = await run(['show', '--stream', 'chat-1.u1', '--limit', 'ten']);
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain("--limit must be a whole number of at least 1, not 'ten'");
    const empty = await run(['show', '--stream', 'chat-1.u1']);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain("No events in 'chat-1.u1'");
  });

  it('export then import reproduces the log in another store, and importing twice adds nothing', async () => {
    const file = join(root, 'backup.jsonl');
    const exported = await run(['export', '--jsonl', file]);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain(`Exported 1,500 events to ${file}.`);
    expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const lines = jsonLines(readFileSync(file, 'utf8'));
    expect(lines.map((e) => e.id)).toEqual(logIds);
    expect(lines[0].data).toEqual(events[0]!.event.data);

    const other = freshDir('imported');
    const imported = await run(['import', '--jsonl', file], other);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain('Imported 1,500 events from');
    expect(imported.stderr).toContain('(1,500 new, 0 already there)');
    const again = await run(['import', '--jsonl', file], other);
    expect(again.stderr).toContain('(0 new, 1,500 already there)');
    const reexported = await run(['export', '--jsonl', '-'], other);
    const copy = jsonLines(reexported.stdout);
    const shape = (e: { id: string; stream: string; streamVersion: number; type: string; data: unknown }) =>
      [e.id, e.stream, e.streamVersion, e.type, JSON.stringify(e.data)].join(' ');
    expect(copy.map(shape)).toEqual(lines.map(shape));
  });

  it('import refuses a file with bad lines, names them, and writes nothing', async () => {
    const file = join(root, 'bad.jsonl');
    const good = readFileSync(join(root, 'backup.jsonl'), 'utf8').trim().split('\n');
    writeFileSync(file, [good[0], good[1], 'not json', good[2], '{"type":"Nope"}'].join('\n'));
    const target = freshDir('bad-import');
    const result = await run(['import', '--jsonl', file], target);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bad.jsonl has bad lines; nothing was imported');
    expect(result.stderr).toContain('line 3: not valid JSON');
    expect(result.stderr).toContain("line 5: no 'stream'");
    expect(existsSync(join(target, 'events.sqlite'))).toBe(false);
    const missing = await run(['import', '--jsonl', join(root, 'nope.jsonl')], target);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.jsonl does not exist');
  });

  it('copy continues from its checkpoint after a partial run and verifies the result', async () => {
    const target = join(root, 'copy', 'events.sqlite');
    const source = join(dataDir, 'events.sqlite');
    const first = await run([
      'copy',
      '--from',
      source,
      '--to',
      target,
      '--batch-size',
      '200',
      '--max-events',
      '500',
    ]);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('copy paused at --max-events: 500 events this run');
    const checkpoints = readdirSync(dataDir).filter((f) => f.endsWith('.checkpoint.json'));
    expect(checkpoints).toHaveLength(1);
    const checkpoint = JSON.parse(readFileSync(join(dataDir, checkpoints[0]!), 'utf8'));
    expect(checkpoint).toMatchObject({ copied: 500, from: source, to: target });

    const second = await run(['copy', '--from', source, '--to', target, '--batch-size', '300']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('Resuming after 500 events');
    expect(second.stderr).toContain('Copied 1,000 events this run (1,000 new to the target), 1,500 in all');
    expect(second.stderr).toContain('Verified: 1,500 events, same ids, versions and order in both stores.');

    const restarted = await run(['copy', '--from', source, '--to', target, '--restart']);
    expect(restarted.code).toBe(0);
    expect(restarted.stderr).toContain('The target is not empty');
    expect(restarted.stderr).toContain('(0 new to the target)');
    expect(restarted.stderr).toContain('Verified: 1,500 events');
  });

  it('copy finds a target that does not match the source', async () => {
    const target = join(root, 'diverged.sqlite');
    await seed(target, [...generateArchive({ seed: 'something else', totalEvents: 20 })]);
    const result = await run(['copy', '--from', join(dataDir, 'events.sqlite'), '--to', target]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The logs differ after the copy: event #1');
  });

  it('copy explains bad locations and an unreachable server, without passwords', async () => {
    const source = join(dataDir, 'events.sqlite');
    const scheme = await run(['copy', '--from', 'mysql://u:p@db/x', '--to', 'x.sqlite']);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toContain("--from: Unsupported store URL scheme 'mysql:'");
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const down = await run([
      'copy',
      '--from',
      source,
      '--to',
      `esdb://admin:s3cret@127.0.0.1:${port}?tls=false`,
    ]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(
      `Event store at esdb://admin:***@127.0.0.1:${port}?tls=false is unreachable`,
    );
    expect(down.stderr).not.toContain('s3cret');
  });

  it('tail follows appends from another process and stops cleanly on SIGINT', async () => {
    const dir = freshDir('tail');
    const path = join(dir, 'events.sqlite');
    const [early, late] = [events.slice(0, 30), events.slice(30, 60)];
    await seed(path, early);
    const child = spawn(
      process.execPath,
      [BIN, 'events', 'tail', '--from-start', '--jsonl', '--type', 'MessageCreated', '--data-dir', dir],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const created = (list: GeneratedEvent[]) =>
      list.filter((e) => e.event.type === 'MessageCreated').map((e) => e.event.id);
    try {
      await waitFor(() => jsonLines(stdout).length === created(early).length, 'the early events', 15_000);
      await seed(path, late);
      await waitFor(
        () => jsonLines(stdout).length === created([...early, ...late]).length,
        'the events appended by another process',
        15_000,
      );
      expect(jsonLines(stdout).map((e) => e.id)).toEqual(created([...early, ...late]));
      expect(stderr).toContain('Following sqlite');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });
});

describePostgres('telegram-archive events with PostgreSQL', () => {
  let database: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    database = await createTestDatabase('ta_events_cli');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('copies SQLite to PostgreSQL and back, verified, and reads the configured PostgreSQL store', async () => {
    const source = join(dataDir, 'events.sqlite');
    const there = await run(['copy', '--from', source, '--to', database.url, '--batch-size', '400']);
    expect(there.stderr).toContain('Verified: 1,500 events, same ids, versions and order in both stores.');
    expect(there.code).toBe(0);
    const back = join(root, 'from-postgres', 'events.sqlite');
    const again = await run(['copy', '--from', database.url, '--to', back]);
    expect(again.stderr).toContain('Verified: 1,500 events');
    expect(again.code).toBe(0);

    const exported = await runBin(['events', 'export', '--jsonl', '-', '--data-dir', root], {
      cwd: root,
      env: { EVENT_STORE: 'postgres', EVENT_STORE_URL: database.url },
    });
    expect(exported.code).toBe(0);
    expect(jsonLines(exported.stdout).map((e) => e.id)).toEqual(logIds);
  });
});
