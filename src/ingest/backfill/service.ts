// Backfill as a long-running service for listen/run mode: the cron schedule runs a catch-up of every
// allowed dialog, and a watcher on the event log starts a run for just the affected chats as soon as
// the listener records a gap it cannot close itself (GapDetected with backfillRequested).
import { join } from 'node:path';
import type { Config } from '../../config/index.ts';
import { streams } from '../../events/peers.ts';
import type { EventStore } from '../../eventstore/port.ts';
import type { Logger } from '../../log/logger.ts';
import type { Pacer } from '../../pacing/pacer.ts';
import type { TelegramGateway } from '../../telegram/index.ts';
import { describeError } from '../describe-error.ts';
import type { MediaWorker } from '../media/worker.ts';
import { BACKFILL_LOCK_FILE, type BackfillConfig, backfillComponents } from './components.ts';
import { type BackfillDeps, runBackfill } from './index.ts';
import type { PageEntity, PageMessage } from './ports.ts';
import { BackfillScheduler } from './scheduler.ts';
import { type RunSummary, totals } from './summary.ts';

export interface BackfillServiceOptions<M extends PageMessage, E extends PageEntity>
  extends Omit<BackfillDeps<M, E>, 'store' | 'signal'> {
  readonly store: EventStore;
  readonly schedule: string;
  readonly lockPath: string;
  /** Also run once right away (catch up after downtime). */
  readonly runAtStart?: boolean;
}

export interface BackfillService {
  readonly scheduler: BackfillScheduler<RunSummary>;
  stop(): Promise<void>;
}

export function startBackfillService<M extends PageMessage, E extends PageEntity>(
  options: BackfillServiceOptions<M, E>,
): BackfillService {
  const stopping = new AbortController();
  const scheduler = new BackfillScheduler<RunSummary>({
    schedule: options.schedule,
    lockPath: options.lockPath,
    logger: options.logger,
    run: (signal, trigger) =>
      runBackfill(
        { chats: [], all: trigger !== 'gap', gapsOnly: trigger === 'gap', mode: 'catch-up' },
        { ...options, signal },
      ),
    describe: (summary) => totals(summary),
  }).start();
  const watching = watchGaps(options, scheduler, stopping.signal);
  // Gaps recorded while no backfill was running are answered now, not at the next tick.
  void scheduler.trigger(options.runAtStart ? 'start' : 'gap');
  return {
    scheduler,
    stop: async () => {
      stopping.abort();
      await Promise.all([scheduler.stop(), watching]);
    },
  };
}

async function watchGaps<M extends PageMessage, E extends PageEntity>(
  options: BackfillServiceOptions<M, E>,
  scheduler: BackfillScheduler<RunSummary>,
  signal: AbortSignal,
): Promise<void> {
  const accountStream = streams.account(options.account);
  let position = await options.store.headPosition();
  while (!signal.aborted) {
    try {
      if (!(await options.store.waitForEvents(position, { signal, timeoutMs: 60_000 }))) continue;
      // The head is taken first: whatever lands after it is read again next time, never skipped.
      const head = await options.store.headPosition();
      const events = await options.store.readAll({
        after: position,
        types: ['GapDetected'],
        streamPrefix: accountStream,
      });
      const requested = events.some((e) => e.type === 'GapDetected' && e.data.backfillRequested);
      position = head;
      if (requested) {
        options.logger.info('gap reported by the listener: backfilling the affected chats');
        void scheduler.trigger('gap');
      }
    } catch (error) {
      if (signal.aborted) return;
      options.logger.error({ error: describeError(error) }, 'watching for gap requests failed; retrying');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/**
 * The scheduled backfill of listen/run mode on the process's connected gateway: catch-up of every
 * allowed dialog on SCHEDULE, and prompt runs for gaps the listener reports. Files keep downloading
 * between runs; stop() ends both and leaves unfinished files for the next start.
 */
export function startScheduledBackfill(options: {
  readonly config: BackfillConfig & Pick<Config, 'schedule'>;
  readonly gateway: TelegramGateway;
  readonly store: EventStore;
  readonly account: string;
  readonly logger: Logger;
  readonly runAtStart?: boolean;
  /** The process's shared request budget and media worker; the latter then stays running on stop(). */
  readonly pacer?: Pacer;
  readonly media?: MediaWorker;
}): BackfillService {
  const parts = backfillComponents(options);
  const service = startBackfillService({
    ...parts.deps,
    store: options.store,
    schedule: options.config.schedule,
    lockPath: join(options.config.dataDir, BACKFILL_LOCK_FILE),
    runAtStart: options.runAtStart,
  });
  return {
    scheduler: service.scheduler,
    stop: async () => {
      await service.stop();
      if (!options.media) await parts.media.stop();
    },
  };
}
