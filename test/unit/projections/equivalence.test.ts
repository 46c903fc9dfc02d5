// On a generated history of 10,000 events (edits, deletions, reactions, pins, media, migrations…):
// projecting in small batches, delivering every batch twice, and rebuilding in one go all give the
// same rows, ids and search index, on SQLite and on PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateEvents } from '../../../bench/generator.ts';
import type { ReadModelCopy, ReadModelLocation } from '../../../projections/db/open.ts';
import { rebuildReadModel } from '../../../projections/manage.ts';
import { openReadModel } from '../../../projections/read-model.ts';
import { ProjectionRunner } from '../../../projections/runner.ts';
import { EVENT_TYPES } from '../../../src/events/catalogue.ts';
import type { StoredEvent } from '../../../src/events/envelope.ts';
import { MemoryEventStore } from '../../../src/eventstore/memory.ts';
import { createTestDatabase, describePostgres } from '../../support/postgres.ts';
import { dump, expectSameDump, freshCopy, orphans, projectAll } from './support.ts';

let store: MemoryEventStore;
let events: StoredEvent[];

beforeAll(async () => {
  store = new MemoryEventStore();
  const generated = generateEvents({ totalEvents: 10_000, seed: 'projection-equivalence' });
  for (let i = 0; i < generated.length; i += 500) {
    const requests = generated.slice(i, i + 500).map((g) => ({ stream: g.stream, events: [g.event] }));
    await store.appendBatch(requests);
  }
  events = await store.readAll();
});

function suite(location: () => ReadModelLocation, copiesAt: () => ReadModelLocation) {
  let incremental: Record<string, unknown[]>;
  const open: ReadModelCopy[] = [];
  const fresh = async () => {
    const copy = await freshCopy(location());
    open.push(copy);
    return copy;
  };
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
  });

  it('covers every event type', () => {
    expect(events.length).toBe(10_000);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
  });

  it('projects incrementally in small batches', async () => {
    const copy = await fresh();
    const runner = new ProjectionRunner({ store, copy, batchSize: 199 });
    expect(await runner.catchUp()).toBe(10_000);
    incremental = await dump(copy);
    expect(Object.entries(await orphans(copy)).filter(([, n]) => n > 0)).toEqual([]);
    const messages = incremental.messages as { versionCount: number; deletedAt: unknown }[];
    expect(messages.length).toBeGreaterThan(5000);
    expect(incremental.messageVersions!.length).toBeGreaterThan(messages.length);
    expect(messages.some((m) => m.deletedAt !== null)).toBe(true);
    for (const table of [
      'reactions',
      'reactionSnapshots',
      'pins',
      'media',
      'messageMedia',
      'userNames',
      'backfillRuns',
    ])
      expect(incremental[table]!.length).toBeGreaterThan(0);
    expect(incremental.search!.length).toBeGreaterThan(5000);
    expect(incremental.checkpoints).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ position: events.at(-1)!.globalPosition, eventCount: 10_000 }),
      ]),
    );
  });

  it('gives identical rows when every batch is delivered twice', async () => {
    const copy = await fresh();
    await projectAll(copy, events, { batchSize: 250, twice: true });
    expectSameDump(await dump(copy), incremental);
  });

  it('gives identical rows when rebuilt in one pass', async () => {
    const copy = await fresh();
    await projectAll(copy, events);
    expectSameDump(await dump(copy), incremental);
  });

  it('gives identical rows when rebuilt by `projections rebuild` (indexes and search built at the end)', async () => {
    const result = await rebuildReadModel({ location: copiesAt(), store, batchSize: 1000 });
    expect(result).toMatchObject({ complete: true, switched: true, events: 10_000 });
    const copy = await openReadModel(copiesAt());
    open.push(copy);
    expectSameDump(await dump(copy), incremental);
  });
}

describe('equivalence on SQLite', () => {
  const directory = mkdtempSync(join(tmpdir(), 'equivalence-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  suite(
    () => ({ kind: 'sqlite', directory: ':memory:' }),
    () => ({ kind: 'sqlite', directory }),
  );
});

describePostgres('equivalence on PostgreSQL', () => {
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase('rm_equiv');
  });
  afterAll(async () => {
    await db.drop();
  });
  suite(
    () => ({ kind: 'postgres', url: db.url }),
    () => ({ kind: 'postgres', url: db.url }),
  );
});
