// Test support for the read model: an in-memory event log that hands out StoredEvents the way a
// store does (stream versions, opaque positions), and a compact event factory.
import type { EventPayloads, EventType } from '../../../src/events/catalogue.ts';
import type { EventMetadata, NewEvent, StoredEvent } from '../../../src/events/envelope.ts';
import { contentHash, eventId } from '../../../src/events/ids.ts';
import type { PeerRef } from '../../../src/events/peers.ts';
import { streams } from '../../../src/events/peers.ts';
import type { EventStore, ReadAllOptions, WaitOptions } from '../../../src/eventstore/port.ts';

export const ACCOUNT = '777';
export const channel: PeerRef = { kind: 'channel', id: '1001' };
export const alice: PeerRef = { kind: 'user', id: '42' };
export const group: PeerRef = { kind: 'group', id: '555' };

/** Keeps events as a store would: positions `p<n>`, 0-based versions per stream, ids deduplicated. */
export class EventLog {
  readonly events: StoredEvent[] = [];
  readonly #versions = new Map<string, number>();
  readonly #ids = new Set<string>();
  readonly #waiters = new Set<() => void>();

  append(stream: string, event: NewEvent): StoredEvent | undefined {
    if (this.#ids.has(event.id)) return undefined;
    this.#ids.add(event.id);
    const version = (this.#versions.get(stream) ?? -1) + 1;
    this.#versions.set(stream, version);
    const stored = {
      ...event,
      stream,
      streamVersion: version,
      globalPosition: `p${this.events.length + 1}`,
      sequence: this.events.length + 1,
      metadata: { ...event.metadata, schemaVersion: 1 },
      recordedAt: event.metadata.observedAt,
    } as unknown as StoredEvent;
    this.events.push(stored);
    for (const wake of this.#waiters) wake();
    return stored;
  }

  #indexAfter(after: string | undefined): number {
    if (after === undefined) return 0;
    const index = this.events.findIndex((e) => e.globalPosition === after);
    if (index < 0) throw new Error(`unknown position ${after}`);
    return index + 1;
  }

  /** A read-only EventStore view over this log. */
  store(): EventStore {
    return {
      description: 'test log',
      append: () => Promise.reject(new Error('read-only')),
      appendBatch: () => Promise.reject(new Error('read-only')),
      readStream: async (stream) => this.events.filter((e) => e.stream === stream),
      readAll: async (options: ReadAllOptions = {}) => {
        const from = this.#indexAfter(options.after);
        return this.events.slice(from, from + (options.limit ?? this.events.length));
      },
      headPosition: async () => this.events.at(-1)?.globalPosition,
      waitForEvents: (after: string | undefined, options: WaitOptions = {}) =>
        new Promise<boolean>((resolve) => {
          const check = () => this.#indexAfter(after) < this.events.length;
          if (check()) return resolve(true);
          const done = (value: boolean) => {
            this.#waiters.delete(wake);
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', abort);
            resolve(value);
          };
          const wake = () => check() && done(true);
          const abort = () => done(false);
          const timer = setTimeout(() => done(false), options.timeoutMs ?? 60_000);
          this.#waiters.add(wake);
          options.signal?.addEventListener('abort', abort);
        }),
      close: async () => {},
    };
  }
}

let clock = Date.parse('2024-05-01T10:00:00.000Z');
export const at = (minutes: number): string => new Date(clock + minutes * 60_000).toISOString();
export const resetClock = () => {
  clock = Date.parse('2024-05-01T10:00:00.000Z');
};

/** A NewEvent with a deterministic id; `observedAt` defaults to a fixed instant. */
export function make<T extends EventType>(
  stream: string,
  type: T,
  data: EventPayloads[T],
  options: { observedAt?: string; source?: EventMetadata['source']; discriminator?: string } = {},
): NewEvent {
  return {
    id: eventId(stream, type, options.discriminator ?? contentHash(data)),
    type,
    data,
    metadata: { source: options.source ?? 'live', observedAt: options.observedAt ?? at(0) },
  } as unknown as NewEvent;
}

export const messageStream = (chat: PeerRef, id: number) => streams.message(ACCOUNT, chat, id);
export const chatStream = (chat: PeerRef) => streams.chat(ACCOUNT, chat);

// ---- read-model helpers ----

import { applyBatch, initCheckpoints } from '../../../projections/apply.ts';
import { openCopy, type ReadModelCopy, type ReadModelLocation } from '../../../projections/db/open.ts';
import type { TableName } from '../../../projections/db/tables.ts';

let copies = 0;

/** An empty copy; SQLite in memory unless a location is given. */
export async function freshCopy(location: ReadModelLocation = { kind: 'sqlite', directory: ':memory:' }) {
  const copy = await openCopy(location, `read_model_${++copies}`, { create: true });
  await initCheckpoints(copy, 0);
  return copy;
}

/** Projects `events` in batches of `batchSize`; with `twice`, every batch is delivered a second time. */
export async function projectAll(
  copy: ReadModelCopy,
  events: readonly StoredEvent[],
  options: { batchSize?: number; twice?: boolean; skip?: ReadonlySet<string> } = {},
) {
  const size = options.batchSize ?? events.length;
  let position = (await rows<{ position: string | null }>(copy, 'checkpoints'))[0]?.position ?? null;
  const outcomes: Awaited<ReturnType<typeof applyBatch>>[] = [];
  for (let i = 0; i < events.length; i += size) {
    const batch = events.slice(i, i + size);
    const outcome = await applyBatch(copy, batch, position, { now: 0, skip: options.skip });
    outcomes.push(outcome);
    if (outcome.halted) return outcomes;
    if (options.twice) {
      // Redelivery: the same batch again from the checkpoint before it, as after a lost acknowledgement.
      await rewindCheckpoint(copy, position);
      outcomes.push(await applyBatch(copy, batch, position, { now: 0, skip: options.skip }));
    }
    position = outcome.checkpoint.position;
  }
  return outcomes;
}

/** Puts the checkpoint back (position only), as if the last commit's acknowledgement had been lost. */
async function rewindCheckpoint(copy: ReadModelCopy, position: string | null) {
  await copy.transaction(async (ops) => {
    const rows = await ops.select<Record<string, unknown>>(ops.tables.checkpoints, [], []);
    await ops.insert(
      ops.tables.checkpoints,
      rows.map((r) => ({ ...r, position })),
      'upsert',
    );
  });
}

export async function rows<T = Record<string, unknown>>(copy: ReadModelCopy, table: TableName): Promise<T[]> {
  return copy.read((ops) => ops.select<T>(ops.tables[table], [], []));
}

const TABLES: TableName[] = [
  'accounts',
  'unresolvedDeletions',
  'backfillRuns',
  'chats',
  'users',
  'userNames',
  'messages',
  'messageVersions',
  'reactions',
  'reactionSnapshots',
  'pins',
  'media',
  'messageMedia',
  'skippedEvents',
];

/** Every table (sorted by primary key) and the search index, for equality between copies. */
export async function dump(copy: ReadModelCopy): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of TABLES) {
    const key = copy.tables[name].primaryKey.map((c) => c.prop);
    const all = await rows<Record<string, unknown>>(copy, name);
    out[name] = all
      .map((r) => ({ k: JSON.stringify(key.map((p) => r[p])), r }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
      .map((x) => x.r);
  }
  const checkpoints = await rows<Record<string, unknown>>(copy, 'checkpoints');
  out.checkpoints = checkpoints
    .map(({ updatedAt: _ignored, ...rest }) => rest)
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  out.search = await searchIndex(copy);
  return out;
}

async function searchIndex(copy: ReadModelCopy): Promise<unknown[]> {
  if (copy.dialect === 'sqlite') {
    await copy.query(
      `create virtual table if not exists temp.fts_terms using fts5vocab(main, 'message_fts', 'instance')`,
    );
    return copy.query(`select doc, term, offset from temp.fts_terms order by doc, offset, term`);
  }
  return copy.query(
    `select message_pk, document::text as document from ${copy.searchTable} order by message_pk`,
  );
}

/** Asserts two dumps are equal; on a difference names the table and the first differing row. */
export function expectSameDump(actual: Record<string, unknown[]>, expected: Record<string, unknown[]>): void {
  for (const table of new Set([...Object.keys(actual), ...Object.keys(expected)])) {
    const a = actual[table] ?? [];
    const b = expected[table] ?? [];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const index = a.findIndex((row, i) => JSON.stringify(row) !== JSON.stringify(b[i]));
    const at = index < 0 ? Math.min(a.length, b.length) : index;
    throw new Error(
      `Table ${table} differs (${a.length} vs ${b.length} rows) at row ${at}:\n  got      ${JSON.stringify(a[at])}\n  expected ${JSON.stringify(b[at])}`,
    );
  }
}

/** Rows whose reference points at no row: the projector must never leave one behind. */
export async function orphans(copy: ReadModelCopy): Promise<Record<string, number>> {
  const t = copy.tables;
  const checks: Record<string, string> = {
    'messages.chat': `select count(*) as n from ${t.messages.sql} c where not exists (select 1 from ${t.chats.sql} p where p.id = c.chat_id)`,
    'chats.account': `select count(*) as n from ${t.chats.sql} c where not exists (select 1 from ${t.accounts.sql} p where p.id = c.account)`,
    'users.account': `select count(*) as n from ${t.users.sql} c where not exists (select 1 from ${t.accounts.sql} p where p.id = c.account)`,
    'user_names.user': `select count(*) as n from ${t.userNames.sql} c where not exists (select 1 from ${t.users.sql} p where p.id = c.user_pk)`,
    'media.sha256': `select count(*) as n from ${t.messageMedia.sql} c where not exists (select 1 from ${t.media.sql} p where p.sha256 = c.sha256)`,
  };
  for (const [name, table] of [
    ['message_versions', t.messageVersions],
    ['reactions', t.reactions],
    ['reaction_snapshots', t.reactionSnapshots],
    ['pins', t.pins],
    ['message_media', t.messageMedia],
  ] as const)
    checks[`${name}.message`] =
      `select count(*) as n from ${table.sql} c where not exists (select 1 from ${t.messages.sql} p where p.id = c.message_pk)`;
  checks['search.message'] =
    copy.dialect === 'sqlite'
      ? `select count(*) as n from ${copy.searchTable} c where not exists (select 1 from ${t.messages.sql} p where p.id = c.rowid)`
      : `select count(*) as n from ${copy.searchTable} c where not exists (select 1 from ${t.messages.sql} p where p.id = c.message_pk)`;
  const result: Record<string, number> = {};
  for (const [name, sql] of Object.entries(checks)) {
    const [row] = await copy.query<{ n: number | string }>(sql);
    result[name] = Number(row!.n);
  }
  return result;
}
