import { chmodSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  DirectoryError,
  ensureWritableDirectory,
  explainDirectoryFailure,
  writeSecretFile,
} from '../../src/config/directories.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'ta-dirs-'));
const errno = (code: string) => Object.assign(new Error(code), { code });

function failure(fn: () => void): DirectoryError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DirectoryError) return error;
    throw error;
  }
  throw new Error('expected a DirectoryError');
}

describe('ensureWritableDirectory', () => {
  it('creates missing directories, parents included', () => {
    const dir = join(tmp(), 'a', 'b', 'c');
    ensureWritableDirectory(dir, 'DATA_DIR');
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('explains a file standing where the directory should be (fails even as root)', () => {
    const root = tmp();
    const file = join(root, 'data');
    writeFileSync(file, 'not a directory');
    const error = failure(() => ensureWritableDirectory(file, 'DATA_DIR'));
    expect(error.path).toBe(file);
    expect(error.message).toContain(`Cannot use DATA_DIR directory ${file}`);
    expect(error.message).toContain('a file stands where a directory is needed');
    expect(error.message).toMatch(/The process runs as uid:gid \d+:\d+/);
    expect(error.message).toContain(`${root} is owned by`);
    expect(error.message).toContain('Fix: move the file away');
  });

  it('explains a path below a file (ENOTDIR)', () => {
    const root = tmp();
    writeFileSync(join(root, 'blocker'), '');
    const error = failure(() => ensureWritableDirectory(join(root, 'blocker', 'session'), 'SESSION_DIR'));
    expect(error.code).toBe('ENOTDIR');
    expect(error.message).toContain('SESSION_DIR');
  });
});

describe('explainDirectoryFailure', () => {
  const owner = { path: '/srv/archive', uid: 0, gid: 0, mode: 0o755 };

  it('gives the chown command and the --user alternative on EACCES', () => {
    const error = explainDirectoryFailure(
      '/srv/archive/data',
      'DATA_DIR',
      errno('EACCES'),
      { uid: 1000, gid: 1000 },
      owner,
    );
    expect(error.message).toBe(
      'Cannot use DATA_DIR directory /srv/archive/data: permission denied (EACCES). The process runs as uid:gid 1000:1000; ' +
        '/srv/archive is owned by 0:0 (mode 755). Fix: sudo chown -R 1000:1000 /srv/archive   # or run the container as the owner: --user 0:0',
    );
  });

  it('points at the read-only mount on EROFS', () => {
    const error = explainDirectoryFailure('/data', 'DATA_DIR', errno('EROFS'), { uid: 1, gid: 1 }, owner);
    expect(error.message).toContain('the file system is read-only (EROFS)');
    expect(error.message).toContain('drop :ro from the volume');
  });
});

describe('writeSecretFile', () => {
  it('writes with mode 0600 and tightens an existing looser file', () => {
    const file = join(tmp(), 'session');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    writeSecretFile(file, 'new secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(`${file}.${process.pid}.tmp`)).toBe(false);
  });

  it('creates a new file with mode 0600', () => {
    const file = join(tmp(), 'fresh-session');
    writeSecretFile(file, Buffer.from([1, 2, 3]));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
