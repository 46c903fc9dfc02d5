// The listener: records what Telegram pushes, as it happens. Gateway events go through the update
// tracker (gap recovery, durable state), then through per-chat serial queues into the recorder; the
// files of recorded messages go to the background media worker, so capture never waits for them.
// On stop it takes no more updates, drains the queues, stops the media worker (unfinished downloads
// stay resumable), saves the state and disconnects.
import {
  type Observation,
  type ObservationMeta,
  privateChatOf,
  type UserObservation,
} from '../events/observations.ts';
import type { GapDetectedV1 } from '../events/payloads.ts';
import { peerKey } from '../events/peers.ts';
import { StoreUnavailableError } from '../eventstore/errors.ts';
import type { EventStore } from '../eventstore/port.ts';
import type { Logger } from '../log/logger.ts';
import { sqliteCode } from '../sqlite/connection.ts';
import {
  type AccountInfo,
  abortableSleep,
  type ConnectionState,
  type TelegramGateway,
} from '../telegram/index.ts';
import { enqueueFile } from './media/enqueue.ts';
import type { MediaWorker } from './media/worker.ts';
import { EventStoreMessageLocator, type MessageLocator } from './message-locator.ts';
import { type RecordedFile, Recorder } from './recorder.ts';
import { SerialQueues } from './serial-queues.ts';
import { UpdateStateFile, type UpdateStateStore } from './update-state/state-file.ts';
import { type TrackerSink, UpdateTracker } from './update-state/tracker.ts';

export interface ListenerOptions {
  readonly gateway: TelegramGateway;
  readonly store: EventStore;
  readonly dataDir: string;
  readonly logger: Logger;
  /** Aborted on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
  readonly gapWaitMs?: number;
  /** How long the shutdown may take before it stops waiting for the queues. Default 8 s. */
  readonly shutdownBudgetMs?: number;
  /** Another locator for peerless deletions (the read model); default: the event-store index. */
  readonly locator?: MessageLocator;
  readonly stateStore?: (account: string) => UpdateStateStore;
  /** Called once connected and caught up. */
  readonly onReady?: (account: AccountInfo) => void;
  /** Interval of the progress line at info level. Default 60 s. */
  readonly progressIntervalMs?: number;
  /**
   * The process's media worker, made once the account is known. Files of newly recorded messages
   * (and edits that swap the file) are enqueued there; the listener stops it on shutdown.
   */
  readonly media?: (account: AccountInfo) => MediaWorker;
  /** Told about every change of the Telegram connection (for the health status file). */
  readonly onConnectionChange?: (state: ConnectionState) => void;
}

export interface ListenerSummary {
  readonly account: AccountInfo;
  readonly appended: number;
  readonly unresolvedDeletions: number;
}

const STORE_RETRIES = 5;

/** Transient store failures worth another try; anything else is a bug or a broken store. */
function transient(error: unknown): boolean {
  const code = sqliteCode(error);
  return error instanceof StoreUnavailableError || code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** What the tracker's updates turn into: per-chat ordered recording. */
class RecordingSink implements TrackerSink {
  private readonly queues = new SerialQueues();
  private readonly users = new Map<string, UserObservation>();
  private readonly recorder: Recorder;
  private readonly gateway: TelegramGateway;
  private readonly logger: Logger;
  private readonly onFiles: (files: readonly RecordedFile[]) => void;
  appended = 0;
  unresolved = 0;

  constructor(
    recorder: Recorder,
    gateway: TelegramGateway,
    logger: Logger,
    onFiles: (files: readonly RecordedFile[]) => void,
  ) {
    this.recorder = recorder;
    this.gateway = gateway;
    this.logger = logger;
    this.onFiles = onFiles;
  }

  apply(observations: readonly Observation[]): Promise<void> {
    if (observations.length === 0) return Promise.resolve();
    const byQueue = new Map<string, Observation[]>();
    const add = (key: string, observation: Observation) => {
      const list = byQueue.get(key);
      if (list) list.push(observation);
      else byQueue.set(key, [observation]);
    };
    const work: Promise<void>[] = [];
    for (const observation of observations) {
      switch (observation.kind) {
        case 'user':
          this.users.set(observation.userId, observation);
          add(`user:${observation.userId}`, observation);
          break;
        case 'deletion':
          if (observation.chat) add(peerKey(observation.chat), observation);
          // Without a chat, the lookup must see every message queued before this deletion.
          else work.push(this.queues.barrier(() => this.record([observation])));
          break;
        case 'chatChanged':
          add(peerKey(observation.chat), observation);
          break;
        case 'message': {
          const chat = observation.message.chat;
          const user = chat.kind === 'user' ? this.users.get(chat.id) : undefined;
          if (user) add(peerKey(chat), privateChatOf(user));
          add(peerKey(chat), observation);
          break;
        }
        default:
          add(
            peerKey(observation.kind === 'migration' ? observation.migration.from : observation.chat),
            observation,
          );
      }
    }
    for (const [key, list] of byQueue) work.push(this.queues.run(key, () => this.record(list)));
    return Promise.all(work).then(() => undefined);
  }

  async gap(gap: GapDetectedV1, meta: ObservationMeta): Promise<void> {
    this.logger.warn(
      { reason: gap.reason, chat: gap.chat ? peerKey(gap.chat) : 'all' },
      'gap recorded for the backfill',
    );
    await this.withRetries(() => this.recorder.recordGap(gap, meta));
  }

  idle(): Promise<void> {
    return this.queues.idle();
  }

  private async record(observations: readonly Observation[]): Promise<void> {
    const expanded: Observation[] = [];
    for (const observation of observations) {
      if (observation.kind !== 'chatChanged') {
        expanded.push(observation);
        continue;
      }
      // "This chat changed": read it again (about, photo, participants) and record what differs.
      try {
        expanded.push(
          ...(await this.gateway.getChatInfo(observation.chat, { source: observation.meta.source })),
        );
      } catch (error) {
        this.logger.warn(
          { chat: peerKey(observation.chat), reason: (error as Error).message },
          'could not re-read a changed chat',
        );
      }
    }
    const outcome = await this.withRetries(() => this.recorder.record(expanded));
    this.appended += outcome.appended;
    this.unresolved += outcome.unresolved.length;
    if (outcome.files.length > 0) this.onFiles(outcome.files);
    if (outcome.unresolved.length > 0)
      this.logger.info(
        { count: outcome.unresolved.length },
        'deletion of unknown message ids recorded as unresolved',
      );
  }

  private async withRetries<T>(write: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (!transient(error) || attempt >= STORE_RETRIES) throw error;
        this.logger.warn({ attempt, reason: (error as Error).message }, 'event store busy; retrying');
        this.recorder.invalidate();
        await abortableSleep(100 * 2 ** attempt);
      }
    }
  }
}

export async function runListener(options: ListenerOptions): Promise<ListenerSummary> {
  const { gateway, store, logger, signal } = options;
  let account: AccountInfo;
  try {
    account = await gateway.connect(signal);
  } catch (error) {
    await gateway.disconnect();
    throw error;
  }
  const log = logger.child({ account: account.userId });
  const recorder = new Recorder({
    store,
    account: account.userId,
    locator: options.locator ?? new EventStoreMessageLocator(store, account.userId),
    logger: log,
  });
  await recorder.linkAccount(
    { userId: account.userId, firstName: account.firstName, username: account.username },
    { source: 'live', observedAt: new Date().toISOString() },
  );
  const media = options.media?.(account);
  const sink = new RecordingSink(recorder, gateway, log, (files) => {
    if (media) for (const file of files) enqueueFile(media, gateway, file, file.source);
  });
  let fatal: unknown;
  const failed = new AbortController();
  const tracker = new UpdateTracker({
    account: account.userId,
    gateway,
    sink,
    store: options.stateStore?.(account.userId) ?? new UpdateStateFile(options.dataDir, account.userId),
    logger: log,
    gapWaitMs: options.gapWaitMs,
    onFatal: (error) => {
      fatal ??= error;
      failed.abort(error);
    },
  });
  const unsubscribe = gateway.subscribe((event) => {
    tracker.onEvent(event);
    if (event.kind === 'connection') options.onConnectionChange?.(event.state);
  });
  const progress = setInterval(
    () => log.info({ appended: sink.appended, unresolvedDeletions: sink.unresolved }, 'listening'),
    options.progressIntervalMs ?? 60_000,
  );
  progress.unref();
  const stopped = AbortSignal.any([signal, failed.signal]);
  try {
    await Promise.race([tracker.start(), waitForAbort(stopped)]);
    if (!stopped.aborted) {
      log.info('listening for updates');
      options.onReady?.(account);
      await waitForAbort(stopped);
    }
  } finally {
    clearInterval(progress);
    log.info(fatal ? 'stopping after a failure' : 'stopping: no new updates taken, draining');
    unsubscribe();
    tracker.stopIntake();
    // Downloads are aborted at once: their .part files stay, and files without an outcome are
    // fetched by the next backfill. Recording what is queued gets the whole budget.
    const mediaStopped = media?.stop();
    const drained = await settlesWithin(
      Promise.all([tracker.drain(), sink.idle(), mediaStopped]),
      options.shutdownBudgetMs ?? 8000,
    );
    if (!drained)
      log.warn('shutdown budget reached: updates still in flight will be fetched again on the next start');
    if (media) {
      const { downloaded, deferred, skipped } = media.stats();
      log.info({ downloaded, deferred, skipped }, 'media worker stopped');
    }
    try {
      tracker.saveNow();
    } catch (error) {
      log.error({ err: error }, 'could not save the update state; the next start fetches more again');
    }
    await settlesWithin(gateway.disconnect(), 1500);
    log.info({ appended: sink.appended }, 'listener stopped');
  }
  if (fatal) throw fatal;
  return { account, appended: sink.appended, unresolvedDeletions: sink.unresolved };
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** True when the work settled within `ms` (its failure is logged by whoever owns it). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
