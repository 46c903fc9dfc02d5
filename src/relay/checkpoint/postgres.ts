// The relay checkpoint as a row in the event store's PostgreSQL database.
import pg from 'pg';
import { redactUrl } from '../../config/index.ts';
import type { GlobalPosition } from '../../events/envelope.ts';
import { CHECKPOINT_TABLE } from './sqlite.ts';
import type { CheckpointStore } from './store.ts';

export class PostgresCheckpointStore implements CheckpointStore {
  readonly description: string;
  readonly #name: string;
  readonly #pool: pg.Pool;
  #ready: Promise<void> | undefined;

  constructor(url: string, name: string) {
    this.#name = name;
    this.description = `postgres ${redactUrl(url) ?? '<redacted>'} (table ${CHECKPOINT_TABLE})`;
    this.#pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 10_000 });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    this.#pool.on('error', () => undefined);
  }

  #prepare(): Promise<void> {
    this.#ready ??= this.#pool
      .query(
        `create table if not exists ${CHECKPOINT_TABLE} (
          name text primary key,
          position text not null,
          updated_at timestamptz not null
        )`,
      )
      .then(
        () => undefined,
        (error: unknown) => {
          this.#ready = undefined; // try again next time: the server may just be starting
          throw error;
        },
      );
    return this.#ready;
  }

  async load(): Promise<GlobalPosition | undefined> {
    await this.#prepare();
    const result = await this.#pool.query<{ position: string }>(
      `select position from ${CHECKPOINT_TABLE} where name = $1`,
      [this.#name],
    );
    return result.rows[0]?.position;
  }

  async save(position: GlobalPosition): Promise<void> {
    await this.#prepare();
    await this.#pool.query(
      `insert into ${CHECKPOINT_TABLE} (name, position, updated_at) values ($1, $2, now())
       on conflict (name) do update set position = excluded.position, updated_at = excluded.updated_at`,
      [this.#name, position],
    );
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
