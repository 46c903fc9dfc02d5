// The SQLite helpers: transactions commit or roll back as a whole, rows come back as tuples, a
// joining connection never creates the file, and errors are named by SQLite's primary code.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import {
  openConnection,
  pragmaValue,
  prepareTuples,
  sqliteCode,
  transaction,
} from '../../../src/sqlite/connection.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ta-sqlite-connection-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const count = (db: ReturnType<typeof openConnection>) =>
  prepareTuples<[number]>(db, 'SELECT count(*) FROM t').get()![0];

test('a transaction commits what its work wrote and returns its result', () => {
  const db = openConnection(join(dir, 'a.sqlite'), { busyTimeoutMs: 100 });
  db.exec('CREATE TABLE t (x INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  const addTwo = transaction(db, 'IMMEDIATE', (x: number) => {
    insert.run(x);
    insert.run(x + 1);
    return 'done';
  });
  expect(addTwo(1)).toBe('done');
  expect(db.isTransaction).toBe(false);
  expect(count(db)).toBe(2);
  db.close();
});

test('a transaction whose work throws writes nothing and leaves no transaction open', () => {
  const db = openConnection(join(dir, 'a.sqlite'), { busyTimeoutMs: 100 });
  db.exec('CREATE TABLE t (x INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  const failing = transaction(db, 'DEFERRED', () => {
    insert.run(1);
    throw new Error('half way');
  });
  expect(() => failing()).toThrow('half way');
  expect(db.isTransaction).toBe(false);
  expect(count(db)).toBe(0);
  // A failing statement inside rolls back the earlier ones too.
  const constraint = transaction(db, 'IMMEDIATE', () => {
    insert.run(1);
    insert.run(null);
  });
  expect(() => constraint()).toThrow(/NOT NULL/);
  expect(count(db)).toBe(0);
  db.close();
});

test('rows come back as tuples in column order; pragmas give their value', () => {
  const db = openConnection(join(dir, 'a.sqlite'), { busyTimeoutMs: 100 });
  db.exec(
    "CREATE TABLE t (x INTEGER, y TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b'); PRAGMA user_version = 7",
  );
  const rows = prepareTuples<[number, string]>(db, 'SELECT x, y FROM t ORDER BY x');
  expect(rows.all()).toEqual([
    [1, 'a'],
    [2, 'b'],
  ]);
  expect([...rows.iterate()].map(([, y]) => y)).toEqual(['a', 'b']);
  expect(pragmaValue(db, 'user_version')).toBe(7);
  db.close();
});

test('a connection that must join an existing file fails instead of creating it', () => {
  const path = join(dir, 'missing dir #1', 'events.sqlite');
  expect(() => openConnection(path, { busyTimeoutMs: 100, mustExist: true })).toThrow(/unable to open/);
  const missing = join(dir, 'events?.sqlite');
  let error: unknown;
  try {
    openConnection(missing, { busyTimeoutMs: 100, mustExist: true });
  } catch (caught) {
    error = caught;
  }
  expect(sqliteCode(error)).toBe('SQLITE_CANTOPEN');
  expect(existsSync(missing)).toBe(false);
  // The same odd name, once created, is opened as a path, not read as a URI's query.
  openConnection(missing, { busyTimeoutMs: 100 }).close();
  const joined = openConnection(missing, { busyTimeoutMs: 100, mustExist: true });
  joined.exec('CREATE TABLE t (x)');
  joined.close();
  expect(existsSync(missing)).toBe(true);
});

test('SQLite errors are named by their primary code', () => {
  const path = join(dir, 'a.sqlite');
  const writer = openConnection(path, { busyTimeoutMs: 10 });
  writer.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (x)');
  writer.exec('BEGIN IMMEDIATE');
  const other = openConnection(path, { busyTimeoutMs: 10 });
  let busy: unknown;
  try {
    other.exec('BEGIN IMMEDIATE');
  } catch (error) {
    busy = error;
  }
  expect(sqliteCode(busy)).toBe('SQLITE_BUSY');
  writer.exec('ROLLBACK');
  writer.close();
  other.close();

  const junk = join(dir, 'junk.sqlite');
  writeFileSync(junk, 'not a database, just some text that is long enough to be read as a header'.repeat(10));
  let notADatabase: unknown;
  try {
    openConnection(junk, { busyTimeoutMs: 10 }).exec('SELECT * FROM sqlite_schema');
  } catch (error) {
    notADatabase = error;
  }
  expect(sqliteCode(notADatabase)).toBe('SQLITE_NOTADB');

  // Extended codes (here SQLITE_BUSY_SNAPSHOT) are named by their primary code.
  expect(sqliteCode(Object.assign(new Error('locked'), { errcode: 517 }))).toBe('SQLITE_BUSY');
  expect(sqliteCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
  expect(sqliteCode(new Error('plain'))).toBeUndefined();
  expect(sqliteCode('text')).toBeUndefined();
});

test('connections get a 16 MB page cache, not the 2 MB Node builds SQLite with', () => {
  const db = openConnection(join(dir, 'a.sqlite'), { busyTimeoutMs: 100 });
  expect(pragmaValue(db, 'cache_size')).toBe(-16_000);
  db.close();
});
