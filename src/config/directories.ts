// Creates the data and session directories and explains, with the exact fix, why that failed.
// A mismatched uid on a mounted volume is the classic container problem: say who we run as, who
// owns the parent, and which command resolves it.
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

export class DirectoryError extends Error {
  readonly path: string;
  readonly code: string;
  constructor(message: string, path: string, code: string) {
    super(message);
    this.path = path;
    this.code = code;
    this.name = 'DirectoryError';
  }
}

export interface Identity {
  readonly uid: number;
  readonly gid: number;
}

export interface OwnerInfo {
  readonly path: string;
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

const currentIdentity = (): Identity => ({ uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1 });

/** Create `path` (and parents) when missing and prove it is writable. */
export function ensureWritableDirectory(path: string, purpose: string, identity = currentIdentity()): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    if (!statSync(path).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(path, constants.W_OK | constants.X_OK);
    probeWrite(path);
  } catch (error) {
    throw explainDirectoryFailure(path, purpose, error, identity, nearestExisting(path));
  }
}

/** Root ignores permission bits, so a real write is the only honest check (read-only mounts). */
function probeWrite(dir: string): void {
  const probe = join(dir, `.write-probe-${process.pid}`);
  closeSync(openSync(probe, 'w'));
  unlinkSync(probe);
}

function nearestExisting(path: string): OwnerInfo | undefined {
  for (let p = path; ; p = dirname(p)) {
    try {
      const s = statSync(p);
      if (s.isDirectory()) return { path: p, uid: s.uid, gid: s.gid, mode: s.mode & 0o7777 };
    } catch {
      // keep walking up
    }
    if (dirname(p) === p) return undefined;
  }
}

/** Pure: builds the actionable message from the failure and what we know of the file system. */
export function explainDirectoryFailure(
  path: string,
  purpose: string,
  error: unknown,
  identity: Identity,
  owner: OwnerInfo | undefined,
): DirectoryError {
  const code = (error as NodeJS.ErrnoException)?.code ?? 'UNKNOWN';
  const who = `uid:gid ${identity.uid}:${identity.gid}`;
  const ownerText = owner
    ? `${owner.path} is owned by ${owner.uid}:${owner.gid} (mode ${owner.mode.toString(8)})`
    : 'no parent directory exists';
  let reason: string;
  let fix: string;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      reason = 'permission denied';
      fix = owner
        ? `sudo chown -R ${identity.uid}:${identity.gid} ${owner.path}   # or run the container as the owner: --user ${owner.uid}:${owner.gid}`
        : `create it as a user that can, then: sudo chown -R ${identity.uid}:${identity.gid} ${path}`;
      break;
    case 'EROFS':
      reason = 'the file system is read-only';
      fix = `mount ${owner?.path ?? path} read-write (drop :ro from the volume) or point ${purpose} at a writable location`;
      break;
    case 'ENOTDIR':
    case 'EEXIST':
      reason = 'a file stands where a directory is needed';
      fix = `move the file away, or point ${purpose} at another path`;
      break;
    case 'ENOSPC':
      reason = 'no space left on the device';
      fix = 'free disk space or choose another volume';
      break;
    default:
      reason = (error as Error)?.message ?? String(error);
      fix = `check that ${path} can be created and written by ${who}`;
  }
  const message = `Cannot use ${purpose} directory ${path}: ${reason} (${code}). The process runs as ${who}; ${ownerText}. Fix: ${fix}`;
  return new DirectoryError(message, path, code);
}

/**
 * Write a secret (the Telegram session) so that only our user can read it, from the first byte on.
 * Written to a temporary file and renamed, so a crash never leaves half a session behind.
 */
export function writeSecretFile(path: string, contents: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600); // a leftover temporary file keeps its old mode on open: tighten it
    writeSync(fd, typeof contents === 'string' ? Buffer.from(contents) : contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}
