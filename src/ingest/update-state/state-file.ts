// Where the listener keeps its update state (pts, qts, seq, date and each channel's pts): a small
// JSON file under DATA_DIR, replaced atomically (temporary file, fsync, rename). It is saved only after
// the events the updates produced are appended, so a crash in between makes the next start fetch
// those updates again, and deterministic event ids make the second append a no-op.
//
// Why a file and not the account stream: pts moves with every update (hundreds per second), it is a
// cursor rather than a fact about the account, and losing it costs only a refetch.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureWritableDirectory, writeSecretFile } from '../../config/directories.ts';

export interface BoxCursor {
  readonly pts: number;
  /** The channel's access hash, needed to ask for its difference after a restart. */
  readonly accessHash?: string;
}

export interface PersistedUpdateState {
  readonly version: 1;
  readonly account: string;
  readonly common: {
    readonly pts: number;
    readonly qts: number;
    readonly date: number;
    readonly seq: number;
  };
  readonly channels: Readonly<Record<string, BoxCursor>>;
  readonly savedAt: string;
}

export class UpdateStateFileError extends Error {
  readonly path: string;
  constructor(path: string, reason: string) {
    super(
      `The update state at ${path} cannot be used (${reason}). Move it away to start from the current state; run a backfill to cover the time in between.`,
    );
    this.name = 'UpdateStateFileError';
    this.path = path;
  }
}

export interface UpdateStateStore {
  load(): PersistedUpdateState | undefined;
  save(state: PersistedUpdateState): void;
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

export function updateStatePath(dataDir: string, account: string): string {
  return join(dataDir, 'update-state', `${account}.json`);
}

export class UpdateStateFile implements UpdateStateStore {
  readonly path: string;
  private readonly account: string;
  private readonly directory: string;

  constructor(dataDir: string, account: string) {
    this.account = account;
    this.directory = join(dataDir, 'update-state');
    this.path = updateStatePath(dataDir, account);
  }

  load(): PersistedUpdateState | undefined {
    if (!existsSync(this.path)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (error) {
      throw new UpdateStateFileError(this.path, `not JSON: ${(error as Error).message}`);
    }
    const state = parsed as Partial<PersistedUpdateState> | null;
    if (state?.version !== 1) throw new UpdateStateFileError(this.path, 'unknown format version');
    if (state.account !== this.account)
      throw new UpdateStateFileError(
        this.path,
        `it belongs to account ${String(state.account)}, not ${this.account}`,
      );
    const common = state.common;
    if (!common || ![common.pts, common.qts, common.date, common.seq].every(isCount))
      throw new UpdateStateFileError(this.path, 'common pts/qts/date/seq missing or not whole numbers');
    const channels = state.channels ?? {};
    for (const [id, cursor] of Object.entries(channels)) {
      if (!/^\d+$/.test(id) || !isCount(cursor?.pts))
        throw new UpdateStateFileError(this.path, `channel ${id} has no valid pts`);
    }
    return { version: 1, account: this.account, common, channels, savedAt: String(state.savedAt ?? '') };
  }

  save(state: PersistedUpdateState): void {
    ensureWritableDirectory(this.directory, 'DATA_DIR');
    writeSecretFile(this.path, `${JSON.stringify(state, null, 2)}\n`);
  }
}
