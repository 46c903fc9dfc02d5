// `telegram-archive projections …` as a user runs it: the real binary in child processes against a
// temporary DATA_DIR with the embedded SQLite event store and read model.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chunks, type GeneratedEvent, generateArchive, toAppendRequests } from '../../bench/generator.ts';
import { openReadModel } from '../../projections/read-model.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { BIN, runBin } from '../support/cli.ts';
import { waitFor } from '../support/wait.ts';

let root: string;
let dataDir: string;
const archive: GeneratedEvent[] = [...generateArchive({ seed: 'projections-cli', totalEvents: 900 })];

async function append(list: readonly GeneratedEvent[]): Promise<void> {
  const store = openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
  for (const chunk of chunks(list, 300)) await store.appendBatch(toAppendRequests(chunk));
  await store.close();
}

const cli = (...args: string[]) => runBin(['projections', ...args, '--data-dir', dataDir], { cwd: root });

async function messageCount(): Promise<number> {
  const copy = await openReadModel({ kind: 'sqlite', directory: join(dataDir, 'read-model') });
  try {
    const [row] = await copy.query<{ n: number }>('select count(*) as n from messages');
    return row!.n;
  } finally {
    await copy.close();
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'projections-cli-'));
  dataDir = join(root, 'data');
  mkdirSync(dataDir);
  await append(archive.slice(0, 500));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('telegram-archive projections', () => {
  it('rebuilds the read model from the log and reports it caught up', async () => {
    const rebuilt = await cli('rebuild');
    expect(rebuilt.stderr).not.toMatch(/error/i);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(
      /Rebuilt read_model_1 from 500 events in [\d.]+ s; readers switched to it/,
    );
    const status = await cli('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/\* read_model_1 \(active\)/);
    expect(status.stdout).toMatch(/behind: +caught up/);
    expect(status.stdout).toMatch(/500 events applied/);
  });

  it('shows how far a copy is behind the log', async () => {
    await append(archive.slice(500, 600));
    const status = await cli('status', '--json');
    const parsed = JSON.parse(status.stdout);
    expect(parsed.copies[0]).toMatchObject({ name: 'read_model_1', active: true, behind: 100, outdated: [] });
  });

  it('builds without switching, switches on request, refuses unknown copies, cleans up', async () => {
    expect((await cli('rebuild', '--no-switch')).stdout).toMatch(
      /Rebuilt read_model_2 from 600 events.*not switched/,
    );
    const wrong = await cli('switch', 'read_model_9');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/No read-model copy 'read_model_9' \(copies: read_model_1, read_model_2\)/);
    expect((await cli('switch')).stdout).toMatch(/Readers now use read_model_2 \(was read_model_1\)/);
    expect((await cli('cleanup')).stdout).toMatch(/Kept read_model_1: written to within the last minute/);
    expect((await cli('cleanup', '--force')).stdout).toMatch(/Removed read_model_1/);
    expect((await cli('status')).stdout).not.toMatch(/read_model_1/);
  });

  it('rejects bad options with usage errors', async () => {
    const bad = await cli('run', '--skip-event', 'not-an-id');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--skip-event 'not-an-id' is not an event id/);
    expect((await cli('rebuild', '--batch-size', '-3')).code).toBe(2);
  });

  it('runs continuously: follows new events until interrupted', async () => {
    const child = spawn(process.execPath, [BIN, 'projections', 'run', '--data-dir', dataDir], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await waitFor(() => stderr.includes('Projecting'), 'the projector to start', 20_000);
      const before = await messageCount();
      await append(archive.slice(600));
      await waitFor(async () => (await messageCount()) > before, 'new messages projected', 20_000);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });
});
