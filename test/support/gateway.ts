// A real gateway (gramjs inside) pointed at a fake Telegram, for e2e tests.
import { type Logger, silentLogger } from '../../src/log/logger.ts';
import {
  createTelegramGateway,
  type GatewayConfig,
  type GatewayOptions,
  type TelegramGateway,
} from '../../src/telegram/index.ts';
import type { FakeTelegram } from './fake-telegram/index.ts';

export const TEST_API_HASH = '0123456789abcdef0123456789abcdef';

export function gatewayConfig(fake: FakeTelegram, overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    telegramApiId: 12345,
    telegramApiHash: TEST_API_HASH,
    telegramProxy: undefined,
    telegramTestServer: fake.address,
    sessionDir: '/nonexistent-session-dir',
    requestsPerSecond: 100,
    maxFloodWaitSeconds: 900,
    ...overrides,
  };
}

export function gatewayFor(
  fake: FakeTelegram,
  options: Partial<Omit<GatewayOptions, 'config'>> & {
    config?: Partial<GatewayConfig>;
    logger?: Logger;
  } = {},
): TelegramGateway {
  return createTelegramGateway({
    session: fake.sessionString,
    logger: silentLogger,
    reconnectDelayMs: { initial: 100, max: 1000 },
    ...options,
    config: gatewayConfig(fake, options.config),
  });
}
