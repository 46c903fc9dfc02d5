// Status files: each long-running role (listener, relay, projector) keeps a small JSON file under
// DATA_DIR/status/<role>.json with its connection state and a heartbeat, and `telegram-archive
// health` reads them. A file, not a port, because it works the same in one process, in several
// containers sharing the data volume, and for a role that is wedged (its heartbeat goes stale).
//
// Format, version 1 (other fields may be added; readers ignore what they don't know):
//   { "version": 1, "role": "listener", "state": "connected", "since": ISO, "updatedAt": ISO,
//     "pid": 123, "detail": "optional text, never message content" }
// - state: starting | connecting | connected | disconnected | stopped
// - since: when this state began; updatedAt: the last heartbeat (rewritten every 15 s while alive)
// The file is replaced atomically (write to a temporary file, rename), so readers never see half.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger.ts';

export const STATUS_FORMAT_VERSION = 1;
export const ROLE_STATES = ['starting', 'connecting', 'connected', 'disconnected', 'stopped'] as const;
export type RoleState = (typeof ROLE_STATES)[number];
/** How often a live role rewrites its file; health calls a file older than 4 beats stale. */
export const HEARTBEAT_MS = 15_000;

export interface RoleStatus {
  readonly version: typeof STATUS_FORMAT_VERSION;
  readonly role: string;
  readonly state: RoleState;
  readonly since: string;
  readonly updatedAt: string;
  readonly pid: number;
  readonly detail?: string;
}

export class StatusFileError extends Error {
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`Status file ${path} cannot be read: ${reason}`);
    this.path = path;
    this.name = 'StatusFileError';
  }
}

export const statusDirectory = (dataDir: string): string => join(dataDir, 'status');
export const statusFilePath = (dataDir: string, role: string): string =>
  join(statusDirectory(dataDir), `${role}.json`);

export function writeRoleStatus(dataDir: string, status: RoleStatus): void {
  mkdirSync(statusDirectory(dataDir), { recursive: true, mode: 0o700 });
  const path = statusFilePath(dataDir, status.role);
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o644);
  try {
    writeSync(fd, `${JSON.stringify(status)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** The role's status, undefined when it never ran here; StatusFileError when the file is unreadable. */
export function readRoleStatus(dataDir: string, role: string): RoleStatus | undefined {
  const path = statusFilePath(dataDir, role);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StatusFileError(path, (error as Error).message);
  }
  let parsed: Partial<RoleStatus>;
  try {
    parsed = JSON.parse(text) as Partial<RoleStatus>;
  } catch {
    throw new StatusFileError(path, 'it is not JSON');
  }
  if (parsed?.version !== STATUS_FORMAT_VERSION)
    throw new StatusFileError(path, `unknown version ${String(parsed?.version)}`);
  if (!ROLE_STATES.includes(parsed.state as RoleState))
    throw new StatusFileError(path, `unknown state ${String(parsed.state)}`);
  if (typeof parsed.updatedAt !== 'string' || Number.isNaN(Date.parse(parsed.updatedAt)))
    throw new StatusFileError(path, 'updatedAt is not a date');
  if (typeof parsed.since !== 'string' || Number.isNaN(Date.parse(parsed.since)))
    throw new StatusFileError(path, 'since is not a date');
  return parsed as RoleStatus;
}

export interface StatusReporter {
  /** Records a new state (and rewrites the file at once when it changed). */
  set(state: RoleState, detail?: string): void;
  /** Writes `stopped` and ends the heartbeat. */
  stop(detail?: string): void;
  readonly current: RoleState;
}

/**
 * Keeps DATA_DIR/status/<role>.json current: on every state change and every heartbeat. Failing to
 * write it is logged, never fatal: health will report the stale file, which is the right signal.
 */
export function createStatusReporter(
  dataDir: string,
  role: string,
  options: { logger?: Logger; heartbeatMs?: number; now?: () => Date } = {},
): StatusReporter {
  const now = options.now ?? (() => new Date());
  let state: RoleState = 'starting';
  let detail: string | undefined;
  let since = now().toISOString();
  let warned = false;
  const write = () => {
    try {
      writeRoleStatus(dataDir, {
        version: STATUS_FORMAT_VERSION,
        role,
        state,
        since,
        updatedAt: now().toISOString(),
        pid: process.pid,
        ...(detail ? { detail } : {}),
      });
      warned = false;
    } catch (error) {
      if (!warned)
        options.logger?.warn({ role, reason: (error as Error).message }, 'cannot write the status file');
      warned = true;
    }
  };
  write();
  const timer = setInterval(write, options.heartbeatMs ?? HEARTBEAT_MS);
  timer.unref();
  return {
    set(next, nextDetail) {
      if (next === state && nextDetail === detail) return;
      if (next !== state) since = now().toISOString();
      state = next;
      detail = nextDetail;
      write();
    },
    stop(finalDetail) {
      clearInterval(timer);
      if (state !== 'stopped') since = now().toISOString();
      state = 'stopped';
      detail = finalDetail;
      write();
    },
    get current() {
      return state;
    },
  };
}
