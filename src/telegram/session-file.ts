// The Telegram session on disk: one file in SESSION_DIR, mode 0600 from the first byte, written
// atomically. It holds the auth key, which is as good as the account's password: never log it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureWritableDirectory, writeSecretFile } from '../config/directories.ts';

export const SESSION_FILE_NAME = 'telegram.session';

export class SessionFileError extends Error {
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`The Telegram session at ${path} ${reason}: log in again with \`telegram-archive auth --force\``);
    this.name = 'SessionFileError';
    this.path = path;
  }
}

export const sessionPath = (sessionDir: string): string => join(sessionDir, SESSION_FILE_NAME);

/** The stored session string, or undefined when there is none yet. */
export function readSession(sessionDir: string): string | undefined {
  const path = sessionPath(sessionDir);
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8').trim();
  // gramjs StringSession v1: "1" + base64 of dc id, address, port and the 256-byte key.
  if (!/^1[A-Za-z0-9+/=]{300,}$/.test(text))
    throw new SessionFileError(path, 'is not a session this program wrote');
  return text;
}

export function writeSession(sessionDir: string, session: string): string {
  ensureWritableDirectory(sessionDir, 'SESSION_DIR');
  const path = sessionPath(sessionDir);
  writeSecretFile(path, `${session}\n`);
  return path;
}
