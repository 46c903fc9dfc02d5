// Client construction details that need no network: proxy parsing, the session file, credentials.

import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { silentLogger } from '../../../src/log/logger.ts';
import { createGramClient, proxyFromUrl } from '../../../src/telegram/client.ts';
import {
  readSession,
  SessionFileError,
  sessionPath,
  writeSession,
} from '../../../src/telegram/session-file.ts';

describe('proxyFromUrl', () => {
  it('reads SOCKS5 and SOCKS4 proxies with credentials', () => {
    expect(proxyFromUrl('socks5://user:p%40ss@proxy.example:1081')).toEqual({
      ip: 'proxy.example',
      port: 1081,
      socksType: 5,
      username: 'user',
      password: 'p@ss',
    });
    expect(proxyFromUrl('socks4://10.0.0.1:9050')).toMatchObject({
      ip: '10.0.0.1',
      port: 9050,
      socksType: 4,
    });
  });
});

describe('session file', () => {
  it('writes with mode 0600 and reads back; no file means no session', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ta-session-')), 'session');
    expect(readSession(dir)).toBeUndefined();
    const session = `1${Buffer.alloc(270, 7).toString('base64')}`;
    writeSession(dir, session);
    expect(statSync(sessionPath(dir)).mode & 0o777).toBe(0o600);
    expect(readSession(dir)).toBe(session);
  });

  it('refuses a file that is not a session, naming the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ta-session-'));
    writeFileSync(sessionPath(dir), 'not a session');
    expect(() => readSession(dir)).toThrow(SessionFileError);
    expect(() => readSession(dir)).toThrow('telegram-archive auth --force');
  });
});

describe('createGramClient', () => {
  it('needs the API id and hash', () => {
    expect(() =>
      createGramClient(
        {
          telegramApiId: undefined,
          telegramApiHash: undefined,
          telegramProxy: undefined,
          telegramTestServer: undefined,
        },
        '',
        silentLogger,
      ),
    ).toThrow('TELEGRAM_API_ID and TELEGRAM_API_HASH are required');
  });
});
