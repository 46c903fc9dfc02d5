// openEventStore: the configuration picks the adapter; the SQLite default makes its own directory.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { loadConfig } from '../../src/config/index.ts';
import { StoreUnavailableError } from '../../src/eventstore/errors.ts';
import { openEventStore } from '../../src/eventstore/index.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { sampleEvent } from '../support/sample-events.ts';

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

  test('eventstoredb: a clear error until that adapter is part of the build', async () => {
    const { config } = loadConfig({
      env: { EVENT_STORE: 'eventstoredb', EVENT_STORE_URL: 'esdb://127.0.0.1:2113?tls=false' },
      cwd: tmpdir(),
    });
    await expect(openEventStore(config, silentLogger)).rejects.toThrow(/eventstoredb is not available/);
  });
});
