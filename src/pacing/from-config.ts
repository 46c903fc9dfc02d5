// The process's request budget as the configuration sets it. One per process: the gateway paces
// every call through it and the backfill and media worker share it, so together they stay inside
// REQUESTS_PER_SECOND and every FLOOD_WAIT is counted once.
import type { Config } from '../config/index.ts';
import type { Logger } from '../log/logger.ts';
import { Pacer } from './pacer.ts';

export function requestPacer(
  config: Pick<Config, 'requestsPerSecond' | 'maxFloodWaitSeconds'>,
  logger: Logger,
): Pacer {
  const log = logger.child({ component: 'pacer' });
  return new Pacer({
    requestsPerSecond: config.requestsPerSecond,
    maxFloodWaitSeconds: config.maxFloodWaitSeconds,
    onFloodWait: ({ method, seconds, willWait }) =>
      log.warn(
        { method, seconds },
        willWait ? 'FLOOD_WAIT: pausing this method' : 'FLOOD_WAIT over the limit',
      ),
  });
}
