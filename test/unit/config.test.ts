import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, describeConfig, envExample, loadConfig } from '../../src/config/index.ts';
import { variables } from '../../src/config/variables.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'ta-config-'));

function problemsOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives a complete, typed configuration from defaults alone', () => {
    const cwd = tmp();
    const { config, sources } = loadConfig({ env: {}, cwd });
    expect(config.dataDir).toBe(join(cwd, 'data'));
    expect(config.sessionDir).toBe(join(cwd, 'data', 'session'));
    expect(config.eventStore).toBe('sqlite');
    expect(config.eventStoreLocation).toBe(join(cwd, 'data', 'events.sqlite'));
    expect(config.readModelLocation).toBe(join(cwd, 'data', 'read-model'));
    expect(config.viewerPort).toBe(8080);
    expect(config.mediaTypes).toContain('round');
    expect(config.chatsInclude).toEqual([]);
    expect(sources.DATA_DIR).toBe('default');
  });

  it('reports every problem at once, naming the variable, the value and what is expected', () => {
    const error = problemsOf(() =>
      loadConfig({
        env: {
          TELEGRAM_API_ID: 'abc',
          VIEWER_PORT: '70000',
          CHAT_TYPES: 'private,robots',
          SCHEDULE: 'every day',
        },
        cwd: tmp(),
      }),
    );
    const byName = Object.fromEntries(error.problems.map((p) => [p.variable, p]));
    expect(Object.keys(byName).sort()).toEqual(['CHAT_TYPES', 'SCHEDULE', 'TELEGRAM_API_ID', 'VIEWER_PORT']);
    expect(byName.TELEGRAM_API_ID!.shownValue).toBe("'abc'");
    expect(byName.VIEWER_PORT!.expected).toBe('a whole number from 0 to 65535');
    expect(byName.CHAT_TYPES!.expected).toContain("'robots' is not");
    expect(error.message).toMatch(/^Invalid configuration \(4 problems\):/);
  });

  it('never echoes secrets, and strips passwords from URLs', () => {
    const error = problemsOf(() =>
      loadConfig({
        env: {
          TELEGRAM_API_HASH: 'not-a-hash-but-secret',
          EVENT_STORE: 'postgres',
          EVENT_STORE_URL: 'mysql://admin:hunter22@db/x',
        },
        cwd: tmp(),
      }),
    );
    expect(error.message).not.toContain('not-a-hash-but-secret');
    expect(error.message).not.toContain('hunter22');
    expect(error.message).toContain('TELEGRAM_API_HASH=<redacted>');
    expect(error.message).toContain("EVENT_STORE_URL='mysql://admin:***@db/x'");
  });

  it('requires the URL of a server-backed store', () => {
    const error = problemsOf(() =>
      loadConfig({ env: { EVENT_STORE: 'eventstoredb', READ_MODEL: 'postgres' }, cwd: tmp() }),
    );
    expect(error.problems.map((p) => p.variable)).toEqual(['EVENT_STORE_URL', 'READ_MODEL_URL']);
    expect(error.problems[0]!.expected).toBe('an esdb:// URL because eventstoredb was chosen');
  });

  it('reads ./.env, lets the environment win, and lets flags win over both', () => {
    const cwd = tmp();
    writeFileSync(join(cwd, '.env'), 'VIEWER_PORT=9000\nLOG_LEVEL=warn\nKAFKA_TOPIC=from-file\n');
    const { config, sources } = loadConfig({
      env: { LOG_LEVEL: 'error' },
      cwd,
      overrides: { VIEWER_PORT: '9100' },
    });
    expect(config.kafkaTopic).toBe('from-file');
    expect(sources.KAFKA_TOPIC).toBe('env file');
    expect(config.logLevel).toBe('error');
    expect(sources.LOG_LEVEL).toBe('environment');
    expect(config.viewerPort).toBe(9100);
    expect(sources.VIEWER_PORT).toBe('command line');
  });

  it('fails on an explicit env file that does not exist', () => {
    const cwd = tmp();
    const error = problemsOf(() => loadConfig({ env: {}, cwd, envFile: 'missing.env' }));
    expect(error.problems[0]).toMatchObject({
      variable: '--env-file',
      expected: 'an existing, readable file',
    });
  });

  it('derives the session directory from --data-dir unless SESSION_DIR is given', () => {
    const cwd = tmp();
    expect(loadConfig({ env: {}, cwd, overrides: { DATA_DIR: '/srv/archive' } }).config.sessionDir).toBe(
      '/srv/archive/session',
    );
    expect(loadConfig({ env: { SESSION_DIR: 'secrets' }, cwd }).config.sessionDir).toBe(join(cwd, 'secrets'));
  });

  it('describes the effective configuration with secrets redacted and sources named', () => {
    const loaded = loadConfig({ env: { VIEWER_TOKEN: 'a-very-long-secret-token' }, cwd: tmp() });
    const lines = describeConfig(loaded);
    expect(lines).toContain('VIEWER_TOKEN=<redacted>  (environment)');
    expect(lines.join('\n')).not.toContain('a-very-long-secret-token');
    expect(lines).toHaveLength(Object.keys(variables).length);
  });
});

describe('documentation stays in step with the variables', () => {
  it('.env.example is exactly what `config example` prints', async () => {
    const file = await readFile(new URL('../../.env.example', import.meta.url), 'utf8');
    expect(file).toBe(envExample());
  });

  it('README.md documents every variable', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const missing = Object.values(variables)
      .map((v) => v.name)
      .filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('the defaults in .env.example load as a valid configuration', () => {
    const cwd = tmp();
    writeFileSync(join(cwd, '.env'), envExample());
    expect(() => loadConfig({ env: {}, cwd })).not.toThrow();
  });
});
