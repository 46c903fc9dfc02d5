// The PostgreSQL adapter: the shared contract, plus what only a server shows: a global reader that
// never skips an event committed late, NOTIFY across connections, concurrent schema creation, and
// an unreachable server reported without its password.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import type { StoredEvent } from '../../src/events/envelope.ts';
import { peer, streams } from '../../src/events/peers.ts';
import { EventIdConflictError, StoreUnavailableError } from '../../src/eventstore/errors.ts';
import {
  openPostgresEventStore,
  type PostgresEventStore,
  type PostgresEventStoreOptions,
  readAllQuery,
} from '../../src/eventstore/postgres.ts';
import { createTestDatabase, describePostgres } from '../support/postgres.ts';
import { sampleEvent } from '../support/sample-events.ts';
import { waitFor } from '../support/wait.ts';
import { eventStoreContract } from './eventstore-contract.ts';

let database: { url: string; drop: () => Promise<void> } | undefined;
let schemas = 0;
const nextSchema = () => `es_${process.pid}_${++schemas}`;

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: database!.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const dropSchema = (schema: string) => withAdmin((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const messageStream = (n: number) => streams.message('1', peer('channel', '7'), n);
const pinned = (count: number) => Array.from({ length: count }, () => sampleEvent('MessagePinned'));

/** (transaction id, position) from our own token, for checking the order in tests only. */
const orderKey = (position: string): [bigint, bigint] => {
  const [transaction, sequence] = position.split(':');
  return [BigInt(transaction!), BigInt(sequence!)];
};
/** A reader polling readAll all along, as a live consumer does; stopWhen waits until it has `total`. */
function pollAll(
  reader: PostgresEventStore,
  limit: number,
): { seen: StoredEvent[]; stopWhen(total: number): Promise<void> } {
  const seen: StoredEvent[] = [];
  let after: string | undefined;
  let reading = true;
  const polling = (async () => {
    while (reading) {
      const page = await reader.readAll({ after, limit });
      seen.push(...page);
      if (page.length > 0) after = page.at(-1)!.globalPosition;
      else await reader.waitForEvents(after, { timeoutMs: 20 });
    }
  })();
  return {
    seen,
    async stopWhen(total) {
      await waitFor(() => seen.length >= total, 'the reader to catch up');
      reading = false;
      await polling;
    },
  };
}

const ascending = (list: readonly StoredEvent[]) =>
  list.every((e, i) => {
    if (i === 0) return true;
    const [t1, p1] = orderKey(list[i - 1]!.globalPosition);
    const [t2, p2] = orderKey(e.globalPosition);
    return t1 < t2 || (t1 === t2 && p1 < p2);
  });

describePostgres('postgres event store', () => {
  beforeAll(async () => {
    database = await createTestDatabase('es');
  });
  afterAll(async () => {
    await database?.drop();
  });

  const open = (options: Partial<PostgresEventStoreOptions> = {}) =>
    openPostgresEventStore({ url: database!.url, pollIntervalMs: 50, ...options });

  eventStoreContract('postgres', async (options) => {
    const schema = nextSchema();
    const store = await open({ schema, upcasters: options?.upcasters });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
      corrupt: async (eventId) => {
        await withAdmin((c) =>
          c.query(`UPDATE "${schema}".events SET data = '"truncated"' WHERE event_id = $1`, [eventId]),
        );
      },
    };
  });

  describe('global order under concurrent writers', () => {
    test('a reader never skips events whose transactions commit in reverse order', async () => {
      const schema = nextSchema();
      const writers = 5;
      const arrived = Array.from({ length: writers }, deferred);
      const release = Array.from({ length: writers }, deferred);
      let holding = 0;
      const writer = await open({
        schema,
        poolSize: writers + 2,
        beforeCommit: async () => {
          const mine = holding++;
          arrived[mine]!.resolve();
          await release[mine]!.promise;
        },
      });
      const reader = await open({ schema });
      try {
        const seen: StoredEvent[] = [];
        let after: string | undefined;
        let reading = true;
        const poll = async () => {
          while (reading) {
            const page = await reader.readAll({ after, limit: 4 });
            seen.push(...page);
            if (page.length > 0) after = page.at(-1)!.globalPosition;
            else await reader.waitForEvents(after, { timeoutMs: 20 });
          }
        };
        const polling = poll();

        // Writer i starts once writer i-1 holds its open transaction, rows inserted, not committed.
        const appends: Promise<unknown>[] = [];
        const written: string[][] = [];
        for (let i = 0; i < writers; i++) {
          const batch = pinned(3);
          written.push(batch.map((e) => e.id));
          appends.push(writer.append(messageStream(i + 1), batch));
          await arrived[i]!.promise;
        }
        for (let i = writers - 1; i >= 1; i--) {
          release[i]!.resolve();
          await appends[i];
          // Committed, and a reader by position alone would already see it past the older open rows...
          const naive = await withAdmin((c) =>
            c.query<{ id: string }>(`SELECT event_id::text AS id FROM "${schema}".events ORDER BY position`),
          );
          expect(naive.rows.map((r) => r.id)).toEqual(written.slice(i).flat());
          // ...but the global log holds it back while writer 0's older transaction is still open.
          expect(await reader.readAll()).toEqual([]);
          expect(await reader.headPosition()).toBeUndefined();
        }
        expect(seen).toEqual([]);
        release[0]!.resolve();
        await appends[0];
        await waitFor(() => seen.length >= writers * 3, 'the reader to see every event');
        reading = false;
        await polling;
        expect(seen.map((e) => e.id)).toEqual(written.flat());
        expect(ascending(seen)).toBe(true);
        expect(await reader.headPosition()).toBe(seen.at(-1)!.globalPosition);
      } finally {
        for (const r of release) r.resolve();
        await writer.close();
        await reader.close();
        await dropSchema(schema);
      }
    });

    test('many writers with delayed commits: a polling reader sees every event exactly once, in order', async () => {
      const schema = nextSchema();
      const writer = await open({
        schema,
        poolSize: 10,
        // Deliberately uneven commit delays, so that transactions overtake each other.
        beforeCommit: () => new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 25))),
      });
      const reader = await open({ schema });
      try {
        const poller = pollAll(reader, 10);
        const seen = poller.seen;
        const total = 8 * 6 * 2;
        await Promise.all(
          Array.from({ length: 8 }, async (_, w) => {
            for (let round = 0; round < 6; round++)
              await writer.appendBatch([
                { stream: messageStream(100 + w), events: pinned(1) },
                { stream: messageStream(200 + round), events: pinned(1) },
              ]);
          }),
        );
        await poller.stopWhen(total);
        const all = await reader.readAll();
        expect(all).toHaveLength(total);
        expect(seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
        expect(new Set(seen.map((e) => e.id)).size).toBe(total);
        expect(ascending(seen)).toBe(true);
      } finally {
        await writer.close();
        await reader.close();
        await dropSchema(schema);
      }
    });
  });

  describe('pipelined appends', () => {
    test('concurrent writers without pauses: a polling reader sees every event exactly once, in order', async () => {
      const schema = nextSchema();
      const writer = await open({ schema, poolSize: 6 });
      const reader = await open({ schema });
      try {
        const poller = pollAll(reader, 25);
        const seen = poller.seen;
        // Every batch shares a stream with the others, so writers queue on its lock mid-pipeline.
        const total = 6 * 10 * 3;
        await Promise.all(
          Array.from({ length: 6 }, async (_, w) => {
            for (let round = 0; round < 10; round++)
              await writer.appendBatch([
                { stream: messageStream(300 + w), events: pinned(1) },
                { stream: messageStream(400), events: pinned(2) },
              ]);
          }),
        );
        await poller.stopWhen(total);
        expect(new Set(seen.map((e) => e.id)).size).toBe(total);
        expect(ascending(seen)).toBe(true);
        const shared = await reader.readStream(messageStream(400));
        expect(shared.map((e) => e.streamVersion)).toEqual(Array.from({ length: 120 }, (_, i) => i));
      } finally {
        await writer.close();
        await reader.close();
        await dropSchema(schema);
      }
    });

    test('an insert refused by the server rolls back cleanly; the retry reports the conflict', async () => {
      const schema = nextSchema();
      const inserted = deferred();
      const release = deferred();
      const slow = await open({
        schema,
        beforeCommit: async () => {
          inserted.resolve();
          await release.promise;
        },
      });
      const fast = await open({ schema, poolSize: 1 });
      try {
        const shared = sampleEvent('MessagePinned');
        const first = slow.append(messageStream(1), [shared]);
        await inserted.promise;
        // Its lookup cannot see the open transaction's row; its insert waits on the id's index
        // entry and fails once that transaction commits. The retry finds the committed event.
        const second = fast.append(messageStream(2), [sampleEvent('MessagePinned'), shared]).catch((e) => e);
        await new Promise((resolve) => setTimeout(resolve, 200));
        release.resolve();
        await first;
        const error = await second;
        expect(error).toBeInstanceOf(EventIdConflictError);
        expect(error).toMatchObject({ eventId: shared.id });
        expect(await fast.readStream(messageStream(2))).toEqual([]);
        // The one pipelined connection is usable again: nothing of the failed attempt is left open.
        const next = await fast.append(messageStream(2), pinned(1), { expectedVersion: 'no-stream' });
        expect(next.currentVersion).toBe(0);
        expect((await fast.readAll()).map((e) => e.stream)).toEqual([messageStream(1), messageStream(2)]);
      } finally {
        release.resolve();
        await slow.close();
        await fast.close();
        await dropSchema(schema);
      }
    });
  });

  describe('transactions that write no events', () => {
    test('an unrelated open transaction does not hold readers back', async () => {
      const schema = nextSchema();
      const store = await open({ schema });
      const bystander = new pg.Client({ connectionString: database!.url });
      await bystander.connect();
      try {
        await bystander.query('BEGIN');
        // Taking a transaction id is what would hold back a reader that waits for pg_snapshot_xmin.
        await bystander.query('SELECT pg_current_xact_id()');
        const written = await store.append(messageStream(1), pinned(2));
        const read = await store.readAll();
        expect(read.map((e) => e.id)).toEqual(written.events.map((e) => e.id));
        expect(await store.headPosition()).toBe(written.events[1]!.globalPosition);
        expect(await store.waitForEvents(undefined, { timeoutMs: 1_000 })).toBe(true);
      } finally {
        await bystander.query('ROLLBACK');
        await bystander.end();
        await store.close();
        await dropSchema(schema);
      }
    });
  });

  describe('notifications and schema', () => {
    test('a reader on another connection is woken by NOTIFY, not by polling', async () => {
      const schema = nextSchema();
      const writer = await open({ schema });
      const reader = await open({ schema, pollIntervalMs: 600_000 });
      try {
        const head = await reader.headPosition();
        // Let the LISTEN connection settle first: the wait below must be woken by the notification.
        expect(await reader.waitForEvents(head, { timeoutMs: 200 })).toBe(false);
        const waiting = reader.waitForEvents(head, { timeoutMs: 20_000 });
        const started = Date.now();
        await writer.append(messageStream(1), pinned(1));
        expect(await waiting).toBe(true);
        expect(Date.now() - started).toBeLessThan(10_000);
      } finally {
        await writer.close();
        await reader.close();
        await dropSchema(schema);
      }
    });

    test('schema creation is idempotent, versioned, and safe when several processes open at once', async () => {
      const schema = nextSchema();
      const stores: PostgresEventStore[] = await Promise.all([1, 2, 3].map(() => open({ schema })));
      try {
        await stores[0]!.append(messageStream(1), pinned(2));
        await Promise.all(stores.map((s) => s.close()));
        const again = await open({ schema });
        expect(await again.readAll()).toHaveLength(2);
        await again.close();
        const versions = await withAdmin((c) =>
          c.query<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations`),
        );
        expect(versions.rows).toEqual([{ version: 1 }, { version: 2 }]);

        await withAdmin((c) => c.query(`INSERT INTO "${schema}".schema_migrations (version) VALUES (99)`));
        const error = await open({ schema }).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect(error!.message).toMatch(/version 99, newer than this build knows/);
      } finally {
        await dropSchema(schema);
      }
    });

    test('migrates a version 1 schema: events kept, stream names compared in byte order', async () => {
      const schema = nextSchema();
      try {
        // The version 1 layout as it was created, with a stream name whose order depends on collation.
        await withAdmin(async (c) => {
          await c.query(`CREATE SCHEMA "${schema}"`);
          await c.query(`CREATE TABLE "${schema}".schema_migrations (
            version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
          await c.query(`CREATE TABLE "${schema}".events (
            position bigint GENERATED ALWAYS AS IDENTITY,
            transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
            event_id uuid NOT NULL UNIQUE, stream text NOT NULL, stream_version integer NOT NULL,
            type text NOT NULL, data json NOT NULL, metadata json NOT NULL,
            recorded_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (stream, stream_version), PRIMARY KEY (transaction_id, position))`);
          await c.query(`INSERT INTO "${schema}".schema_migrations (version) VALUES (1)`);
        });
        const old = sampleEvent('MessagePinned');
        await withAdmin((c) =>
          c.query(
            `INSERT INTO "${schema}".events (event_id, stream, stream_version, type, data, metadata)
             VALUES ($1, $2, 0, $3, $4, $5)`,
            [
              old.id,
              messageStream(1),
              old.type,
              JSON.stringify(old.data),
              JSON.stringify({ schemaVersion: 1 }),
            ],
          ),
        );
        const store = await open({ schema });
        try {
          await store.append(messageStream(2), pinned(1));
          expect((await store.readAll({ streamPrefix: 'message-1.c7.1' })).map((e) => e.id)).toEqual([
            old.id,
          ]);
          expect(await store.readAll({ streamPrefix: 'message-1.c7.' })).toHaveLength(2);
        } finally {
          await store.close();
        }
        const facts = await withAdmin(async (c) => ({
          versions: (await c.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`))
            .rows,
          collation: (
            await c.query(
              `SELECT collation_name FROM information_schema.columns
               WHERE table_schema = $1 AND table_name = 'events' AND column_name = 'stream'`,
              [schema],
            )
          ).rows[0].collation_name,
        }));
        expect(facts).toEqual({ versions: [{ version: 1 }, { version: 2 }], collation: 'C' });
      } finally {
        await dropSchema(schema);
      }
    });

    test('a stream prefix read searches a range of the stream index instead of scanning the table', async () => {
      const schema = nextSchema();
      const store = await open({ schema });
      try {
        for (let batch = 0; batch < 20; batch++)
          await store.appendBatch(
            Array.from({ length: 50 }, (_, i) => ({
              stream: messageStream(batch * 50 + i + 1),
              events: pinned(2),
            })),
          );
        const plan = await withAdmin(async (c) => {
          await c.query(`ANALYZE "${schema}".events`);
          const { text } = readAllQuery(`"${schema}".events`, undefined, 'message-1.c7.12');
          const explain = await c.query(`EXPLAIN ${text}`, [
            '0',
            '0',
            100,
            '999999999',
            'message-1.c7.12',
            'message-1.c7.13',
          ]);
          return explain.rows.map((row) => row['QUERY PLAN']).join('\n');
        });
        expect(plan).toMatch(/Index Cond: \(\(stream >= .*\) AND \(stream < .*\)\)/);
        expect(plan).not.toMatch(/Seq Scan/);
      } finally {
        await store.close();
        await dropSchema(schema);
      }
    });

    test('uses the eventstore schema unless told otherwise; rejects an unsafe schema name', async () => {
      const store = await open();
      try {
        expect(store.description).toContain('schema eventstore');
        await store.append(messageStream(1), pinned(1));
        const count = await withAdmin((c) => c.query('SELECT count(*)::int AS n FROM eventstore.events'));
        expect(count.rows[0].n).toBe(1);
      } finally {
        await store.close();
        await dropSchema('eventstore');
      }
      await expect(open({ schema: 'x"; drop table y; --' })).rejects.toThrow(RangeError);
    });
  });
});

describe('postgres event store without a server', () => {
  test('an unreachable server is StoreUnavailableError, with the password redacted', async () => {
    const url = 'postgresql://archiver:s3cret-pass@127.0.0.1:1/archive';
    const error = await openPostgresEventStore({ url, connectTimeoutMs: 2_000 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error!.message).toContain('127.0.0.1:1');
    expect(error!.message).not.toContain('s3cret-pass');
    expect((error as StoreUnavailableError).location).not.toContain('s3cret-pass');
  });
});
