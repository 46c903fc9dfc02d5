// A checkpoint in a small JSON file, replaced atomically (write, fsync, rename, fsync the
// directory), so a crash leaves either the old or the new position, never half of one.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensureWritableDirectory } from '../../config/directories.ts';
import type { GlobalPosition } from '../../events/envelope.ts';
import { CheckpointCorruptError, type CheckpointStore } from './store.ts';

interface CheckpointFile {
  readonly version: 1;
  readonly name: string;
  readonly position: GlobalPosition;
  readonly savedAt: string;
}

export const checkpointFileName = (name: string): string => `${name.replace(/[^a-zA-Z0-9._-]/g, '_')}.json`;

export class FileCheckpointStore implements CheckpointStore {
  readonly description: string;
  readonly path: string;
  readonly #directory: string;
  readonly #name: string;

  constructor(directory: string, name: string) {
    this.#directory = directory;
    this.#name = name;
    this.path = join(directory, checkpointFileName(name));
    this.description = `file ${this.path}`;
  }

  async load(): Promise<GlobalPosition | undefined> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const fix = `Delete ${this.path} to publish the whole log again (consumers drop the repeats by event id)`;
    let parsed: Partial<CheckpointFile>;
    try {
      parsed = JSON.parse(text) as Partial<CheckpointFile>;
    } catch {
      throw new CheckpointCorruptError(this.path, 'it is not JSON', fix);
    }
    if (parsed?.version !== 1 || typeof parsed.position !== 'string' || parsed.position === '')
      throw new CheckpointCorruptError(this.path, 'it has no version 1 position', fix);
    if (parsed.name !== this.#name)
      throw new CheckpointCorruptError(this.path, `it belongs to '${String(parsed.name)}'`, fix);
    return parsed.position;
  }

  async save(position: GlobalPosition): Promise<void> {
    ensureWritableDirectory(this.#directory, 'relay checkpoint');
    const body: CheckpointFile = {
      version: 1,
      name: this.#name,
      position,
      savedAt: new Date().toISOString(),
    };
    const temporary = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(body)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
    const dir = openSync(this.#directory, 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }

  async close(): Promise<void> {}
}
