// The gap-filling backfiller: a whole run over the selected chats. Chats run one after another
// through the shared pacer; a chat that fails or is flooded for too long ends alone and the others
// still run. Migrated groups are followed to their other half, pending gap requests from the
// listener are served, and files go to the background media worker.
import { type PeerRef, peerKey, samePeer, streams } from '../../events/peers.ts';
import type { EventStore } from '../../eventstore/port.ts';
import type { Pacer } from '../../pacing/pacer.ts';
import { describeError } from '../describe-error.ts';
import type { MediaStats } from '../media/worker.ts';
import { type ChatRunDeps, runChat } from './chat-run.ts';
import {
  type ChatFilters,
  ChatSelectionError,
  DialogDirectory,
  displayName,
  parseChatSpec,
  resolveChat,
  selectAll,
} from './chat-selection.ts';
import type { PlanMode } from './planner.ts';
import type { BackfillTelegram, ChatInfo, PageEntity, PageMessage } from './ports.ts';
import { RunHistory } from './run-history.ts';
import type { ChatRunSummary, RunSummary } from './summary.ts';

const emptyMedia = { downloaded: 0, deduplicated: 0, skipped: 0, deferred: 0, bytes: 0 };

export interface BackfillRequest {
  /** --chat values (id, @username, exact title); empty with `all`. */
  readonly chats: readonly string[];
  /** --all: every dialog the filters allow, plus pending gap requests. */
  readonly all: boolean;
  /** Only the chats that pending gap requests name (a run triggered by the listener). */
  readonly gapsOnly?: boolean;
  readonly mode: PlanMode;
  /** ms since the epoch */
  readonly since?: number;
  readonly until?: number;
}

export interface BackfillDeps<M extends PageMessage, E extends PageEntity>
  extends Omit<ChatRunDeps<M, E>, 'runs' | 'telegram' | 'store'> {
  readonly store: Pick<EventStore, 'append' | 'readAll' | 'readStream'>;
  readonly telegram: BackfillTelegram<M, E>;
  readonly pacer: Pacer;
  readonly filters: ChatFilters;
  /** Media worker statistics and a way to wait for the queue, when media is archived. */
  readonly media?: { stats(): MediaStats; onIdle(): Promise<void> };
  /** Wait for queued downloads before returning (the CLI does; run mode keeps the worker going). */
  readonly waitForMedia?: boolean;
}

export async function runBackfill<M extends PageMessage, E extends PageEntity>(
  request: BackfillRequest,
  deps: BackfillDeps<M, E>,
): Promise<RunSummary> {
  const started = Date.now();
  const floodWaitsBefore = deps.pacer.stats().floodWaits;
  const mediaBefore = deps.media?.stats();
  const runs = new RunHistory(await deps.store.readStream(streams.account(deps.account)));
  if (request.gapsOnly && request.chats.length === 0 && !runs.hasPendingGaps())
    return { chats: [], media: emptyMedia, floodWaits: 0, durationMs: Date.now() - started };
  const directory = new DialogDirectory(deps.telegram.dialogs(deps.signal));
  const results: ChatRunSummary[] = [];
  const queue: ChatInfo[] = [];
  const seen = new Set<string>();
  const gapChats = new Set<string>();
  const add = (info: ChatInfo) => {
    if (seen.has(peerKey(info.chat))) return;
    seen.add(peerKey(info.chat));
    queue.push(info);
  };
  const fail = (chat: string, reason: string) =>
    results.push({
      chat,
      mode: request.mode,
      status: 'failed',
      fetched: 0,
      created: 0,
      edited: 0,
      deleted: 0,
      floodWaits: 0,
      durationMs: 0,
      reason,
    });

  try {
    for (const text of request.chats) {
      try {
        add(
          await resolveChat(parseChatSpec(text), {
            directory,
            filters: deps.filters,
            resolveUsername: (username) =>
              deps.pacer.call('contacts.resolveUsername', () =>
                deps.telegram.resolveUsername(username, deps.signal),
              ),
          }),
        );
      } catch (error) {
        const reason =
          error instanceof ChatSelectionError ? error.message : `cannot resolve: ${describeError(error)}`;
        deps.logger.warn({ chat: text, reason }, 'chat skipped');
        fail(text, reason);
      }
    }
    if (request.all && !request.gapsOnly) {
      const { selected, excluded } = await selectAll(directory, deps.filters);
      for (const info of selected) add(info);
      deps.logger.info(
        { selected: selected.length, excluded: excluded.length },
        'dialogs selected for backfill',
      );
    }
    if (request.all || request.gapsOnly) {
      const dialogs = (await directory.all()).map((d) => d.chat);
      for (const chat of runs.pendingGapChats(dialogs)) {
        gapChats.add(peerKey(chat));
        const info = await findChat(chat, directory, deps);
        if (info) add(info);
        else fail(peerKey(chat), 'a gap was reported for this chat, but it is no longer among the dialogs');
      }
    }
  } catch (error) {
    // The dialog list itself failed (e.g. a flood wait over the limit): report, keep what resolved.
    fail('(dialog list)', describeError(error));
  }

  for (let i = 0; i < queue.length; i++) {
    if (deps.signal?.aborted) break;
    const info = queue[i]!;
    const result = await runChat(
      {
        info,
        mode: request.mode,
        since: request.since,
        until: request.until,
        alwaysRecord: gapChats.has(peerKey(info.chat)),
      },
      { ...deps, runs },
    );
    const { linked, runId: _runId, ...summary } = result;
    results.push(summary);
    for (const other of linked) {
      if (seen.has(peerKey(other.chat))) continue;
      const found = await findChat(other.chat, directory, deps);
      add(found ?? migratedHalf(other.chat, other.lastMessageId, info));
    }
  }

  if (deps.waitForMedia && deps.media) await deps.media.onIdle();
  const media = deps.media?.stats();
  const delta = (pick: (s: MediaStats) => number) =>
    media ? pick(media) - (mediaBefore ? pick(mediaBefore) : 0) : 0;
  const skipped = (s: MediaStats) => Object.values(s.skipped).reduce((n, x) => n + x, 0);
  return {
    chats: results,
    media: {
      downloaded: delta((s) => s.downloaded),
      deduplicated: delta((s) => s.deduplicated),
      skipped: delta(skipped),
      deferred: delta((s) => s.deferred),
      bytes: delta((s) => s.bytes),
    },
    floodWaits: deps.pacer.stats().floodWaits - floodWaitsBefore,
    durationMs: Date.now() - started,
  };
}

async function findChat<M extends PageMessage, E extends PageEntity>(
  chat: PeerRef,
  directory: DialogDirectory,
  deps: BackfillDeps<M, E>,
): Promise<ChatInfo | undefined> {
  const inDialogs = await directory.find((d) => samePeer(d.chat, chat));
  if (inDialogs || !deps.telegram.chatById) return inDialogs;
  return deps.pacer.call('messages.getChats', () => deps.telegram.chatById!(chat, deps.signal), deps.signal);
}

/**
 * Telegram hides an upgraded basic group from the dialog list, yet its history stays readable
 * (a basic group needs no access hash). Its last message id came with the migration.
 */
function migratedHalf(chat: PeerRef, lastMessageId: number | undefined, from: ChatInfo): ChatInfo {
  return {
    chat,
    chatType: chat.kind === 'group' ? 'group' : 'supergroup',
    title: `${from.title} (${chat.kind === 'group' ? 'before the upgrade' : 'after the upgrade'})`,
    topMessageId: lastMessageId,
  };
}

export { displayName };
