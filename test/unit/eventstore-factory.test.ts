// openEventStore: the configuration picks the adapter; the SQLite default makes its own directory.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { loadConfig } from '../../src/config/index.ts';
import { StoreUnavailableError } from '../../src/eventstore/errors.ts';
import { openEventStore } from '../../src/eventstore/index.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { sampleEvent } from '../support/sample-events.ts';

/** A loopback port nothing listens on. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('openEventStore', () => {
  test('sqlite by default: creates DATA_DIR and the event file inside it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ta-factory-'));
    try {
      const { config } = loadConfig({ env: { DATA_DIR: 'nested/data' }, cwd });
      const store = await openEventStore(config, silentLogger);
      await store.append('account-1', [sampleEvent('AccountLinked')]);
      await store.close();
      expect(existsSync(join(cwd, 'nested', 'data', 'events.sqlite'))).toBe(true);
      expect(store.description).toContain(join(cwd, 'nested', 'data', 'events.sqlite'));
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  test('postgres: an unreachable server is reported without its password', async () => {
    const { config } = loadConfig({
      env: { EVENT_STORE: 'postgres', EVENT_STORE_URL: 'postgres://me:hunter2-secret@127.0.0.1:1/events' },
      cwd: tmpdir(),
    });
    const error = await openEventStore(config, silentLogger).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error!.message).not.toContain('hunter2-secret');
  });

  test('eventstoredb: an unreachable server is reported without its password', async () => {
    const port = await closedPort();
    const { config } = loadConfig({
      env: {
        EVENT_STORE: 'eventstoredb',
        EVENT_STORE_URL: `esdb://admin:hunter2-secret@127.0.0.1:${port}?tls=false`,
      },
      cwd: tmpdir(),
    });
    const error = await openEventStore(config, silentLogger).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error!.message).toContain(`esdb://admin:***@127.0.0.1:${port}`);
    expect(error!.message).not.toContain('hunter2-secret');
  });
});
