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
import type { MessageObservation } from '../events/observations.ts';
import { openEventStore } from '../eventstore/index.ts';
import type { EventStore } from '../eventstore/port.ts';
import { lockPath } from '../ingest/backfill/command.ts';
import { gatewayPort } from '../ingest/backfill/gateway-port.ts';
import { recorderCapture } from '../ingest/backfill/recorder-capture.ts';
import { type BackfillService, startBackfillService } from '../ingest/backfill/service.ts';
import { runListener } from '../ingest/index.ts';
import { gatewayDownloadSource } from '../ingest/media/gateway-source.ts';
import { mediaRoot } from '../ingest/media/naming.ts';
import { mediaSettingsFromConfig } from '../ingest/media/policy.ts';
import { MediaWorker } from '../ingest/media/worker.ts';
import { EventStoreMessageLocator } from '../ingest/message-locator.ts';
import { Pacer } from '../ingest/pacing/pacer.ts';
import { Recorder } from '../ingest/recorder.ts';
import type { Logger } from '../log/logger.ts';
import { type AccountInfo, createTelegramGateway, type TelegramGateway } from '../telegram/index.ts';
import { assertSafeBinding } from '../viewer/http/binding.ts';
import { authFrom, liveFeedFrom, type StartedViewer, startViewer } from '../viewer/index.ts';

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
  const store = await openEventStore(config, logger);
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

    const connected = createTelegramGateway({ config, logger: logger.child({ component: 'telegram' }) });
    const pacer = requestBudget(config, logger);
    listener = runListener({
      gateway: connected,
      store,
      dataDir: config.dataDir,
      logger: logger.child({ component: 'listener' }),
      signal: stopListener.signal,
      // Made on connect, before the catch-up: live files and the backfill's share one worker.
      media: (account) => (media = mediaWorker(config, logger, store, account.userId, pacer)),
      onReady: (account) => {
        options.onListening?.(account);
        if (stopRequested.aborted) return;
        backfill = backfillService(config, logger, store, connected, account.userId, media!, pacer, options);
      },
    }).catch(fail);
    if (!stopRequested.aborted) await once(stopRequested, 'abort').catch(() => undefined);
  } catch (error) {
    fail(error);
  } finally {
    logger.info('stopping: backfill, listener, projector, viewer');
    await backfill?.stop().catch((error) => logger.error({ err: error }, 'backfill did not stop cleanly'));
    await media?.stop().catch((error) => logger.error({ err: error }, 'media worker did not stop cleanly'));
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

function mediaWorker(
  config: Config,
  logger: Logger,
  store: EventStore,
  account: string,
  pacer: Pacer,
): MediaWorker {
  return new MediaWorker({
    account,
    store,
    root: mediaRoot(config.dataDir),
    pacer,
    settings: mediaSettingsFromConfig(config),
    logger: logger.child({ component: 'media' }),
  });
}

/** One request budget for everything this process asks Telegram. */
function requestBudget(config: Config, logger: Logger): Pacer {
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

function backfillService(
  config: Config,
  logger: Logger,
  store: EventStore,
  gateway: TelegramGateway,
  account: string,
  media: MediaWorker,
  pacer: Pacer,
  options: RunModeOptions,
): BackfillService {
  const log = logger.child({ component: 'backfill' });
  const recorder = new Recorder({
    store,
    account,
    locator: new EventStoreMessageLocator(store, account),
    logger: log,
  });
  return startBackfillService({
    account,
    store,
    telegram: gatewayPort(gateway),
    capture: recorderCapture(recorder),
    pacer,
    filters: { include: config.chatsInclude, exclude: config.chatsExclude, types: config.chatTypes },
    media,
    waitForMedia: false,
    enqueueMedia: (chat, messageId, descriptor, runId, message?: MessageObservation) =>
      media.enqueue({
        chat,
        messageId,
        media: descriptor,
        open: () => gatewayDownloadSource(gateway, chat, messageId, message?.mediaLocation),
        source: 'backfill',
        runId,
      }),
    logger: log,
    schedule: config.schedule,
    lockPath: lockPath(config.dataDir),
    runAtStart: options.backfillAtStart ?? true,
  });
}
