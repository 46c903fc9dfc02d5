// The one way captured messages reach the media worker, for history pages (backfill) and live
// updates (listener) alike: the file is opened through the gateway, from its known location when
// the message was just read, so the download needs no extra lookup.
import type { EventSource } from '../../events/envelope.ts';
import type { MediaLocation } from '../../events/observations.ts';
import type { MediaDescriptor } from '../../events/payloads.ts';
import type { PeerRef } from '../../events/peers.ts';
import type { TelegramGateway } from '../../telegram/index.ts';
import { gatewayDownloadSource } from './gateway-source.ts';
import type { EnqueueResult, MediaWorker } from './worker.ts';

export interface FileToArchive {
  readonly chat: PeerRef;
  readonly messageId: number;
  readonly media: MediaDescriptor;
  readonly location?: MediaLocation;
}

export function enqueueFile(
  worker: Pick<MediaWorker, 'enqueue'>,
  gateway: Pick<TelegramGateway, 'downloadMedia'>,
  file: FileToArchive,
  source: EventSource,
  runId?: string,
): EnqueueResult {
  const { chat, messageId, media, location } = file;
  return worker.enqueue({
    chat,
    messageId,
    media,
    open: () => gatewayDownloadSource(gateway, chat, messageId, location),
    source,
    ...(runId ? { runId } : {}),
  });
}
