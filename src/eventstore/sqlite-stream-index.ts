// The SQLite event store's stream index: which events each stream holds, in a file of its own next
// to the events. Appends write only the event table, in global order, so a commit writes a few
// pages at its end; indexing a batch by stream in the same commit wrote a page for nearly every
// stream it touched. A thread folds new events in here behind the appends (sqlite-maintenance.ts)
// and lookups add what it has not reached yet (sqlite-tail.ts). The file is derived from the event
// table: a missing, stale or damaged one is rebuilt from it; another database at its name is refused.
import { existsSync, renameSync, rmSync } from 'node:fs';
import {
  type Connection,
  openConnection,
  pragmaValue,
  prepareTuples,
  type Statement,
  sqliteCode,
  type TupleStatement,
  transaction,
} from '../sqlite/connection.ts';
import { ENTRY_COLUMNS, type EntryRow, entryOf, type StreamEntry } from './sqlite-tail.ts';

/** Events folded into the index per transaction. */
const FOLD_CHUNK = 20_000;

/** Marks the file as a stream index ('TAIX'). */
const APPLICATION_ID = 0x54414958;
/** Bumped when the layout changes: an index of another version is dropped and rebuilt. */
const INDEX_VERSION = 1;

/**
 * The first version that the id index holds; ids of a stream's earlier events are found by reading
 * its first events, which most streams (one message each) never go past.
 */
export const LATE_VERSION = 16;

const SCHEMA = `
  CREATE TABLE stream_index (
    stream TEXT NOT NULL,
    stream_version INTEGER NOT NULL,
    global_position INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    PRIMARY KEY (stream, stream_version)
  ) WITHOUT ROWID, STRICT;
  CREATE INDEX stream_index_late_ids ON stream_index (stream, event_id) WHERE stream_version >= ${LATE_VERSION};
  -- Every event up to 'through' is indexed; 'last_event_id' is the event there, so that an index
  -- left beside a different event file is noticed.
  CREATE TABLE indexed (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    through INTEGER NOT NULL,
    last_event_id TEXT
  ) STRICT;
  INSERT INTO indexed VALUES (1, 0, NULL);`;

/** The index file for an event file: events.sqlite -> events.index.sqlite. */
export function indexPathFor(eventsPath: string): string {
  return `${eventsPath.replace(/\.sqlite$/, '')}.index.sqlite`;
}

/**
 * openIndexFile, but a damaged index file (not readable as SQLite) is moved aside to
 * `<name>.damaged-<time>` and built again: it holds nothing the event file does not.
 */
export function openOrReplaceIndexFile(
  path: string,
  busyTimeoutMs: number,
  replaced: (movedTo: string, reason: string) => void,
): Connection {
  try {
    return openIndexFile(path, busyTimeoutMs);
  } catch (error) {
    const code = sqliteCode(error);
    if (code !== 'SQLITE_CORRUPT' && code !== 'SQLITE_NOTADB') throw error;
    const movedTo = `${path}.damaged-${new Date().toISOString().replaceAll(':', '-')}`;
    renameSync(path, movedTo);
    for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) rmSync(path + suffix);
    replaced(movedTo, error instanceof Error ? error.message : String(error));
    return openIndexFile(path, busyTimeoutMs);
  }
}

/** Opens the index file, creating it, or dropping one of another layout. */
export function openIndexFile(path: string, busyTimeoutMs: number): Connection {
  const db = openConnection(path, { busyTimeoutMs });
  try {
    // A power cut can lose the index's last folds, never the events: they are folded again.
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
    transaction(db, 'IMMEDIATE', () => {
      const id = pragmaValue(db, 'application_id');
      const version = pragmaValue(db, 'user_version');
      if (id === APPLICATION_ID && version === INDEX_VERSION) return;
      const tables = prepareTuples<[string]>(db, "SELECT name FROM sqlite_schema WHERE type = 'table'")
        .all()
        .map(([name]) => name);
      if (id !== APPLICATION_ID && tables.length > 0)
        throw new Error(`${path} is another SQLite database, not the event store's stream index`);
      for (const table of tables) db.exec(`DROP TABLE "${table.replaceAll('"', '""')}"`);
      db.exec(SCHEMA);
      db.exec(`PRAGMA user_version = ${INDEX_VERSION}; PRAGMA application_id = ${APPLICATION_ID}`);
    })();
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

type IndexedRow = [number, string | null];

/**
 * Folds events from the event table into the index. Used by the index thread and, when the thread
 * is unavailable or far behind, by the writer itself.
 */
export class StreamIndexFolder {
  readonly #indexed: TupleStatement<IndexedRow>;
  readonly #newEvents: TupleStatement<EntryRow>;
  readonly #insert: Statement;
  readonly #advance: Statement;
  readonly #fold: (limit: number) => number;
  readonly #empty: () => void;

  /** @param events a connection to the event file, only read */
  constructor(index: Connection, events: Connection) {
    this.#indexed = prepareTuples(index, 'SELECT through, last_event_id FROM indexed');
    this.#newEvents = prepareTuples(
      events,
      `SELECT ${ENTRY_COLUMNS} FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?`,
    );
    this.#insert = index.prepare(
      'INSERT INTO stream_index (stream, stream_version, global_position, event_id, type) VALUES (?, ?, ?, ?, ?)',
    );
    this.#advance = index.prepare('UPDATE indexed SET through = ?, last_event_id = ?');
    this.#fold = transaction(index, 'IMMEDIATE', (limit: number) => this.#foldLocked(limit));
    this.#empty = transaction(index, 'IMMEDIATE', () => {
      index.exec('DELETE FROM stream_index');
      this.#advance.run(0, null);
    });
  }

  /**
   * Indexes every new event, a transaction per chunk, until none is left or `stop` says so; reports
   * the running count after each chunk. Returns how many it indexed.
   */
  foldAll(options: { stop?: () => boolean; progress?: (folded: number) => void } = {}): number {
    let folded = 0;
    for (;;) {
      const chunk = this.#fold(FOLD_CHUNK);
      folded += chunk;
      if (chunk > 0) options.progress?.(folded);
      if (chunk < FOLD_CHUNK || options.stop?.()) return folded;
    }
  }

  #foldLocked(limit: number): number {
    const [through] = this.#indexed.get()!;
    const rows = this.#newEvents.all(through, limit);
    if (rows.length === 0) return 0;
    const last = rows[rows.length - 1]!;
    // In index order, each page of the index is visited once.
    rows.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] - b[2]));
    for (const [position, stream, version, id, type] of rows)
      this.#insert.run(stream, version, position, id, type);
    this.#advance.run(last[0], last[3]);
    return rows.length;
  }

  /**
   * Empties the index when it does not describe this event file: it reaches past the file's end, or
   * the event it last indexed is not the one stored there (a file restored or swapped beside it).
   */
  verify(eventAt: (position: number) => string | undefined): boolean {
    const [through, lastId] = this.#indexed.get()!;
    if (through === 0 || eventAt(through) === lastId) return true;
    this.#empty();
    return false;
  }
}

type EarlyRow = [string, number, string, string, number];
type LateRow = [string, string, number, number];

/** Every indexed event below LATE_VERSION of the streams in a JSON array. */
export const EARLY_EVENTS = `
  SELECT i.stream, i.stream_version, i.event_id, i.type, i.global_position
    FROM json_each(?) AS s JOIN stream_index AS i ON i.stream = s.value AND i.stream_version < ${LATE_VERSION}`;

/** The indexed events of one stream, from LATE_VERSION on, with an id in a JSON array. */
export const LATE_EVENTS = `
  SELECT event_id, type, stream_version, global_position FROM stream_index INDEXED BY stream_index_late_ids
   WHERE stream = ? AND stream_version >= ${LATE_VERSION} AND event_id IN (SELECT value FROM json_each(?))`;

/** The indexed events after a position of the streams in a range, in global order. */
export const RANGE = `
  SELECT ${ENTRY_COLUMNS} FROM stream_index
   WHERE stream >= ? AND stream < ? AND global_position > ? ORDER BY global_position LIMIT ?`;

/** RANGE, of some types only. */
export const RANGE_OF_TYPES = `
  SELECT ${ENTRY_COLUMNS} FROM stream_index
   WHERE stream >= ? AND stream < ? AND global_position > ? AND type IN (SELECT value FROM json_each(?))
   ORDER BY global_position LIMIT ?`;

/** The queries lookups make of the index. Each call is one read of one snapshot. */
export class StreamIndexReader {
  readonly #through: TupleStatement<[number]>;
  readonly #streams: TupleStatement<[string]>;
  readonly #early: TupleStatement<EarlyRow>;
  readonly #head: TupleStatement<[number | null]>;
  readonly #late: TupleStatement<LateRow>;
  readonly #forwards: TupleStatement<EntryRow>;
  readonly #backwards: TupleStatement<EntryRow>;
  readonly #rangeSize: TupleStatement<[number]>;
  readonly #range: TupleStatement<EntryRow>;
  readonly #rangeOfTypes: TupleStatement<EntryRow>;
  readonly #snapshot: <T>(work: (through: number) => T) => T;

  constructor(index: Connection) {
    this.#through = prepareTuples(index, 'SELECT through FROM indexed');
    this.#streams = prepareTuples(index, 'SELECT stream FROM stream_index WHERE stream_version = 0');
    this.#early = prepareTuples(index, EARLY_EVENTS);
    this.#head = prepareTuples(index, 'SELECT max(stream_version) FROM stream_index WHERE stream = ?');
    this.#late = prepareTuples(index, LATE_EVENTS);
    this.#forwards = prepareTuples(
      index,
      `SELECT ${ENTRY_COLUMNS} FROM stream_index WHERE stream = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?`,
    );
    this.#backwards = prepareTuples(
      index,
      `SELECT ${ENTRY_COLUMNS} FROM stream_index WHERE stream = ? AND stream_version <= ? ORDER BY stream_version DESC LIMIT ?`,
    );
    this.#rangeSize = prepareTuples(
      index,
      'SELECT count(*) FROM (SELECT 1 FROM stream_index WHERE stream >= ? AND stream < ? LIMIT ?)',
    );
    this.#range = prepareTuples(index, RANGE);
    this.#rangeOfTypes = prepareTuples(index, RANGE_OF_TYPES);
    const snapshot = transaction(index, 'DEFERRED', (work: (through: number) => unknown) =>
      work(this.#through.get()![0]),
    );
    this.#snapshot = snapshot as <T>(work: (through: number) => T) => T;
  }

  /** Runs `work` in one read transaction, given the last position the index holds. */
  snapshot<T>(work: (through: number) => T): T {
    return this.#snapshot(work);
  }

  /** Every indexed stream. */
  *streams(): IterableIterator<string> {
    for (const [stream] of this.#streams.iterate()) yield stream;
  }

  /** Indexed events of these streams below LATE_VERSION, as [stream, version, id, type, position]. */
  early(streams: readonly string[]): EarlyRow[] {
    return this.#early.all(JSON.stringify(streams));
  }

  head(stream: string): number {
    return this.#head.get(stream)?.[0] ?? -1;
  }

  /** Indexed events of a stream from LATE_VERSION on with one of these ids. */
  late(stream: string, ids: readonly string[]): LateRow[] {
    return this.#late.all(stream, JSON.stringify(ids));
  }

  stream(stream: string, backwards: boolean, fromVersion: number | undefined, limit: number): StreamEntry[] {
    const rows = backwards
      ? this.#backwards.all(stream, fromVersion ?? Number.MAX_SAFE_INTEGER, limit)
      : this.#forwards.all(stream, fromVersion ?? 0, limit);
    return rows.map(entryOf);
  }

  /** How many events the range holds, counted up to `bound`. */
  rangeSize(from: string, to: string, bound: number): number {
    return this.#rangeSize.get(from, to, bound)![0];
  }

  /** Events after `after` of the streams in [from, to), in global order. */
  range(from: string, to: string, after: number, types: readonly string[] | undefined, limit: number) {
    const rows =
      types === undefined
        ? this.#range.all(from, to, after, limit)
        : this.#rangeOfTypes.all(from, to, after, JSON.stringify(types), limit);
    return rows.map(entryOf);
  }
}
