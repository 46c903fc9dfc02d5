// One chat's backfill run: plan from the archive and earlier runs, record BackfillRunStarted, walk
// the segments page by page through the shared capture path, detect deletions in every span a page
// vouches for, hand files to the media worker, and record BackfillRunCompleted with the ranges
// walked so the next run continues where this one stopped.
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../events/envelope.ts';
import { eventId } from '../../events/ids.ts';
import type {
  BackfillMode,
  BackfillRunCompletedV1,
  BackfillRunStartedV1,
  MediaDescriptor,
} from '../../events/payloads.ts';
import { type PeerRef, samePeer, streams } from '../../events/peers.ts';
import type { EventStore } from '../../eventstore/port.ts';
import type { Logger } from '../../log/logger.ts';
import type { Pacer } from '../../pacing/pacer.ts';
import { describeError } from '../describe-error.ts';
import { loadArchiveIndex, pendingMedia, spansOf } from './archive-index.ts';
import { displayName } from './chat-selection.ts';
import { type IdRange, normalize, subtract, union } from './id-ranges.ts';
import { type PlanMode, planBackfill } from './planner.ts';
import type { BackfillTelegram, ChatInfo, PageCapture, PageEntity, PageMessage } from './ports.ts';
import type { RunHistory } from './run-history.ts';
import type { ChatRunSummary } from './summary.ts';
import { walkSegments } from './walker.ts';

export const HISTORY_METHOD = 'messages.getHistory';
export const PAGE_SIZE = 100;

export interface ChatRunRequest {
  readonly info: ChatInfo;
  readonly mode: PlanMode;
  /** ms since the epoch */
  readonly since?: number;
  readonly until?: number;
  /**
   * Record the run even when there is nothing to fetch: a gap request is answered only by a
   * recorded completed run. Otherwise an idle chat leaves no events, so the account stream grows
   * with real work only.
   */
  readonly alwaysRecord?: boolean;
}

/** Counts and a bar for one chat; the CLI's progress reporter fits. */
export interface ProgressSink {
  advance(n?: number): void;
  finish(summary?: string): string;
}

export interface ChatRunDeps<M extends PageMessage, E extends PageEntity> {
  readonly account: string;
  readonly store: Pick<EventStore, 'append' | 'readAll'>;
  readonly telegram: Pick<BackfillTelegram<M, E>, 'history'>;
  readonly capture: PageCapture<M, E>;
  readonly pacer: Pacer;
  readonly runs: RunHistory;
  /** Hands a message's file to the background media worker; `message` when it was just read. */
  readonly enqueueMedia?: (
    chat: PeerRef,
    messageId: number,
    media: MediaDescriptor,
    runId: string,
    message?: M,
  ) => void;
  readonly progress?: (label: string, total: number) => ProgressSink;
  /** Lets the capture treat ids absent from the archive as new (see new-messages.ts); returns the undo. */
  readonly trackArchive?: (chat: PeerRef, present: ReadonlySet<number>) => () => void;
  readonly logger: Logger;
  readonly pageSize?: number;
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
}

export interface ChatRunResult extends ChatRunSummary {
  readonly runId: string;
  /** The other half of a group-to-supergroup migration seen in this chat. */
  readonly linked: readonly { readonly chat: PeerRef; readonly lastMessageId?: number }[];
}

export async function runChat<M extends PageMessage, E extends PageEntity>(
  request: ChatRunRequest,
  deps: ChatRunDeps<M, E>,
): Promise<ChatRunResult> {
  const { info } = request;
  const chat = info.chat;
  const now = deps.now ?? (() => new Date());
  const started = Date.now();
  const floodWaitsBefore = deps.pacer.stats().floodWaits;
  const runId = randomUUID();
  const pageSize = deps.pageSize ?? PAGE_SIZE;
  const accountStream = streams.account(deps.account);
  const sinceIso = request.since === undefined ? undefined : new Date(request.since).toISOString();
  const untilIso = request.until === undefined ? undefined : new Date(request.until).toISOString();
  const mode: BackfillMode = request.mode === 'catch-up' && (sinceIso || untilIso) ? 'range' : request.mode;
  const log = deps.logger.child({ chat: displayName(info), runId, mode });
  const counts = { fetched: 0, created: 0, edited: 0, deleted: 0 };
  const walked: IdRange[] = [];
  const linked = new Map<string, { chat: PeerRef; lastMessageId?: number }>();
  const fetchPage = (query: { offsetId: number; minId: number; limit: number }) =>
    deps.pacer.call(HISTORY_METHOD, () => deps.telegram.history(chat, query, deps.signal), deps.signal);

  const append = (type: 'BackfillRunStarted' | 'BackfillRunCompleted', data: object) =>
    deps.store.append(accountStream, [
      {
        id: eventId(accountStream, type, runId),
        type,
        data,
        metadata: { source: 'backfill', observedAt: now().toISOString(), runId },
      } as NewEvent,
    ]);

  let resumed: readonly IdRange[] = [];
  let target: IdRange | undefined;
  let head: number | undefined;
  let progress: ProgressSink | undefined;
  let untrack: (() => void) | undefined;
  let recording = false;
  try {
    const index = await loadArchiveIndex(deps.store, deps.account, chat);
    untrack = deps.trackArchive?.(chat, index.present);
    head = info.topMessageId ?? (await newestId(fetchPage));
    if (request.mode !== 'catch-up') resumed = deps.runs.resumable(chat, request.mode, sinceIso, untilIso);
    const breaks = [request.since, request.until].filter((d): d is number => d !== undefined);
    const plan = planBackfill({
      mode: request.mode,
      head,
      archived: spansOf(index, breaks),
      walked: deps.runs.of(chat).walked,
      resumed,
      since: request.since,
      until: request.until,
      pageSize,
    });
    target = plan.target;
    const mediaWaiting = deps.enqueueMedia !== undefined && pendingMedia(index).length > 0;
    if (plan.segments.length === 0 && !mediaWaiting && !request.alwaysRecord) {
      untrack?.();
      log.debug('nothing to fetch');
      return {
        runId,
        chat: displayName(info),
        mode,
        status: 'completed',
        ...counts,
        floodWaits: 0,
        durationMs: Date.now() - started,
        linked: [],
      };
    }
    const startedData: BackfillRunStartedV1 = { runId, chat, mode, since: sinceIso, until: untilIso };
    await append('BackfillRunStarted', startedData);
    recording = true;
    log.info(
      {
        head,
        segments: plan.segments.length,
        estimate: plan.estimatedMessages,
        resumedRanges: resumed.length,
      },
      'backfill of chat started',
    );

    const mediaQueued = new Set<number>();
    const queueMedia = (messageId: number, media: MediaDescriptor | undefined, message?: M) => {
      if (!deps.enqueueMedia || !media || mediaQueued.has(messageId) || index.mediaDone.has(messageId))
        return;
      mediaQueued.add(messageId);
      deps.enqueueMedia(chat, messageId, media, runId, message);
    };
    // Files earlier runs could not finish go first, so they overlap with the walk.
    for (const m of pendingMedia(index)) queueMedia(m.id, { kind: m.media!, fileId: m.fileId });

    progress =
      plan.segments.length > 0 ? deps.progress?.(displayName(info), plan.estimatedMessages) : undefined;
    const archivedIds = [...index.messages.keys()].sort((a, b) => a - b);
    for await (const page of walkSegments({
      segments: plan.segments,
      pageSize,
      fetch: fetchPage,
      messagesOf: (answer) => answer.messages,
      idOf: (m) => m.message.messageId,
      dateOf: (m) => Date.parse(m.message.date),
      since: request.since,
      signal: deps.signal,
    })) {
      for (const entity of page.answer.entities) noteMigration(entity, chat, linked);
      const present = new Set(page.messages.map((m) => m.message.messageId));
      const deletedIds = idsWithin(archivedIds, page.span).filter(
        (id) => !present.has(id) && index.messages.has(id),
      );
      const result = await deps.capture.capture({
        chat,
        messages: page.messages,
        entities: page.answer.entities,
        deletedIds,
        runId,
      });
      counts.fetched += page.messages.length;
      counts.created += result.created;
      counts.edited += result.edited;
      counts.deleted += result.deleted;
      for (const m of page.messages) queueMedia(m.message.messageId, m.message.media, m);
      walked.push(page.span);
      progress?.advance(page.messages.length);
    }
    return await finish('completed');
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const interrupted =
      name === 'FloodWaitTooLongError' || name === 'AbortError' || deps.signal?.aborted === true;
    const reason =
      interrupted && name !== 'FloodWaitTooLongError' ? 'stopped before the end' : describeError(error);
    if (interrupted) log.warn({ reason }, 'backfill of chat interrupted; the next run resumes here');
    else log.error({ error: describeError(error) }, 'backfill of chat failed');
    return await finish(interrupted ? 'interrupted' : 'failed', reason);
  }

  async function finish(
    status: 'completed' | 'interrupted' | 'failed',
    reason?: string,
  ): Promise<ChatRunResult> {
    // A completed pass without a date window has checked its whole target: every id in it is
    // stored or was walked. Claiming it keeps later plans small after a crash recorded nothing.
    const claimed = status === 'completed' && !sinceIso && !untilIso && target ? [target] : [];
    const cumulative = union(deps.runs.of(chat).walked, walked, claimed);
    const passDone = union(resumed, walked);
    const remaining = target ? subtract(target, passDone) : [];
    const data: BackfillRunCompletedV1 = {
      runId,
      chat,
      status,
      ...counts,
      reason,
      head,
      walked: normalize(cumulative),
      ...(status !== 'completed' && request.mode !== 'catch-up' ? { passDone } : {}),
      ...(status !== 'completed' && remaining.length > 0
        ? { resumeFromMessageId: remaining.at(-1)!.to }
        : {}),
    };
    untrack?.();
    const durationMs = Date.now() - started;
    progress?.finish(
      `${displayName(info)}: ${status}, ${counts.fetched} fetched, ${counts.created} new, ${counts.edited} edited, ${counts.deleted} deleted`,
    );
    try {
      // A run that failed before it began (the archive could not be read) has nothing to close.
      if (recording) await append('BackfillRunCompleted', data);
    } catch (error) {
      // Progress not recorded: the next run re-derives it from the stored messages.
      log.error({ error: describeError(error) }, 'could not record the end of the backfill run');
      if (status === 'completed') {
        status = 'failed';
        reason = `recording the run failed: ${describeError(error)}`;
      }
    }
    log.info({ status, ...counts, durationMs }, 'backfill of chat finished');
    return {
      runId,
      chat: displayName(info),
      mode,
      status,
      ...counts,
      floodWaits: deps.pacer.stats().floodWaits - floodWaitsBefore,
      durationMs,
      reason,
      linked: [...linked.values()],
    };
  }
}

async function newestId(
  fetchPage: (q: {
    offsetId: number;
    minId: number;
    limit: number;
  }) => Promise<{ messages: readonly PageMessage[] }>,
): Promise<number> {
  const page = await fetchPage({ offsetId: 0, minId: 0, limit: 1 });
  return page.messages[0]?.message.messageId ?? 0;
}

function noteMigration(
  entity: PageEntity,
  chat: PeerRef,
  linked: Map<string, { chat: PeerRef; lastMessageId?: number }>,
): void {
  const m = entity.kind === 'migration' ? entity.migration : undefined;
  if (!m) return;
  const other = samePeer(m.from, chat) ? m.to : samePeer(m.to, chat) ? m.from : undefined;
  if (!other) return;
  const key = `${other.kind}${other.id}`;
  const lastMessageId = samePeer(other, m.from) ? m.lastMessageId : undefined;
  linked.set(key, { chat: other, lastMessageId: lastMessageId ?? linked.get(key)?.lastMessageId });
}

/** Archived ids inside `span`, from a sorted array. */
function idsWithin(sorted: readonly number[], span: IdRange): number[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < span.from) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let i = lo; i < sorted.length && sorted[i]! <= span.to; i++) out.push(sorted[i]!);
  return out;
}
