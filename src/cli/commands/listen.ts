// `telegram-archive listen`: follow the account live and record every change as events, catching up
// on what was missed while it was down. Stops cleanly on Ctrl-C / SIGTERM.

import { mediaWorkerFor } from '../../ingest/backfill/components.ts';
import type { BackfillService } from '../../ingest/backfill/service.ts';
import { runListener, UpdateStateFileError } from '../../ingest/index.ts';
import type { MediaWorker } from '../../ingest/media/worker.ts';
import { createListenerStatus, listenerStatusHooks } from '../../ingest/status.ts';
import { requestPacer } from '../../pacing/from-config.ts';
import {
  createTelegramGateway,
  MissingCredentialsError,
  NotAuthorizedError,
  SessionFileError,
} from '../../telegram/index.ts';
import type { Command } from '../command.ts';
import { openEventStoreWhenReachable } from '../open-store.ts';
import { CliFailure } from '../run-cli.ts';

export const listenCommand: Command = {
  name: 'listen',
  summary: 'Record live updates: new messages, edits, deletions, reactions, pins, chat and user changes',
  description:
    'Connects with the session from `telegram-archive auth`, fetches what changed since the last run ' +
    '(getDifference), then records updates as they arrive. Reconnects by itself; gaps too large to fetch ' +
    'are recorded as GapDetected for the backfill. Ctrl-C or SIGTERM stops it after the queued updates ' +
    'are recorded (within 10 s). Files of new messages are downloaded in the background as MEDIA_TYPES, ' +
    'MAX_MEDIA_SIZE_MB and MEDIA_EXCLUDE_CHATS allow; downloads cut short by a stop resume on the next run.',
  options: {
    'no-schedule': {
      type: 'boolean',
      description:
        'Do not run the scheduled backfill here (by default it runs on SCHEDULE, and at once for gaps the listener cannot close)',
    },
  },
  examples: [
    'telegram-archive listen',
    'telegram-archive listen --log-level debug',
    'telegram-archive listen --no-schedule',
  ],
  run: async (context) => {
    const { config } = context.config();
    const logger = context.logger();
    if (!config.telegramApiId || !config.telegramApiHash)
      throw new CliFailure(new MissingCredentialsError().message);
    const store = await openEventStoreWhenReachable(config, logger, context.signal);
    if (!store) return 0; // stopped while waiting for the store
    const pacer = requestPacer(config, logger);
    const gateway = createTelegramGateway({ config, logger: logger.child({ component: 'telegram' }), pacer });
    // The scheduled backfill shares this connection, its request budget and the media worker; it
    // stops as soon as the listener is asked to, so it never outlives the connection.
    let media: MediaWorker | undefined;
    let backfill: BackfillService | undefined;
    let starting: Promise<void> | undefined;
    const startBackfill = async (account: string) => {
      try {
        const { startScheduledBackfill } = await import('../../ingest/backfill/service.ts');
        if (!context.signal.aborted)
          backfill = startScheduledBackfill({ config, gateway, store, account, logger, pacer, media });
      } catch (error) {
        logger.error({ error: (error as Error).message }, 'the scheduled backfill could not start');
      }
    };
    const stopBackfill = async () => {
      await starting;
      await backfill?.stop();
    };
    context.signal.addEventListener('abort', () => void stopBackfill(), { once: true });
    // For `health`: DATA_DIR/status/listener.json (format in src/ingest/status.ts).
    const status = createListenerStatus(config.dataDir, logger);
    status.set('connecting');
    const statusHooks = listenerStatusHooks(status);
    try {
      const summary = await runListener({
        gateway,
        store,
        dataDir: config.dataDir,
        logger: logger.child({ component: 'listener' }),
        signal: context.signal,
        media: (account) =>
          (media = mediaWorkerFor({ config, store, account: account.userId, pacer, logger })),
        onConnectionChange: statusHooks.onConnectionChange,
        onReady: (account) => {
          statusHooks.onReady();
          context.stderr.write(
            `Listening as user ${account.userId}; Ctrl-C stops after recording what is queued.\n`,
          );
          if (context.options['no-schedule'] !== true) starting = startBackfill(account.userId);
        },
      });
      context.stderr.write(`Stopped. ${summary.appended} events recorded.\n`);
      return 0;
    } catch (error) {
      if (
        error instanceof NotAuthorizedError ||
        error instanceof SessionFileError ||
        error instanceof UpdateStateFileError
      )
        throw new CliFailure(error.message);
      throw error;
    } finally {
      await stopBackfill();
      status.stop();
      await store.close();
    }
  },
};
