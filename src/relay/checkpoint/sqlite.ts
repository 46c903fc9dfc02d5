// The relay checkpoint as a row in the event log's own SQLite file. A second connection is safe:
// the store runs in WAL mode, and busy_timeout waits out its short write transactions. It goes
// through the store's own SQLite library, as every connection to that file in a process must.
import type { GlobalPosition } from '../../events/envelope.ts';
import {
  type Connection,
  openConnection,
  prepareTuples,
  type Statement,
  type TupleStatement,
} from '../../sqlite/connection.ts';
import type { CheckpointStore } from './store.ts';

export const CHECKPOINT_TABLE = 'relay_checkpoints';

/** The open connection and the two statements the checkpoint needs, prepared once. */
interface Opened {
  readonly db: Connection;
  readonly load: TupleStatement<[string]>;
  readonly save: Statement;
}

export class SqliteCheckpointStore implements CheckpointStore {
  readonly description: string;
  readonly #path: string;
  readonly #name: string;
  #opened: Opened | undefined;

  constructor(path: string, name: string) {
    this.#path = path;
    this.#name = name;
    this.description = `sqlite ${path} (table ${CHECKPOINT_TABLE})`;
  }

  #open(): Opened {
    if (this.#opened) return this.#opened;
    // The store creates the file; a checkpoint must never conjure an empty log.
    const db = openConnection(this.#path, { busyTimeoutMs: 5_000, mustExist: true });
    try {
      db.exec(`create table if not exists ${CHECKPOINT_TABLE} (
        name text primary key,
        position text not null,
        updated_at text not null
      )`);
      this.#opened = {
        db,
        load: prepareTuples(db, `select position from ${CHECKPOINT_TABLE} where name = ?`),
        save: db.prepare(
          `insert into ${CHECKPOINT_TABLE} (name, position, updated_at) values (?, ?, ?)
           on conflict (name) do update set position = excluded.position, updated_at = excluded.updated_at`,
        ),
      };
      return this.#opened;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async load(): Promise<GlobalPosition | undefined> {
    return this.#open().load.get(this.#name)?.[0];
  }

  async save(position: GlobalPosition): Promise<void> {
    this.#open().save.run(this.#name, position, new Date().toISOString());
  }

  async close(): Promise<void> {
    this.#opened?.db.close();
    this.#opened = undefined;
  }
}
