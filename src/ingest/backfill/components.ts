// The backfill's parts as the configuration asks for them, on a connected gateway: the shared
// recorder, the media worker and the port to Telegram, all on the gateway's pacer (one request budget
// per process). Used by the backfill command and by the scheduled backfill inside listen/run.
import type { Config } from '../../config/index.ts';
import type { MessageObservation, Observation } from '../../events/observations.ts';
import type { EventStore } from '../../eventstore/port.ts';
import type { Logger } from '../../log/logger.ts';
import { requestPacer } from '../../pacing/from-config.ts';
import type { Pacer } from '../../pacing/pacer.ts';
import type { TelegramGateway } from '../../telegram/index.ts';
import { enqueueFile } from '../media/enqueue.ts';
import { mediaRoot } from '../media/naming.ts';
import { mediaSettingsFromConfig } from '../media/policy.ts';
import { MediaWorker } from '../media/worker.ts';
import { EventStoreMessageLocator } from '../message-locator.ts';
import { Recorder } from '../recorder.ts';
import { gatewayPort } from './gateway-port.ts';
import type { BackfillDeps } from './index.ts';
import { NewMessageStates } from './new-messages.ts';
import { recorderCapture } from './recorder-capture.ts';

/** In DATA_DIR: one backfill at a time across processes (see run-lock.ts). */
export const BACKFILL_LOCK_FILE = 'backfill.lock';

export type BackfillConfig = Pick<
  Config,
  | 'dataDir'
  | 'requestsPerSecond'
  | 'maxFloodWaitSeconds'
  | 'chatsInclude'
  | 'chatsExclude'
  | 'chatTypes'
  | 'mediaTypes'
  | 'maxMediaSizeMb'
  | 'mediaExcludeChats'
>;

export interface BackfillComponents {
  readonly pacer: Pacer;
  readonly media: MediaWorker;
  readonly deps: Omit<BackfillDeps<MessageObservation, Observation>, 'signal' | 'progress'>;
}

/** The process's media worker: backfill and listener hand it their files. */
export function mediaWorkerFor(options: {
  readonly config: Pick<Config, 'dataDir' | 'mediaTypes' | 'maxMediaSizeMb' | 'mediaExcludeChats'>;
  readonly store: EventStore;
  readonly account: string;
  readonly pacer: Pacer;
  readonly logger: Logger;
}): MediaWorker {
  return new MediaWorker({
    account: options.account,
    store: options.store,
    root: mediaRoot(options.config.dataDir),
    pacer: options.pacer,
    settings: mediaSettingsFromConfig(options.config),
    logger: options.logger.child({ component: 'media' }),
  });
}

export function backfillComponents(options: {
  readonly config: BackfillConfig;
  readonly gateway: TelegramGateway;
  readonly store: EventStore;
  readonly account: string;
  readonly logger: Logger;
  /** Shared with the rest of the process (listen/run); by default the backfill makes its own. */
  readonly pacer?: Pacer;
  readonly media?: MediaWorker;
}): BackfillComponents {
  const { config, gateway, store, account } = options;
  const logger = options.logger.child({ component: 'backfill' });
  const pacer = options.pacer ?? requestPacer(config, logger);
  const newMessages = new NewMessageStates();
  const recorder = new Recorder({
    store,
    account,
    locator: new EventStoreMessageLocator(store, account),
    logger,
    stateLoader: newMessages,
  });
  const media = options.media ?? mediaWorkerFor({ config, store, account, pacer, logger: options.logger });
  return {
    pacer,
    media,
    deps: {
      account,
      store,
      telegram: gatewayPort(gateway, { maxFloodWaitSeconds: config.maxFloodWaitSeconds }),
      capture: recorderCapture(recorder),
      trackArchive: (chat, present) => newMessages.track(chat, present),
      pacer,
      filters: { include: config.chatsInclude, exclude: config.chatsExclude, types: config.chatTypes },
      media,
      enqueueMedia: (chat, messageId, descriptor, runId, message) =>
        enqueueFile(
          media,
          gateway,
          { chat, messageId, media: descriptor, location: message?.mediaLocation },
          'backfill',
          runId,
        ),
      logger,
    },
  };
}
