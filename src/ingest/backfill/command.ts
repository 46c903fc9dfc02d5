// What `telegram-archive backfill` does once its arguments are read: take the run lock, open the
// store, connect, run the backfill with progress per chat, wait for the queued files, and print the
// summary table. Ctrl-C stops it cleanly: chats end as interrupted and the next run resumes them.
import { join } from 'node:path';
import { type CommandContext, listOption, stringOption, UsageError } from '../../cli/command.ts';
import { createProgress } from '../../cli/progress.ts';
import { CliFailure } from '../../cli/run-cli.ts';
import { ensureWritableDirectory } from '../../config/directories.ts';
import { openEventStore } from '../../eventstore/index.ts';
import { requestPacer } from '../../pacing/from-config.ts';
import {
  createTelegramGateway,
  MissingCredentialsError,
  NotAuthorizedError,
  SessionFileError,
} from '../../telegram/index.ts';
import { describeError } from '../describe-error.ts';
import type { MediaWorker } from '../media/worker.ts';
import { BACKFILL_LOCK_FILE, backfillComponents } from './components.ts';
import { runBackfill } from './index.ts';
import { BackfillArgumentError, backfillRequest } from './request.ts';
import { acquireRunLock, RunLockBusyError } from './run-lock.ts';
import { renderSummaryTable } from './summary.ts';

export const lockPath = (dataDir: string): string => join(dataDir, BACKFILL_LOCK_FILE);

export async function runBackfillCommand(context: CommandContext): Promise<number> {
  let request: ReturnType<typeof backfillRequest>;
  try {
    request = backfillRequest({
      chats: listOption(context.options, 'chat'),
      all: context.options.all === true,
      full: context.options.full === true,
      verify: context.options.verify === true,
      since: stringOption(context.options, 'since'),
      until: stringOption(context.options, 'until'),
    });
  } catch (error) {
    if (error instanceof BackfillArgumentError) throw new UsageError(error.message, 'backfill');
    throw error;
  }
  const { config } = context.config();
  const logger = context.logger();
  if (!config.telegramApiId || !config.telegramApiHash)
    throw new CliFailure(new MissingCredentialsError().message);
  ensureWritableDirectory(config.dataDir, 'DATA_DIR');
  let lock: ReturnType<typeof acquireRunLock>;
  try {
    lock = acquireRunLock(lockPath(config.dataDir), 'telegram-archive backfill');
  } catch (error) {
    if (error instanceof RunLockBusyError)
      throw new CliFailure(`${error.message}; try again when it has finished`);
    throw error;
  }
  const store = await openEventStore(config, logger).catch((error: unknown) => {
    lock.release();
    throw error;
  });
  const pacer = requestPacer(config, logger);
  const gateway = createTelegramGateway({ config, logger: logger.child({ component: 'telegram' }), pacer });
  let worker: MediaWorker | undefined;
  const stopMedia = () => void worker?.stop();
  context.signal.addEventListener('abort', stopMedia, { once: true });
  try {
    const account = (await gateway.connect(context.signal)).userId;
    const parts = backfillComponents({ config, gateway, store, account, logger, pacer });
    worker = parts.media;
    if (context.signal.aborted) stopMedia();
    const summary = await runBackfill(request, {
      ...parts.deps,
      waitForMedia: true,
      progress: (label, total) =>
        createProgress({ label, total, unit: 'messages', stream: context.stderr, logger: parts.deps.logger }),
      signal: context.signal,
    });
    context.stdout.write(renderSummaryTable(summary));
    const incomplete = summary.chats.filter((c) => c.status !== 'completed');
    if (incomplete.length > 0) {
      context.stderr.write(
        `${incomplete.length} of ${summary.chats.length} chats did not complete (reasons above); the next run resumes them.\n`,
      );
      return 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof NotAuthorizedError || error instanceof SessionFileError)
      throw new CliFailure(error.message);
    if (context.signal.aborted)
      throw new CliFailure(`Stopped before the backfill began (${describeError(error)})`);
    throw error;
  } finally {
    context.signal.removeEventListener('abort', stopMedia);
    await worker?.stop();
    await gateway.disconnect();
    await store.close();
    lock.release();
  }
}
