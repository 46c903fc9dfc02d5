// PostgreSQL for tests: each suite gets its own fresh database on the server at TEST_DATABASE_URL
// and drops it afterwards. Without a server the suites are skipped with a visible notice, except
// under CI=true, where a missing PostgreSQL is a failure.
import { describe } from '@jest/globals';
import pg from 'pg';

export const testDatabaseUrl = process.env.TEST_DATABASE_URL;

/** `describe` when PostgreSQL is available; otherwise a loud skip (or a failure in CI). */
export function describePostgres(name: string, body: () => void): void {
  if (testDatabaseUrl) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      throw new Error(
        'TEST_DATABASE_URL is not set: PostgreSQL suites must run in CI (see scripts/pg-start.sh)',
      );
    });
    return;
  }
  process.stderr.write(`\n[notice] skipping PostgreSQL suite "${name}": set TEST_DATABASE_URL to run it\n`);
  describe.skip(name, body);
}

/** Creates an empty database and returns its URL and a function that drops it. */
export async function createTestDatabase(prefix = 'ta'): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!testDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: testDatabaseUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
