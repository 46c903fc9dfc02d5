// The statements of a PostgreSQL append, built here so that postgres.ts only runs them. All but
// the lock statement are prepared: values travel as bind parameters, so the server neither lexes
// nor plans a statement that carries the batch as text, and parses each payload once, as the json
// it is stored as. Inserts come in size classes (powers of two) padded with NULL rows that the
// statement skips, so a connection keeps a handful of prepared statements whatever the batch.
import type pg from 'pg';
import type { GlobalPosition } from '../events/envelope.ts';
import {
  type AppendPlan,
  appendResults,
  batchIds,
  type PlannedRow,
  planAppend,
  putRowValues,
} from './plan.ts';
import type { AppendResult } from './port.ts';
import type { PreparedRequest } from './validate.ts';

/** First key of every advisory lock we take, so ours never collide with another application's. */
export const LOCK_CLASS = 0x74617276;

/** Rows per INSERT: 1,536 bind parameters, far below the protocol's 65,535. */
export const MAX_INSERT_ROWS = 256;

export type LookupRow = [string | null, string, string | null, string | null, number | null, string | null];
export type InsertedRow = [string, GlobalPosition];
export type NewRow = [string, string, number, GlobalPosition];

/** 32-bit FNV-1a of the stream name: the second key of the stream's advisory lock. */
export function lockKey(stream: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < stream.length; i++) {
    hash ^= stream.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/**
 * BEGIN and the streams' locks, in a fixed order so that writers never deadlock. Writers of one
 * stream queue here, so what a later statement reads of the stream stays true until COMMIT.
 */
export function beginAndLock(streams: readonly string[]): string {
  const keys = [...new Set(streams.map(lockKey))].sort((a, b) => a - b);
  return `BEGIN; SELECT pg_advisory_xact_lock(${LOCK_CLASS}, k) FROM unnest('{${keys.join(',')}}'::int[]) AS k`;
}

/** Stored events with one of the batch's ids, then each stream's version (kind 'v'). */
export function lookupQuery(
  table: string,
  name: string,
  requests: readonly PreparedRequest[],
): pg.QueryConfig {
  return {
    name,
    text: `SELECT event_id::text, stream, type, transaction_id::text || ':' || position, stream_version, NULL
        FROM ${table} WHERE event_id = ANY($1::uuid[])
      UNION ALL
      SELECT NULL, s, NULL, NULL, (SELECT max(stream_version) FROM ${table} WHERE stream = s), 'v'
        FROM unnest($2::text[]) AS s`,
    values: [batchIds(requests), requests.map((r) => r.stream)],
    rowMode: 'array',
  } as pg.QueryConfig;
}

/** Up to MAX_INSERT_ROWS planned rows; returns each id with its position. */
export function insertQuery(table: string, name: string, rows: readonly PlannedRow[]): pg.QueryConfig {
  const size = sizeClass(rows.length);
  const values: (string | number | null)[] = new Array(size * 6).fill(null);
  for (let i = 0; i < rows.length; i++) putRowValues(values, i * 6, rows[i]!);
  const tuples = placeholders(size, 0);
  return {
    name: `${name}${size}`,
    text: `INSERT INTO ${table} (event_id, stream, stream_version, type, data, metadata)
      SELECT i, s, v, t, d, m FROM (VALUES ${tuples}) AS x(i, s, v, t, d, m) WHERE i IS NOT NULL
      RETURNING event_id::text, transaction_id::text || ':' || position`,
    values,
    rowMode: 'array',
  } as pg.QueryConfig;
}

/**
 * What insertNewQuery can take: every request with events, each stream once, no id twice, one
 * statement. If none of its ids is stored, such a batch has a plain plan: each request's events at
 * its stream's next versions, in order.
 */
export function isPlainBatch(requests: readonly PreparedRequest[]): boolean {
  const streams = new Set<string>();
  const ids = new Set<string>();
  for (const { stream, events } of requests) {
    if (events.length === 0 || streams.has(stream)) return false;
    streams.add(stream);
    for (const { id } of events) {
      if (ids.has(id)) return false;
      ids.add(id);
    }
  }
  return ids.size <= MAX_INSERT_ROWS;
}

/**
 * A plain batch (isPlainBatch) in one statement: the lookup, the expected versions and the insert.
 * It inserts nothing unless no id is stored and every expected version holds; plainResults tells.
 * $1..$3 are each request's stream, expected version kind (0 any, 1 no-stream, 2 exists, 3
 * exactly) and version; then six values per event (id, stream, index in its request, type, data,
 * metadata). Each id is one probe of the id index (a subquery with LIMIT, which the planner cannot
 * turn into a join that scans the table), and rows are numbered so that positions follow the batch.
 */
export function insertNewQuery(
  table: string,
  name: string,
  requests: readonly PreparedRequest[],
): pg.QueryConfig {
  let count = 0;
  for (const request of requests) count += request.events.length;
  const size = sizeClass(count);
  const values: unknown[] = new Array(3 + size * 6).fill(null);
  const kinds: number[] = [];
  const expected: number[] = [];
  let at = 3;
  for (const { stream, events, expectedVersion } of requests) {
    kinds.push(
      expectedVersion === 'any'
        ? 0
        : expectedVersion === 'no-stream'
          ? 1
          : expectedVersion === 'exists'
            ? 2
            : 3,
    );
    expected.push(typeof expectedVersion === 'number' ? expectedVersion : 0);
    for (let k = 0; k < events.length; k++) {
      const event = events[k]!;
      values[at] = event.id;
      values[at + 1] = stream;
      values[at + 2] = k;
      values[at + 3] = event.type;
      values[at + 4] = event.data;
      values[at + 5] = event.metadata;
      at += 6;
    }
  }
  values[0] = requests.map((r) => r.stream);
  values[1] = kinds;
  values[2] = expected;
  const tuples = placeholders(size, 3, true);
  return {
    name: `${name}${size}`,
    text: `WITH input AS (
        SELECT * FROM (VALUES ${tuples}) AS x(n, i, s, k, t, d, m) WHERE i IS NOT NULL),
      requests AS MATERIALIZED (
        SELECT r.s, r.kind, r.expected,
               coalesce((SELECT max(stream_version) FROM ${table} WHERE stream = r.s), -1) AS head
          FROM unnest($1::text[], $2::integer[], $3::bigint[]) AS r(s, kind, expected)),
      verdict AS (
        SELECT NOT EXISTS (SELECT FROM input AS x
                            WHERE (SELECT 1 FROM ${table} AS e WHERE e.event_id = x.i LIMIT 1) IS NOT NULL)
           AND bool_and(kind = 0 OR (kind = 1 AND head = -1) OR (kind = 2 AND head >= 0)
                        OR (kind = 3 AND head = expected)) AS plain
          FROM requests)
      INSERT INTO ${table} (event_id, stream, stream_version, type, data, metadata)
      SELECT x.i, x.s, r.head + x.k + 1, x.t, x.d, x.m
        FROM input AS x JOIN requests AS r USING (s)
       WHERE (SELECT plain FROM verdict)
       ORDER BY x.n
      RETURNING event_id::text, stream, stream_version, transaction_id::text || ':' || position`,
    values,
    rowMode: 'array',
  } as pg.QueryConfig;
}

/**
 * The results of insertNewQuery, or undefined when it wrote nothing. The plan is made again from
 * the versions the server chose, so results are built exactly as for any other append.
 */
export function plainResults(
  requests: readonly PreparedRequest[],
  rows: readonly NewRow[],
): AppendResult[] | undefined {
  if (rows.length === 0) return undefined;
  const heads = new Map<string, number>();
  const positions = new Map<string, GlobalPosition>();
  for (const [id, stream, version, position] of rows) {
    positions.set(id, position);
    if (version - 1 < (heads.get(stream) ?? Number.MAX_SAFE_INTEGER)) heads.set(stream, version - 1);
  }
  const plan: AppendPlan = planAppend(requests, new Map(), heads);
  return appendResults(
    plan,
    plan.rows.map((row) => positions.get(row.id)!),
  );
}

function sizeClass(rows: number): number {
  let size = 1;
  while (size < rows) size *= 2;
  return size;
}

/** `size` tuples of six typed placeholders (id, stream, a number, type, data, metadata) from $offset+1. */
function placeholders(size: number, offset: number, numbered = false): string {
  const tuples: string[] = new Array(size);
  for (let i = 0; i < size; i++) {
    const p = offset + i * 6;
    tuples[i] =
      `(${numbered ? `${i}, ` : ''}$${p + 1}::uuid, $${p + 2}::text, $${p + 3}::integer, $${p + 4}::text, $${p + 5}::json, $${p + 6}::json)`;
  }
  return tuples.join(', ');
}
