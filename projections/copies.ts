// The copies of the read model in one location and the pointer that names the active one. A rebuild
// fills a new copy while readers keep using the old; switching rewrites the pointer in one atomic
// step (a file rename on SQLite, one row in one transaction on PostgreSQL).
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type ReadModelLocation, sqliteCopyPath } from './db/open.ts';
import { quoteIdentifier } from './db/tables.ts';

export const COPY_PREFIX = 'read_model_';
const COPY_NAME = /^read_model_([0-9]{1,9})$/;
const POINTER_SCHEMA = 'read_model';

export interface Pointer {
  readonly copy: string;
  readonly switchedAt: string;
}

export interface CopyDirectory {
  readonly location: ReadModelLocation;
  /** Existing copies, oldest first. */
  list(): Promise<string[]>;
  current(): Promise<Pointer | undefined>;
  /** Reserves a fresh, never used copy name (the copy itself is laid out by openCopy). */
  reserve(): Promise<string>;
  switchTo(copy: string): Promise<void>;
  remove(copy: string): Promise<void>;
  close(): Promise<void>;
}

const copyNumber = (name: string): number => Number(COPY_NAME.exec(name)?.[1] ?? -1);
const byNumber = (a: string, b: string) => copyNumber(a) - copyNumber(b);

export function openCopyDirectory(location: ReadModelLocation): CopyDirectory {
  return location.kind === 'sqlite' ? sqliteDirectory(location) : postgresDirectory(location);
}

function sqliteDirectory(location: Extract<ReadModelLocation, { kind: 'sqlite' }>): CopyDirectory {
  const dir = location.directory;
  const pointerFile = join(dir, 'current');
  const list = async () =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.sqlite') && COPY_NAME.test(f.slice(0, -'.sqlite'.length)))
          .map((f) => f.slice(0, -'.sqlite'.length))
          .sort(byNumber)
      : [];
  return {
    location,
    list,
    current: async () => {
      if (!existsSync(pointerFile)) return undefined;
      const pointer = JSON.parse(readFileSync(pointerFile, 'utf8')) as Pointer;
      return COPY_NAME.test(pointer.copy) ? pointer : undefined;
    },
    reserve: async () => {
      mkdirSync(dir, { recursive: true });
      for (let n = Math.max(0, ...(await list()).map(copyNumber)) + 1; ; n++) {
        const name = `${COPY_PREFIX}${n}`;
        try {
          closeSync(openSync(sqliteCopyPath(dir, name), 'wx')); // exclusive: two rebuilds never share a name
          return name;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
      }
    },
    switchTo: async (copy) => {
      const temporary = `${pointerFile}.${process.pid}.tmp`;
      writeFileSync(
        temporary,
        JSON.stringify({ copy, switchedAt: new Date().toISOString() } satisfies Pointer),
      );
      renameSync(temporary, pointerFile);
    },
    remove: async (copy) => {
      const path = sqliteCopyPath(dir, copy);
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    },
    close: async () => {},
  };
}

function postgresDirectory(location: Extract<ReadModelLocation, { kind: 'postgres' }>): CopyDirectory {
  const pool = new pg.Pool({ connectionString: location.url, max: 2 });
  // A server dropping an idle connection is not fatal: the next query reconnects or fails itself.
  pool.on('error', () => {});
  const pointerTable = `${quoteIdentifier(POINTER_SCHEMA)}.pointer`;
  let ready: Promise<unknown> | undefined;
  const ensurePointer = () => {
    ready ??= pool
      .query(`create schema if not exists ${quoteIdentifier(POINTER_SCHEMA)}`)
      .then(() =>
        pool.query(
          `create table if not exists ${pointerTable} (singleton boolean primary key default true check (singleton), copy text not null, switched_at timestamptz not null)`,
        ),
      );
    return ready;
  };
  const list = async () => {
    const rows = await pool.query<{ name: string }>(
      `select schema_name as name from information_schema.schemata where schema_name ~ '^read_model_[0-9]+$'`,
    );
    return rows.rows.map((r) => r.name).sort(byNumber);
  };
  return {
    location,
    list,
    current: async () => {
      await ensurePointer();
      const rows = await pool.query<{ copy: string; switched_at: Date }>(
        `select copy, switched_at from ${pointerTable}`,
      );
      const row = rows.rows[0];
      return row ? { copy: row.copy, switchedAt: new Date(row.switched_at).toISOString() } : undefined;
    },
    reserve: async () => {
      for (let n = Math.max(0, ...(await list()).map(copyNumber)) + 1; ; n++) {
        const name = `${COPY_PREFIX}${n}`;
        try {
          await pool.query(`create schema ${quoteIdentifier(name)}`); // fails when another rebuild took it
          return name;
        } catch (error) {
          if ((error as { code?: string }).code !== '42P06') throw error;
        }
      }
    },
    switchTo: async (copy) => {
      await ensurePointer();
      await pool.query(
        `insert into ${pointerTable} (singleton, copy, switched_at) values (true, $1, now()) on conflict (singleton) do update set copy = excluded.copy, switched_at = excluded.switched_at`,
        [copy],
      );
    },
    remove: async (copy) => {
      if (!COPY_NAME.test(copy)) throw new Error(`'${copy}' is not a read-model copy name`);
      await pool.query(`drop schema if exists ${quoteIdentifier(copy)} cascade`);
    },
    close: () => pool.end(),
  };
}
