// The background media worker: message capture enqueues and moves on, downloads run here with a
// small concurrency, and each outcome is appended as MediaDownloaded or MediaSkipped on the
// message's stream. Jobs that cannot finish now (flood wait too long, stopping, another process on
// the same file) are left unrecorded, so the next run picks them up again.
import type { EventSource, NewEvent } from '../../events/envelope.ts';
import { eventId } from '../../events/ids.ts';
import type { MediaSkipReason } from '../../events/payloads.ts';
import { peerKey, streams } from '../../events/peers.ts';
import type { EventStore } from '../../eventstore/port.ts';
import type { Logger } from '../../log/logger.ts';
import { silentLogger } from '../../log/logger.ts';
import { describeError } from '../describe-error.ts';
import type { DownloadSource } from './download-source.ts';
import { type DownloadOptions, type DownloadTarget, downloadMedia } from './downloader.ts';
import { decideMedia, type MediaSettings } from './policy.ts';

export interface MediaJob extends DownloadTarget {
  /** Opens the file location of this message (through the gateway). */
  readonly open: () => DownloadSource | Promise<DownloadSource>;
  readonly source: EventSource;
  readonly runId?: string;
}

export interface MediaWorkerOptions extends Omit<DownloadOptions, 'signal' | 'onBytes' | 'maxBytes'> {
  readonly account: string;
  readonly store: Pick<EventStore, 'append'>;
  readonly settings: MediaSettings;
  readonly concurrency?: number;
  readonly logger?: Logger;
  readonly now?: () => Date;
}

export interface MediaStats {
  readonly queued: number;
  readonly active: number;
  readonly downloaded: number;
  readonly deduplicated: number;
  readonly bytes: number;
  readonly resumed: number;
  readonly skipped: Readonly<Record<MediaSkipReason, number>>;
  /** Left for a later run: flood wait too long, stopped, or locked by another process. */
  readonly deferred: number;
  readonly errors: number;
}

export type EnqueueResult = 'queued' | 'already-queued' | 'not-a-file' | 'stopped';

export class MediaWorker {
  private readonly options: MediaWorkerOptions;
  private readonly logger: Logger;
  private readonly queue: MediaJob[] = [];
  private readonly known = new Set<string>();
  private readonly controller = new AbortController();
  private readonly idleWaiters: (() => void)[] = [];
  private active = 0;
  private stopped = false;
  private counts = {
    downloaded: 0,
    deduplicated: 0,
    bytes: 0,
    resumed: 0,
    deferred: 0,
    errors: 0,
    skipped: {
      'type-disabled': 0,
      'too-large': 0,
      'chat-opted-out': 0,
      unavailable: 0,
      failed: 0,
    } as Record<MediaSkipReason, number>,
  };

  constructor(options: MediaWorkerOptions) {
    this.options = options;
    this.logger = options.logger ?? silentLogger;
  }

  /** Never blocks: the job runs in the background. */
  enqueue(job: MediaJob): EnqueueResult {
    if (decideMedia(job.chat, job.media, this.options.settings).action === 'none') return 'not-a-file';
    const key = jobKey(job);
    if (this.known.has(key)) return 'already-queued';
    if (this.stopped) {
      this.counts.deferred++;
      return 'stopped';
    }
    this.known.add(key);
    this.queue.push(job);
    this.pump();
    return 'queued';
  }

  stats(): MediaStats {
    return {
      ...this.counts,
      skipped: { ...this.counts.skipped },
      queued: this.queue.length,
      active: this.active,
    };
  }

  /** Resolves when the queue is empty and nothing is running. */
  onIdle(): Promise<void> {
    if (this.queue.length === 0 && this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking jobs, aborts running downloads (their .part files stay for resumption) and waits. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.counts.deferred += this.queue.length;
    this.queue.length = 0;
    this.controller.abort(Object.assign(new Error('media worker stopped'), { name: 'AbortError' }));
    await this.onIdle();
  }

  private pump(): void {
    const limit = this.options.concurrency ?? 3;
    while (!this.stopped && this.active < limit && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.active++;
      void this.process(job).finally(() => {
        this.active--;
        this.known.delete(jobKey(job));
        this.pump();
        if (this.queue.length === 0 && this.active === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  private async process(job: MediaJob): Promise<void> {
    const log = { chat: peerKey(job.chat), messageId: job.messageId, kind: job.media.kind };
    try {
      const decision = decideMedia(job.chat, job.media, this.options.settings);
      if (decision.action === 'none') return;
      if (decision.action === 'skip') {
        await this.recordSkip(job, decision.reason, decision.detail);
        return;
      }
      const source = await job.open();
      const result = await downloadMedia(job, source, {
        ...this.options,
        maxBytes: this.options.settings.maxBytes,
        signal: this.controller.signal,
        onBytes: (n) => {
          this.counts.bytes += n;
        },
      });
      if (result.status === 'busy') {
        this.counts.deferred++;
        this.logger.debug(log, 'media is being downloaded by another process; left for later');
        return;
      }
      if (result.status === 'skipped') {
        await this.recordSkip(job, result.reason, result.detail);
        return;
      }
      await this.append(job, 'MediaDownloaded', result.sha256, {
        type: 'MediaDownloaded',
        data: {
          chat: job.chat,
          messageId: job.messageId,
          sha256: result.sha256,
          size: result.size,
          mimeType: result.mimeType,
          extension: result.extension,
          fileName: job.media.fileName,
          width: job.media.width,
          height: job.media.height,
          durationSeconds: job.media.durationSeconds,
        },
      });
      this.counts.downloaded++;
      if (result.deduplicated) this.counts.deduplicated++;
      if (result.resumedFrom > 0) this.counts.resumed++;
      this.logger.debug({ ...log, size: result.size, resumedFrom: result.resumedFrom }, 'media downloaded');
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'AbortError' || name === 'FloodWaitTooLongError') {
        this.counts.deferred++;
        this.logger.info({ ...log, reason: (error as Error).message }, 'media download left for a later run');
        return;
      }
      this.counts.errors++;
      this.counts.deferred++;
      this.logger.error(
        { ...log, error: describeError(error) },
        'media download failed; left for a later run',
      );
    }
  }

  private async recordSkip(job: MediaJob, reason: MediaSkipReason, detail: string): Promise<void> {
    await this.append(job, 'MediaSkipped', reason, {
      type: 'MediaSkipped',
      data: { chat: job.chat, messageId: job.messageId, reason, detail },
    });
    this.counts.skipped[reason]++;
  }

  private async append(
    job: MediaJob,
    type: 'MediaDownloaded' | 'MediaSkipped',
    discriminator: string,
    event: Pick<NewEvent, 'type' | 'data'>,
  ): Promise<void> {
    const stream = streams.message(this.options.account, job.chat, job.messageId);
    const metadata = {
      source: job.source,
      observedAt: (this.options.now?.() ?? new Date()).toISOString(),
      ...(job.runId ? { runId: job.runId } : {}),
    };
    await this.options.store.append(stream, [
      { ...event, id: eventId(stream, type, discriminator), metadata } as NewEvent,
    ]);
  }
}

/** One file of one message: an edit that swaps the file while the old one downloads is a new job. */
function jobKey(job: MediaJob): string {
  return `${peerKey(job.chat)}.${job.messageId}.${job.media.fileId ?? ''}`;
}
