// What earlier backfill runs left on the account stream, read as plain data: per chat the ranges
// walked so far, an interrupted full/verify pass to continue, and the gap requests (GapDetected
// with backfillRequested) that no completed run has answered yet.
import type { StoredEvent } from '../../events/envelope.ts';
import type { BackfillMode, BackfillRunCompletedV1, IsoDate } from '../../events/payloads.ts';
import { type PeerRef, peerKey } from '../../events/peers.ts';
import { type IdRange, normalize } from './id-ranges.ts';

export interface InterruptedPass {
  readonly mode: 'full' | 'verify';
  readonly since?: IsoDate;
  readonly until?: IsoDate;
  readonly passDone: readonly IdRange[];
}

export interface ChatRuns {
  /** Cumulative ranges walked completely by all runs so far. */
  readonly walked: readonly IdRange[];
  /** The latest run's outcome, when it wrote one. */
  readonly last?: BackfillRunCompletedV1;
  /** Set when the latest recorded run was a full or verify pass that did not finish. */
  readonly interrupted?: InterruptedPass;
  /** Stream version of the newest run of this chat that completed (-1: none). */
  readonly completedAt: number;
}

const NO_RUNS: ChatRuns = { walked: [], completedAt: -1 };

export class RunHistory {
  private readonly chats = new Map<string, ChatRuns>();
  private readonly gaps: { chat?: PeerRef; version: number }[] = [];

  constructor(accountEvents: readonly StoredEvent[]) {
    const started = new Map<string, { mode: BackfillMode; since?: IsoDate; until?: IsoDate }>();
    for (const event of accountEvents) {
      switch (event.type) {
        case 'BackfillRunStarted':
          started.set(event.data.runId, event.data);
          break;
        case 'BackfillRunCompleted': {
          const data = event.data;
          const key = peerKey(data.chat);
          const previous = this.chats.get(key) ?? NO_RUNS;
          const run = started.get(data.runId);
          const interrupted =
            data.status !== 'completed' && run && (run.mode === 'full' || run.mode === 'verify')
              ? {
                  mode: run.mode,
                  since: run.since,
                  until: run.until,
                  passDone: normalize(data.passDone ?? []),
                }
              : undefined;
          this.chats.set(key, {
            walked: normalize([...previous.walked, ...(data.walked ?? [])]),
            last: data,
            interrupted,
            completedAt: data.status === 'completed' ? event.streamVersion : previous.completedAt,
          });
          break;
        }
        case 'GapDetected':
          if (event.data.backfillRequested)
            this.gaps.push({ chat: event.data.chat, version: event.streamVersion });
          break;
        default:
          break;
      }
    }
  }

  of(chat: PeerRef): ChatRuns {
    return this.chats.get(peerKey(chat)) ?? NO_RUNS;
  }

  /** Ranges a new full/verify pass with these parameters may skip because an interrupted one did them. */
  resumable(chat: PeerRef, mode: 'full' | 'verify', since?: IsoDate, until?: IsoDate): readonly IdRange[] {
    const pass = this.of(chat).interrupted;
    if (!pass || pass.mode !== mode || pass.since !== since || pass.until !== until) return [];
    return pass.passDone;
  }

  /**
   * Whether any gap request may still be waiting, decided without the dialog list: a named chat
   * not completed since its gap, or a gap without a chat that no completed run has followed yet.
   */
  hasPendingGaps(): boolean {
    const newestCompleted = Math.max(-1, ...[...this.chats.values()].map((c) => c.completedAt));
    return this.gaps.some((gap) =>
      gap.chat ? this.of(gap.chat).completedAt < gap.version : newestCompleted < gap.version,
    );
  }

  /**
   * Chats a gap request still waits for: named chats, and for a gap without a chat (the common
   * box of private chats and basic groups overflowed) every such dialog in `dialogs`.
   */
  pendingGapChats(dialogs: readonly PeerRef[] = []): PeerRef[] {
    const out = new Map<string, PeerRef>();
    for (const gap of this.gaps) {
      const candidates = gap.chat
        ? [gap.chat]
        : dialogs.filter((d) => d.kind === 'user' || d.kind === 'group');
      for (const chat of candidates) {
        if (this.of(chat).completedAt < gap.version) out.set(peerKey(chat), chat);
      }
    }
    return [...out.values()];
  }
}
