// The checkpoint contract shared by every place the relay can keep its position.
import type { GlobalPosition } from '../../events/envelope.ts';

export interface CheckpointStore {
  /** Kind and redacted location, for logs and `health`. */
  readonly description: string;
  /** The last position whose event the broker acknowledged; undefined before the first publish. */
  load(): Promise<GlobalPosition | undefined>;
  save(position: GlobalPosition): Promise<void>;
  close(): Promise<void>;
}

/** A stored checkpoint that cannot be read: never guessed around, since a guess loses or repeats events. */
export class CheckpointCorruptError extends Error {
  readonly location: string;
  constructor(location: string, reason: string, fix: string) {
    super(`Relay checkpoint at ${location} cannot be read: ${reason}. ${fix}`);
    this.location = location;
    this.name = 'CheckpointCorruptError';
  }
}

export class MemoryCheckpointStore implements CheckpointStore {
  readonly description = 'memory';
  position: GlobalPosition | undefined;
  saves = 0;
  constructor(position?: GlobalPosition) {
    this.position = position;
  }
  async load(): Promise<GlobalPosition | undefined> {
    return this.position;
  }
  async save(position: GlobalPosition): Promise<void> {
    this.position = position;
    this.saves += 1;
  }
  async close(): Promise<void> {}
}
