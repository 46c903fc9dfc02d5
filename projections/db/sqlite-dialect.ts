// The ORM's way into a read-model file: a Kysely dialect over the copy's own node:sqlite connection,
// so the readers' ORM queries and the projector's statements share one connection and one SQLite
// library (two libraries in one process would release each other's file locks).
import { type SqliteDatabase, SqliteDialect } from 'kysely';
import { type Connection, returnsRows, type SqlValue } from '../../src/sqlite/connection.ts';

export function sqliteDialect(db: Connection): SqliteDialect {
  const database: SqliteDatabase = {
    prepare(sql) {
      const statement = db.prepare(sql);
      return {
        // Kysely reads rows only from statements that return them.
        reader: returnsRows(statement),
        all: (parameters) => statement.all(...(parameters as SqlValue[])),
        run: (parameters) => statement.run(...(parameters as SqlValue[])),
        iterate: (parameters) => statement.iterate(...(parameters as SqlValue[])),
      };
    },
    close() {
      if (db.isOpen) db.close();
    },
  };
  return new SqliteDialect({ database });
}
