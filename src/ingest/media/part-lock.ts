// One downloader per .part file, across processes (a running archiver and a manual backfill may
// meet on the same message). The lock is a sidecar file created with O_EXCL holding pid and host;
// it is stale when its process is gone (same host) or it has not been touched for a while.
import { readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

export const PART_LOCK_STALE_MS = 10 * 60 * 1000;

export interface PartLock {
  /** Marks the lock as alive (call during long downloads). */
  touch(): void;
  release(): void;
}

export function tryLockPart(partPath: string, now = Date.now()): PartLock | undefined {
  const path = `${partPath}.lock`;
  const body = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date(now).toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, body, { flag: 'wx', mode: 0o600 });
      return {
        touch: () => {
          const t = new Date();
          try {
            utimesSync(path, t, t);
          } catch {
            // a vanished lock is noticed by whoever takes it over; nothing to do here
          }
        },
        release: () => {
          try {
            unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!isStale(path, now)) return undefined;
      try {
        unlinkSync(path);
      } catch {
        // someone else removed it first; try once more
      }
    }
  }
  return undefined;
}

function isStale(path: string, now: number): boolean {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as { pid?: number; host?: string };
    if (holder.host === hostname() && typeof holder.pid === 'number' && !processAlive(holder.pid))
      return true;
    return now - statSync(path).mtimeMs > PART_LOCK_STALE_MS;
  } catch {
    // unreadable or half-written: stale only when old
    try {
      return now - statSync(path).mtimeMs > PART_LOCK_STALE_MS;
    } catch {
      return true;
    }
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
