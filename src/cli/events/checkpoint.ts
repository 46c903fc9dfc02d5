// The checkpoint of `events copy`: a small JSON file naming the source position copied so far. It is
// written after each batch is in the target, atomically (temp file, fsync, rename), so a killed copy
// resumes from the last batch; that batch may be appended again, which the idempotent ids absorb.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { GlobalPosition } from '../../events/envelope.ts';
import { CliFailure } from '../run-cli.ts';
import type { StoreLocation } from './location.ts';

export interface CopyCheckpoint {
  readonly version: 1;
  /** Identifies the (source, target) pair without storing credentials. */
  readonly pair: string;
  readonly from: string;
  readonly to: string;
  readonly after: GlobalPosition;
  /** Source events handled so far, over all runs. */
  readonly copied: number;
  readonly updatedAt: string;
}

export function copyPair(from: StoreLocation, to: StoreLocation): string {
  return createHash('sha256')
    .update(`${from.kind}\n${from.location}\n${to.kind}\n${to.location}`)
    .digest('hex')
    .slice(0, 16);
}

export const defaultCheckpointPath = (dataDir: string, pair: string) =>
  join(dataDir, `copy-${pair}.checkpoint.json`);

export function readCheckpoint(path: string, pair: string): CopyCheckpoint | undefined {
  if (!existsSync(path)) return undefined;
  let value: Partial<CopyCheckpoint>;
  try {
    value = JSON.parse(readFileSync(path, 'utf8')) as Partial<CopyCheckpoint>;
  } catch (error) {
    throw new CliFailure(
      `The copy checkpoint ${path} is unreadable (${error instanceof Error ? error.message : String(error)}); delete it or pass --restart`,
    );
  }
  if (value.version !== 1 || typeof value.after !== 'string' || typeof value.copied !== 'number')
    throw new CliFailure(
      `The copy checkpoint ${path} is not one this version wrote; delete it or pass --restart`,
    );
  if (value.pair !== pair)
    throw new CliFailure(
      `The copy checkpoint ${path} belongs to a copy from ${value.from} to ${value.to}; pass another --checkpoint or --restart`,
    );
  return value as CopyCheckpoint;
}

export function writeCheckpoint(path: string, checkpoint: CopyCheckpoint): void {
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(checkpoint, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
