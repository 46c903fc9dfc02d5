// Run mode, the embedded default: every role in one process over the files in DATA_DIR. The
// listener records live updates, the backfill catches up on a schedule (and on gaps), the projector
// keeps the read model in step and announces each batch in-process, and the viewer serves it all,
// pushing changes to subscribers as soon as they are projected. Stopping drains in order: backfill,
// then listener (queued updates are recorded), then projector, then viewer.
import { once } from 'node:events';
import { openCopyDirectory } from '../../projections/copies.ts';
import { runProjections } from '../../projections/manage.ts';
import { ProjectionNotifier } from '../../projections/notifications.ts';
import { ActiveReadModel, readModelLocation } from '../../projections/read-model.ts';
import { ensureWritableDirectory } from '../config/directories.ts';
import type { Config } from '../config/index.ts';
import { mediaWorkerFor } from '../ingest/backfill/components.ts';
import { type BackfillService, startScheduledBackfill } from '../ingest/backfill/service.ts';
import { runListener } from '../ingest/index.ts';
import type { MediaWorker } from '../ingest/media/worker.ts';
import { createListenerStatus, listenerStatusHooks } from '../ingest/status.ts';
import type { Logger } from '../log/logger.ts';
import { requestPacer } from '../pacing/from-config.ts';
import { type AccountInfo, createTelegramGateway } from '../telegram/index.ts';
import { assertSafeBinding } from '../viewer/http/binding.ts';
import { authFrom, liveFeedFrom, type StartedViewer, startViewer } from '../viewer/index.ts';
import { openEventStoreWhenReachable } from './open-store.ts';

export interface RunModeOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Aborted on Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
  /** Overrides of VIEWER_HOST / VIEWER_PORT. */
  readonly host?: string;
  readonly port?: number;
  /** Run the backfill once at start (default true): catch up on what happened while stopped. */
  readonly backfillAtStart?: boolean;
  readonly onViewer?: (viewer: StartedViewer) => void;
  readonly onListening?: (account: AccountInfo) => void;
  /** In-process batch notifications, e.g. for a latency probe. */
  readonly notifier?: ProjectionNotifier;
}

/** Runs until `signal` aborts or a role fails; rejects with that role's error. */
export async function runArchive(options: RunModeOptions): Promise<void> {
  const { config, logger } = options;
  assertSafeBinding(options.host ?? config.viewerHost, authFrom(config), config.allowAnonymousViewer);
  ensureWritableDirectory(config.dataDir, 'DATA_DIR');
  const store = await openEventStoreWhenReachable(config, logger, options.signal);
  if (!store) return; // stopped while waiting for the store
  const notifier = options.notifier ?? new ProjectionNotifier();
  const location = readModelLocation(config);

  // One controller per role, aborted in the order that lets each hand its work to the next.
  const failure = new AbortController();
  const stopListener = new AbortController();
  const stopProjector = new AbortController();
  let fatal: unknown;
  const fail = (error: unknown) => {
    fatal ??= error;
    failure.abort(error);
  };
  const stopRequested = AbortSignal.any([options.signal, failure.signal]);

  const projector = runProjections({
    location,
    store,
    signal: stopProjector.signal,
    logger: logger.child({ component: 'projector' }),
    notifier,
  }).catch(fail);

  let readModel: ActiveReadModel | undefined;
  let viewer: StartedViewer | undefined;
  let backfill: BackfillService | undefined;
  let media: MediaWorker | undefined;
  let listener: Promise<unknown> = Promise.resolve();
  try {
    if (!(await firstCopy(location, notifier, stopRequested))) return;
    readModel = await ActiveReadModel.open(config, { notifier });
    const active = readModel;
    viewer = await startViewer({
      config,
      readModel: () => active.current(),
      events: store,
      live: liveFeedFrom(notifier, (error) => logger.error({ err: error }, 'a live subscriber failed')),
      logger: logger.child({ component: 'viewer' }),
      host: options.host,
      port: options.port,
    });
    options.onViewer?.(viewer);

    // One request budget for everything this process asks Telegram.
    const pacer = requestPacer(config, logger);
    const connected = createTelegramGateway({
      config,
      logger: logger.child({ component: 'telegram' }),
      pacer,
    });
    // For `health` (the embedded container's healthcheck): DATA_DIR/status/listener.json.
    const status = createListenerStatus(config.dataDir, logger);
    status.set('connecting');
    const statusHooks = listenerStatusHooks(status);
    listener = runListener({
      gateway: connected,
      store,
      dataDir: config.dataDir,
      logger: logger.child({ component: 'listener' }),
      signal: stopListener.signal,
      // Made on connect, before the catch-up: live files and the backfill's share one worker.
      media: (account) => (media = mediaWorkerFor({ config, store, account: account.userId, pacer, logger })),
      onConnectionChange: statusHooks.onConnectionChange,
      onReady: (account) => {
        statusHooks.onReady();
        options.onListening?.(account);
        if (stopRequested.aborted) return;
        // The same wiring as `listen`: one request budget and one media worker for everything.
        backfill = startScheduledBackfill({
          config,
          gateway: connected,
          store,
          account: account.userId,
          logger,
          pacer,
          media,
          runAtStart: options.backfillAtStart ?? true,
        });
      },
    })
      .catch(fail)
      .finally(() => status.stop());
    if (!stopRequested.aborted) await once(stopRequested, 'abort').catch(() => undefined);
  } catch (error) {
    fail(error);
  } finally {
    logger.info('stopping: backfill, listener, projector, viewer');
    await backfill?.stop().catch((error) => logger.error({ err: error }, 'backfill did not stop cleanly'));
    stopListener.abort();
    await listener;
    stopProjector.abort();
    await projector;
    await viewer?.close();
    await readModel?.close();
    await store.close();
  }
  if (fatal !== undefined) throw fatal;
}

/** Waits until a read-model copy is active (run mode builds the first one itself). */
async function firstCopy(
  location: ReturnType<typeof readModelLocation>,
  notifier: ProjectionNotifier,
  signal: AbortSignal,
): Promise<boolean> {
  const switched = once(notifier, 'switched', { signal }).catch(() => undefined);
  const directory = openCopyDirectory(location);
  try {
    if (await directory.current()) return true;
  } finally {
    await directory.close();
  }
  await switched;
  return !signal.aborted;
}
