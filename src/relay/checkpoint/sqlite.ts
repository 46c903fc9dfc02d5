// The relay checkpoint as a row in the event log's own SQLite file. A second connection is safe:
// the store runs in WAL mode, and busy_timeout waits out its short write transactions.
import Database from 'better-sqlite3';
import type { GlobalPosition } from '../../events/envelope.ts';
import type { CheckpointStore } from './store.ts';

export const CHECKPOINT_TABLE = 'relay_checkpoints';

export class SqliteCheckpointStore implements CheckpointStore {
  readonly description: string;
  readonly #path: string;
  readonly #name: string;
  #db: Database.Database | undefined;

  constructor(path: string, name: string) {
    this.#path = path;
    this.#name = name;
    this.description = `sqlite ${path} (table ${CHECKPOINT_TABLE})`;
  }

  #open(): Database.Database {
    if (this.#db) return this.#db;
    // fileMustExist: the store creates the file; a checkpoint must never conjure an empty log.
    const db = new Database(this.#path, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
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
    const row = this.#open()
      .prepare(`select position from ${CHECKPOINT_TABLE} where name = ?`)
      .get(this.#name) as { position: string } | undefined;
    return row?.position;
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
