// One backfill at a time across processes. The lock is an exclusive transaction on a small SQLite
// file: the operating system drops it when the holder exits or is killed, so a crashed run never
// leaves a stale lock behind. A sidecar JSON file names the holder for the error message.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { type Connection, openConnection, sqliteCode } from '../../sqlite/connection.ts';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  readonly purpose: string;
}

export class RunLockBusyError extends Error {
  readonly path: string;
  readonly holder: LockHolder | undefined;
  constructor(path: string, holder: LockHolder | undefined) {
    const who = holder
      ? `${holder.purpose} (pid ${holder.pid} on ${holder.host}, since ${holder.since})`
      : 'another process';
    super(`Another backfill is running: ${who} holds ${path}`);
    this.name = 'RunLockBusyError';
    this.path = path;
    this.holder = holder;
  }
}

export interface RunLock {
  readonly path: string;
  release(): void;
}

/** Takes the lock or throws RunLockBusyError at once (no waiting). */
export function acquireRunLock(path: string, purpose: string): RunLock {
  mkdirSync(dirname(path), { recursive: true });
  let db: Connection | undefined;
  try {
    db = openConnection(path, { busyTimeoutMs: 0 });
    db.exec('PRAGMA journal_mode = DELETE; BEGIN EXCLUSIVE');
  } catch (error) {
    if (db?.isOpen) db.close();
    if (sqliteCode(error) === 'SQLITE_BUSY') throw new RunLockBusyError(path, readHolder(path));
    throw error;
  }
  const held = db;
  const holderFile = `${path}.holder.json`;
  const holder: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), purpose };
  writeFileSync(holderFile, JSON.stringify(holder), { mode: 0o600 });
  let released = false;
  return {
    path,
    release: () => {
      if (released) return;
      released = true;
      rmSync(holderFile, { force: true });
      try {
        held.exec('ROLLBACK');
      } finally {
        held.close();
      }
    },
  };
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(`${path}.holder.json`, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}
