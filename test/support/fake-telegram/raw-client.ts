// A bare gramjs TelegramClient pointed at the fake, for tests of the fake itself and for tests that
// want gramjs without our gateway. gramjs ignores the port stored in a session (it dials 80 or 443),
// so a transport subclass forces every socket, including reconnects, to the fake's address.
import { TelegramClient } from 'telegram';
import { Logger, LogLevel } from 'telegram/extensions/Logger.js';
import { ConnectionTCPFull } from 'telegram/network/connection/index.js';
import { StringSession } from 'telegram/sessions/index.js';
import type { FakeTelegram } from './index.ts';

export function transportTo(host: string, port: number): typeof ConnectionTCPFull {
  return class FakeTransport extends ConnectionTCPFull {
    constructor(options: any) {
      super({ ...options, ip: host, port });
    }
  };
}

export function rawClient(fake: FakeTelegram, session = fake.sessionString): TelegramClient {
  return new TelegramClient(new StringSession(session), 12345, '0123456789abcdef0123456789abcdef', {
    connection: transportTo(fake.host, fake.port),
    baseLogger: new Logger(LogLevel.NONE),
    connectionRetries: 3,
    retryDelay: 100,
    floodSleepThreshold: 0,
  });
}

/**
 * client.destroy() forgets exported senders and their 30 s release timers (it calls Object.values on
 * Maps); stop them first so nothing keeps the process alive.
 */
export async function destroyRawClient(client: TelegramClient): Promise<void> {
  const internals = client as any;
  for (const timer of internals._exportedSenderReleaseTimeouts.values()) clearTimeout(timer);
  internals._exportedSenderReleaseTimeouts.clear();
  for (const pending of internals._exportedSenderPromises.values()) {
    const sender = await Promise.resolve(pending).catch(() => undefined);
    await sender?.disconnect();
  }
  internals._exportedSenderPromises.clear();
  await client.destroy();
}
