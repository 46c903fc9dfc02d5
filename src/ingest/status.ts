// The listener's status file, for `telegram-archive health` (format: src/health/status-file.ts).
// The listener owns one reporter for its lifetime and tells it about the Telegram connection:
//   const status = createListenerStatus(config.dataDir, logger);
//   status.set('connecting');                     // before connect and on every reconnect attempt
//   status.set('connected');                      // once updates flow (after getDifference caught up)
//   status.set('disconnected', 'network lost');   // on a drop; a reason, never message text
//   status.stop();                                // on shutdown
// The reporter rewrites DATA_DIR/status/listener.json every 15 s, so a wedged process shows up as
// a stale heartbeat. Health calls the listener unhealthy when it is not `connected` for more than
// a grace period (default 120 s), or when the heartbeat is older than 60 s.

import { createStatusReporter, type StatusReporter } from '../health/status-file.ts';
import type { Logger } from '../log/logger.ts';
import type { ConnectionState } from '../telegram/index.ts';

export const LISTENER_ROLE = 'listener';

export function createListenerStatus(dataDir: string, logger?: Logger): StatusReporter {
  return createStatusReporter(dataDir, LISTENER_ROLE, { logger });
}

/**
 * The listener callbacks that keep the status true: `connected` once caught up for the first time,
 * then `disconnected` on every drop and `connected` again on every reconnect.
 */
export function listenerStatusHooks(status: StatusReporter): {
  readonly onReady: () => void;
  readonly onConnectionChange: (state: ConnectionState) => void;
} {
  let ready = false;
  return {
    onReady: () => {
      ready = true;
      status.set('connected');
    },
    onConnectionChange: (state) => {
      if (!ready) return; // before the first catch-up the status stays `connecting`
      if (state === 'connected') status.set('connected');
      else status.set('disconnected', state === 'broken' ? 'connection broken' : 'connection lost');
    },
  };
}
