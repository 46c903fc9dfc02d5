// The relay checkpoint as a row in the event log's own SQLite file. A second connection is safe:
// the store runs in WAL mode, and busy_timeout waits out its short write transactions. It goes
// through the store's own SQLite library, as every connection to that file in a process must.
import type { GlobalPosition } from '../../events/envelope.ts';
import { type Connection, openConnection, prepareTuples } from '../../sqlite/connection.ts';
import type { CheckpointStore } from './store.ts';

export const CHECKPOINT_TABLE = 'relay_checkpoints';

export class SqliteCheckpointStore implements CheckpointStore {
  readonly description: string;
  readonly #path: string;
  readonly #name: string;
  #db: Connection | undefined;

  constructor(path: string, name: string) {
    this.#path = path;
    this.#name = name;
    this.description = `sqlite ${path} (table ${CHECKPOINT_TABLE})`;
  }

  #open(): Connection {
    if (this.#db) return this.#db;
    // The store creates the file; a checkpoint must never conjure an empty log.
    const db = openConnection(this.#path, { busyTimeoutMs: 5_000, mustExist: true });
    try {
      db.exec(`create table if not exists ${CHECKPOINT_TABLE} (
        name text primary key,
        position text not null,
        updated_at text not null
      )`);
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
    return db;
  }

  async load(): Promise<GlobalPosition | undefined> {
    const row = prepareTuples<[string]>(
      this.#open(),
      `select position from ${CHECKPOINT_TABLE} where name = ?`,
    ).get(this.#name);
    return row?.[0];
  }

  async save(position: GlobalPosition): Promise<void> {
    this.#open()
      .prepare(
        `insert into ${CHECKPOINT_TABLE} (name, position, updated_at) values (?, ?, ?)
         on conflict (name) do update set position = excluded.position, updated_at = excluded.updated_at`,
      )
      .run(this.#name, position, new Date().toISOString());
  }

  async close(): Promise<void> {
    this.#db?.close();
    this.#db = undefined;
  }
}
