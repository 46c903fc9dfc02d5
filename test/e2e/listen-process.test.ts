// `telegram-archive listen` as a real child process: killed with SIGKILL after an append but before
// the update state was saved, then restarted: nothing lost, nothing duplicated. SIGTERM exits 0.

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { EventStore } from '../../src/eventstore/port.ts';
import { readRoleStatus } from '../../src/health/status-file.ts';
import { UpdateStateFile } from '../../src/ingest/index.ts';
import { writeSession } from '../../src/telegram/session-file.ts';
import { BIN } from '../support/cli.ts';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram/index.ts';
import { TEST_API_HASH } from '../support/gateway.ts';
import { eventsOf, openTestStore, tempDir } from '../support/listener.ts';
import { waitFor } from '../support/wait.ts';

interface Child {
  readonly process: ChildProcess;
  stderr: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('listen process', () => {
  let fake: FakeTelegram;
  let dataDir: string;
  let store: EventStore;
  const children: Child[] = [];

  beforeEach(async () => {
    fake = await startFakeTelegram();
    dataDir = tempDir();
    writeSession(join(dataDir, 'session'), fake.sessionString);
    store = openTestStore(dataDir);
  });
  afterEach(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    children.length = 0;
    await store.close();
    await fake.close();
  });

  const start = (): Child => {
    const process_ = spawn(process.execPath, [BIN, 'listen'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TELEGRAM_API_ID: '12345',
        TELEGRAM_API_HASH: TEST_API_HASH,
        TELEGRAM_TEST_SERVER: fake.address,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const child: Child = {
      process: process_,
      stderr: '',
      exited: new Promise((resolve) => process_.on('exit', (code, signal) => resolve({ code, signal }))),
    };
    process_.stderr!.on('data', (chunk) => {
      child.stderr += chunk;
    });
    children.push(child);
    return child;
  };
  const ready = (child: Child) =>
    waitFor(() => child.stderr.includes('Listening as user'), 'the listener to be ready', 20_000);
  const created = async () =>
    (await eventsOf(store, 'MessageCreated')).map((e) => (e.data as { text: string }).text);
  const savedPts = () => new UpdateStateFile(dataDir, String(fake.world.me.id)).load()?.common.pts;

  it('loses and duplicates nothing when killed between an append and the state save', async () => {
    const alice = fake.world.addUser({ firstName: 'Alice' });
    const first = start();
    await ready(first);
    const ptsAtStart = savedPts();
    expect(ptsAtStart).toBe(fake.world.common.pts);

    const one = fake.world.sendMessage(alice, { text: 'one' });
    await waitFor(async () => (await created()).includes('one'), 'the first append', 10_000, 2);
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // The precondition of this test: the event is in the store, the saved pts does not cover it yet.
    expect(savedPts()).toBe(ptsAtStart);

    fake.world.sendMessage(alice, { text: 'two, while down' });
    fake.world.editMessage(one, { text: 'one (edited while down)' });
    const second = start();
    await ready(second);
    await waitFor(
      async () => (await eventsOf(store, 'MessageEdited')).length === 1,
      'the edit made while down',
      15_000,
    );
    expect((await created()).sort()).toEqual(['one', 'two, while down']);
    expect(await eventsOf(store, 'MessageEdited')).toHaveLength(1);
    expect(readRoleStatus(dataDir, 'listener')?.state).toBe('connected');

    second.process.kill('SIGTERM');
    const started = Date.now();
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(savedPts()).toBe(fake.world.common.pts);
    expect(second.stderr).not.toContain('one (edited');
    expect(readRoleStatus(dataDir, 'listener')?.state).toBe('stopped');
  });

  it('shows a lost connection in its health status until Telegram is back', async () => {
    const child = start();
    await ready(child);
    expect(readRoleStatus(dataDir, 'listener')?.state).toBe('connected');

    await fake.server.setOnline(false);
    const lost = await waitFor(
      () =>
        readRoleStatus(dataDir, 'listener')?.state === 'disconnected'
          ? readRoleStatus(dataDir, 'listener')
          : undefined,
      'the status to say disconnected',
      20_000,
    );
    expect(lost.detail).toMatch(/connection (lost|broken)/);

    await fake.server.setOnline(true);
    await waitFor(
      () => readRoleStatus(dataDir, 'listener')?.state === 'connected',
      'the status to say connected again',
      30_000,
    );
    child.process.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
  });
});
