// Operating copies on both engines: run mode builds the first copy, a version change rebuilds into a
// new copy while the old one serves, readers follow the switch, cleanup removes the old copy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openCopyDirectory } from '../../../projections/copies.ts';
import { openCopy, type ReadModelLocation } from '../../../projections/db/open.ts';
import {
  cleanupReadModel,
  ReadModelCommandError,
  readModelStatus,
  rebuildReadModel,
  runProjections,
  switchReadModel,
} from '../../../projections/manage.ts';
import { ProjectionNotifier } from '../../../projections/notifications.ts';
import { ActiveReadModel, openReadModel } from '../../../projections/read-model.ts';
import type { ProjectionRunner } from '../../../projections/runner.ts';
import { MemoryEventStore } from '../../../src/eventstore/memory.ts';
import { createTestDatabase, describePostgres } from '../../support/postgres.ts';
import { waitFor } from '../../support/wait.ts';
import { at, channel, make, messageStream, rows } from './support.ts';

const created = (id: number) =>
  make(messageStream(channel, id), 'MessageCreated', {
    chat: channel,
    messageId: id,
    date: at(0),
    text: `message ${id}`,
    entities: [],
    outgoing: false,
  });

const append = (store: MemoryEventStore, ids: number[]) =>
  store.appendBatch(ids.map((id) => ({ stream: messageStream(channel, id), events: [created(id)] })));

async function messagesIn(location: ReadModelLocation, copyName: string): Promise<number> {
  const copy = await openCopy(location, copyName);
  try {
    return (await rows(copy, 'messages')).length;
  } finally {
    await copy.close();
  }
}

function suite(setup: () => Promise<{ location: ReadModelLocation; done: () => Promise<void> }>) {
  let location: ReadModelLocation;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ location, done } = await setup());
  });
  afterAll(async () => {
    await done();
  });

  it('has no active copy before the first run', async () => {
    await expect(openReadModel(location)).rejects.toThrow(/no copy is active yet/);
  });

  it('builds the first copy in run mode, follows the log, rebuilds on a version change, and readers follow', async () => {
    const store = new MemoryEventStore();
    await append(store, [1, 2]);
    const notifier = new ProjectionNotifier();
    const stop = new AbortController();
    let runner: ProjectionRunner | undefined;
    const running = runProjections({
      location,
      store,
      signal: stop.signal,
      notifier,
      onRunner: (r) => (runner = r),
    });
    await waitFor(() => runner?.copy.name === 'read_model_1', 'run mode on the first copy');
    await append(store, [3]);
    await waitFor(async () => (await messagesIn(location, 'read_model_1')) === 3, 'live event projected');
    const reader = await ActiveReadModel.open(location, { notifier, graceMs: 10 });
    expect((await reader.current()).name).toBe('read_model_1');

    // Status: one active, caught-up copy.
    const [status] = await readModelStatus(location, store);
    expect(status).toMatchObject({
      name: 'read_model_1',
      active: true,
      behind: 0,
      outdated: [],
      eventCount: 3,
    });

    // An old projection version in the active copy: run mode rebuilds into a new copy and switches.
    stop.abort();
    await running;
    const old = await openCopy(location, 'read_model_1');
    await old.transaction((ops) =>
      ops.update(ops.tables.checkpoints, 'version', [{ key: ['search'], value: 0 }]),
    );
    await old.close();
    expect((await readModelStatus(location, store))[0]!.outdated).toEqual(['search']);
    const again = new AbortController();
    const rerun = runProjections({
      location,
      store,
      signal: again.signal,
      notifier,
      onRunner: (r) => (runner = r),
    });
    await waitFor(() => runner?.copy.name === 'read_model_2', 'run mode on the rebuilt copy');
    expect(await messagesIn(location, 'read_model_2')).toBe(3);
    await waitFor(async () => (await reader.current()).name === 'read_model_2', 'reader follows the switch');
    await append(store, [4]);
    await waitFor(async () => (await messagesIn(location, 'read_model_2')) === 4, 'new copy follows the log');
    again.abort();
    await rerun;
    await reader.close();

    // The old copy is still there until cleanup.
    const directory = openCopyDirectory(location);
    expect(await directory.list()).toEqual(['read_model_1', 'read_model_2']);
    await directory.close();
    expect(await cleanupReadModel(location, { now: Date.now() })).toEqual({
      removed: [],
      kept: ['read_model_1'],
    });
    expect(await cleanupReadModel(location, { busyMs: 0 })).toEqual({ removed: ['read_model_1'], kept: [] });
  });

  it('rebuilds without switching on request, and switches only to an up-to-date copy unless forced', async () => {
    const store = new MemoryEventStore();
    await append(store, [1]);
    const result = await rebuildReadModel({ location, store, switchWhenDone: false });
    expect(result).toMatchObject({ copy: 'read_model_3', complete: true, switched: false, events: 1 });
    expect((await openReadModel(location).then(async (c) => [c.name, await c.close()]))[0]).toBe(
      'read_model_2',
    );
    await expect(switchReadModel(location, 'read_model_9')).rejects.toThrow(
      /No read-model copy 'read_model_9'/,
    );
    const copy = await openCopy(location, 'read_model_3');
    await copy.transaction((ops) =>
      ops.update(ops.tables.checkpoints, 'version', [{ key: ['messages'], value: 99 }]),
    );
    await copy.close();
    await expect(switchReadModel(location, 'read_model_3')).rejects.toThrow(ReadModelCommandError);
    expect(await switchReadModel(location, 'read_model_3', { force: true })).toEqual({
      from: 'read_model_2',
      to: 'read_model_3',
    });
  });

  it('never lets readers onto a rebuild that was interrupted', async () => {
    const store = new MemoryEventStore();
    await append(store, [1]);
    const stopped = new AbortController();
    stopped.abort();
    const result = await rebuildReadModel({ location, store, signal: stopped.signal });
    expect(result).toMatchObject({ copy: 'read_model_4', complete: false, switched: false });
    await expect(switchReadModel(location, 'read_model_4', { force: true })).rejects.toThrow(
      /rebuild did not finish/,
    );
    const status = (await readModelStatus(location, store)).find((c) => c.name === 'read_model_4');
    expect(status?.problem).toMatch(/rebuild did not finish/);
  });
}

describe('read-model copies on SQLite', () => {
  suite(async () => {
    const directory = mkdtempSync(join(tmpdir(), 'read-model-'));
    return {
      location: { kind: 'sqlite', directory },
      done: async () => rmSync(directory, { recursive: true }),
    };
  });
});

describePostgres('read-model copies on PostgreSQL', () => {
  suite(async () => {
    const db = await createTestDatabase('rm_copies');
    return { location: { kind: 'postgres', url: db.url }, done: db.drop };
  });
});
