// Builds the gramjs client from our configuration: API credentials, the session, a SOCKS proxy and,
// for tests, TELEGRAM_TEST_SERVER, which sends every connection to a fake server. Also the clean
// shutdown gramjs lacks. The transport underneath is gramjs's own protocol with faster parts of ours
// (see transport/): a socket that does not re-copy what it receives, native CRC32, table-based
// AES-IGE decryption and native reads of 64-bit fields.
import { TelegramClient } from 'telegram';
import { Logger as GramLogger, LogLevel } from 'telegram/extensions/Logger.js';
import { StringSession } from 'telegram/sessions/index.js';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log/logger.ts';
import { MissingCredentialsError } from './errors.ts';
import { useWordTableIge } from './transport/gramjs-ige.ts';
import { useNativeLongs } from './transport/long-reader.ts';
import { QueuedNetSocket } from './transport/socket.ts';
import { NativeCrcTcpFull } from './transport/tcp-full.ts';

export type ClientConfig = Pick<
  Config,
  'telegramApiId' | 'telegramApiHash' | 'telegramProxy' | 'telegramTestServer'
>;

/** gramjs log lines go to our logger at debug (they may name peers, never message text). */
class BridgeLogger extends GramLogger {
  private readonly target: Logger;
  constructor(target: Logger) {
    super(target.isLevelEnabled('trace') ? LogLevel.DEBUG : LogLevel.NONE);
    this.target = target;
  }
  override log(level: LogLevel, message: string): void {
    this.target.debug({ gramjs: level }, message);
  }
}

/** SOCKS proxy from TELEGRAM_PROXY (socks5://user:pass@host:port). */
export function proxyFromUrl(url: string): {
  ip: string;
  port: number;
  socksType: 4 | 5;
  username?: string;
  password?: string;
} {
  const parsed = new URL(url);
  return {
    ip: parsed.hostname,
    port: Number(parsed.port || 1080),
    socksType: parsed.protocol === 'socks4:' ? 4 : 5,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
  };
}

/** gramjs dials port 80/443 whatever the session says; a test server needs every socket redirected. */
function transportTo(address: string): typeof NativeCrcTcpFull {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  const port = Number(address.slice(colon + 1));
  return class TestServerTransport extends NativeCrcTcpFull {
    constructor(options: any) {
      super({ ...options, ip: host, port, proxy: undefined });
    }
  };
}

export function createGramClient(config: ClientConfig, session: string, logger: Logger): TelegramClient {
  if (!config.telegramApiId || !config.telegramApiHash) throw new MissingCredentialsError();
  useWordTableIge();
  useNativeLongs();
  return new TelegramClient(new StringSession(session), config.telegramApiId, config.telegramApiHash, {
    connection: config.telegramTestServer ? transportTo(config.telegramTestServer) : NativeCrcTcpFull,
    networkSocket: QueuedNetSocket,
    proxy:
      config.telegramProxy && !config.telegramTestServer ? proxyFromUrl(config.telegramProxy) : undefined,
    baseLogger: new BridgeLogger(logger),
    // One attempt per connect: our supervisor owns retrying, with backoff and a stop signal.
    connectionRetries: 1,
    retryDelay: 100,
    autoReconnect: true,
    // gramjs would sleep through FLOOD_WAITs itself; our pacer does it per method, abortably.
    floodSleepThreshold: 0,
    deviceModel: 'telegram-archive',
    appVersion: '0.1',
  });
}

/**
 * client.destroy() forgets exported (download) senders and their 30 s release timers because it
 * walks two Maps with Object.values, and a reconnect scheduled just before still fires afterwards.
 * Stop all of that first so a shut-down client leaves no socket or timer behind.
 */
export async function destroyGramClient(client: TelegramClient): Promise<void> {
  const internals = client as any;
  const sender = internals._sender;
  if (sender) sender._reconnect = async () => undefined;
  for (const timer of internals._exportedSenderReleaseTimeouts?.values() ?? []) clearTimeout(timer);
  internals._exportedSenderReleaseTimeouts?.clear();
  for (const pending of internals._exportedSenderPromises?.values() ?? []) {
    const exported = await Promise.resolve(pending).catch(() => undefined);
    if (exported) {
      exported._reconnect = async () => undefined;
      await exported.disconnect().catch(() => undefined);
    }
  }
  internals._exportedSenderPromises?.clear();
  await client.destroy();
}

/** The session string as gramjs would save it (after login the key is authorized). */
export function sessionString(client: TelegramClient): string {
  return String(client.session.save());
}
