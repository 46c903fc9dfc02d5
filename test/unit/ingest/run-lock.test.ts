import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { acquireRunLock, RunLockBusyError } from '../../../src/ingest/backfill/run-lock.ts';
import { waitFor } from '../../support/wait.ts';

const HOLDER = fileURLToPath(new URL('../../support/hold-run-lock.ts', import.meta.url));

function holder(path: string): { child: ChildProcessWithoutNullStreams; output: () => string } {
  const child = spawn(process.execPath, [HOLDER, path], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return { child, output: () => output };
}
const exited = (child: ChildProcessWithoutNullStreams) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });

let dir: string;
let children: ChildProcessWithoutNullStreams[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lock-'));
});
afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  children = [];
  rmSync(dir, { recursive: true, force: true });
});

describe('run lock', () => {
  it('lets one process in at a time and names the holder to the others', async () => {
    const path = join(dir, 'backfill.lock');
    const first = holder(path);
    children.push(first.child);
    await waitFor(() => first.output().includes('LOCKED'), 'the first process to lock');

    const error = (() => {
      try {
        acquireRunLock(path, 'second');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RunLockBusyError);
    expect((error as RunLockBusyError).holder).toMatchObject({
      pid: first.child.pid,
      purpose: 'test holder',
    });
    expect((error as Error).message).toContain(`pid ${first.child.pid}`);

    const second = holder(path);
    children.push(second.child);
    expect(await exited(second.child)).toBe(3);
    expect(second.output()).toContain(`BUSY ${first.child.pid}`);

    first.child.stdin.write('release\n');
    await waitFor(() => first.output().includes('RELEASED'), 'the release');
    const lock = acquireRunLock(path, 'third');
    lock.release();
  });

  it('is free again as soon as a holder is killed, without any staleness timeout', async () => {
    const path = join(dir, 'backfill.lock');
    const first = holder(path);
    children.push(first.child);
    await waitFor(() => first.output().includes('LOCKED'), 'the first process to lock');
    expect(() => acquireRunLock(path, 'x')).toThrow(RunLockBusyError);
    first.child.kill('SIGKILL');
    await exited(first.child);
    const lock = acquireRunLock(path, 'after the crash');
    expect(() => acquireRunLock(path, 'same process, second time')).toThrow(RunLockBusyError);
    lock.release();
    acquireRunLock(path, 'again').release();
  });
});
