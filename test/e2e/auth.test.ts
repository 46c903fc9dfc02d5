// `telegram-archive auth` against the fake Telegram: interactive and non-interactive logins, two-step
// verification through the real SRP path, and every failure with a clear message.

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { commands } from '../../src/cli/commands/index.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { createTelegramGateway } from '../../src/telegram/index.ts';
import { writeSession } from '../../src/telegram/session-file.ts';
import { runCommands } from '../support/cli-in-process.ts';
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram/index.ts';
import { gatewayConfig, TEST_API_HASH } from '../support/gateway.ts';
import { tempDir } from '../support/listener.ts';
import { waitFor } from '../support/wait.ts';

describe('auth command', () => {
  let fake: FakeTelegram;
  let dataDir: string;
  let sessionDir: string;

  beforeEach(async () => {
    fake = await startFakeTelegram({ phone: '+15550001111' });
    dataDir = tempDir();
    sessionDir = join(dataDir, 'session');
    // A fresh install: a key that still has to log in (the fake hands out keys instead of a DH exchange).
    writeSession(sessionDir, fake.newSession({ authorized: false }));
  });
  afterEach(async () => {
    await fake.close();
    expect(fake.server.unexpectedErrors).toEqual([]);
  });

  async function auth(args: string[], env: Record<string, string> = {}, input?: string | PassThrough) {
    const stdin = input instanceof PassThrough ? input : new PassThrough();
    if (typeof input === 'string') stdin.end(input);
    else if (input === undefined) stdin.end();
    return runCommands(
      commands,
      ['auth', ...args],
      {
        stdin,
        cwd: dataDir,
        env: {
          TELEGRAM_API_ID: '12345',
          TELEGRAM_API_HASH: TEST_API_HASH,
          TELEGRAM_TEST_SERVER: fake.address,
          DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
          ...env,
        },
      },
      '0.0.0',
    );
  }

  const sessionWorks = async () => {
    const gateway = createTelegramGateway({
      config: gatewayConfig(fake, { sessionDir }),
      logger: silentLogger,
    });
    try {
      return (await gateway.connect()).userId;
    } finally {
      await gateway.disconnect();
    }
  };

  it('logs in from flags without a terminal and stores the session with mode 0600', async () => {
    const result = await auth(['--phone', '+15550001111', '--code', '12345']);
    expect(result.err).toContain('A login code was sent to your Telegram app');
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Logged in as Archivist (@archivist), user id ${fake.world.me.id}`);
    expect(statSync(join(sessionDir, 'telegram.session')).mode & 0o777).toBe(0o600);
    expect(await sessionWorks()).toBe(String(fake.world.me.id));
    expect(result.out + result.err).not.toContain('+15550001111');
  });

  it('runs two-step verification with TELEGRAM_PASSWORD through the SRP check', async () => {
    fake.world.account.password = 'hunter2';
    const ok = await auth(['--code', '12345'], {
      TELEGRAM_PHONE: '+15550001111',
      TELEGRAM_PASSWORD: 'hunter2',
    });
    expect(ok.code).toBe(0);
    expect(fake.server.countRequests('auth.CheckPassword')).toBe(1);
  });

  it('says so when the two-step password is wrong, or missing without a terminal', async () => {
    fake.world.account.password = 'hunter2';
    const wrong = await auth(['--code', '12345'], {
      TELEGRAM_PHONE: '+15550001111',
      TELEGRAM_PASSWORD: 'nope',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('The two-step verification password is wrong (PASSWORD_HASH_INVALID)');
    const missing = await auth(['--phone', '+15550001111', '--code', '12345']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('This account has two-step verification: set TELEGRAM_PASSWORD');
  });

  it('asks interactively, lets a wrong code be typed again, and never echoes the password', async () => {
    fake.world.account.password = 'correct horse';
    const result = await auth([], {}, '+15550001111\n00000\n12345\ncorrect horse\n');
    expect(result.code).toBe(0);
    expect(result.err).toContain('Phone number (international format');
    expect(result.err).toContain('That code is wrong; try again.');
    expect(result.err).toContain('Two-step verification password');
    expect(result.err + result.out).not.toContain('correct horse');
    expect(await sessionWorks()).toBe(String(fake.world.me.id));
  });

  it('reads the code from a file that appears later (containers)', async () => {
    const codeFile = join(dataDir, 'code.txt');
    fake.server.onRequest((entry) => {
      if (entry.method === 'auth.SendCode') setTimeout(() => writeFileSync(codeFile, '12345\n'), 300);
    });
    const result = await auth(['--phone', '+15550001111', '--code-file', codeFile]);
    expect(result.code).toBe(0);
  });

  it('fails clearly on a wrong code, an expired code and a FLOOD_WAIT', async () => {
    const wrong = await auth(['--phone', '+15550001111', '--code', '99999']);
    expect(wrong).toMatchObject({ code: 1 });
    expect(wrong.err).toContain('The login code is wrong (PHONE_CODE_INVALID)');
    fake.login.codeLifetimeMs = -1;
    const expired = await auth(['--phone', '+15550001111', '--code', '12345']);
    expect(expired.err).toContain('The login code has expired (PHONE_CODE_EXPIRED)');
    expect(expired.err).toContain('again for a new code');
    fake.faults.failNext('auth.SendCode', 'FLOOD_WAIT_300');
    const flood = await auth(['--phone', '+15550001111', '--code', '12345']);
    expect(flood.code).toBe(1);
    expect(flood.err).toContain('Telegram asks to wait 5 minutes (FLOOD_WAIT_300)');
    const badPhone = await auth(['--phone', '12345']);
    expect(badPhone.code).toBe(2);
  });

  it('keeps a session that still works unless --force is given', async () => {
    writeSession(sessionDir, fake.sessionString);
    const before = readFileSync(join(sessionDir, 'telegram.session'), 'utf8');
    const refused = await auth(['--phone', '+15550001111', '--code', '12345']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('Already logged in as Archivist');
    expect(refused.err).toContain('Use --force');
    expect(readFileSync(join(sessionDir, 'telegram.session'), 'utf8')).toBe(before);
    expect(fake.server.countRequests('auth.SendCode')).toBe(0);
  });

  it('with --force logs the old session out and logs in again', async () => {
    writeSession(sessionDir, fake.sessionString);
    const forced = await auth(['--force', '--phone', '+15550001111', '--code', '12345']);
    expect(forced.err).toContain('Logging out Archivist');
    expect(forced.code).toBe(0);
    const methods = fake.server.requests.map((r) => r.method);
    expect(methods.indexOf('auth.LogOut')).toBeLessThan(methods.indexOf('auth.SignIn'));
    expect(await sessionWorks()).toBe(String(fake.world.me.id));
  });

  it('needs the API credentials', async () => {
    const result = await auth([], { TELEGRAM_API_ID: '', TELEGRAM_API_HASH: '' });
    expect(result.code).toBe(1);
    expect(result.err).toContain('TELEGRAM_API_ID and TELEGRAM_API_HASH are required');
  });

  it('stops with a clear message when input ends before the code', async () => {
    const input = new PassThrough();
    const running = auth(['--phone', '+15550001111'], {}, input);
    await waitFor(() => fake.server.countRequests('auth.SendCode') === 1, 'the code request');
    input.end();
    const result = await running;
    expect(result.code).toBe(1);
    expect(result.err).toContain('the input was closed');
    expect(result.err).toContain('--code or --code-file');
  });
});
