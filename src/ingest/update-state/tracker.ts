// The update-state tracker: Telegram's gap-recovery rules, which gramjs leaves to us. Each message box
// (the common one and one per channel) has a pts; an update with pts P and count C applies when the
// box is at P - C, is old when below, and leaves a gap when above. A gap gets a short wait for the
// missing update (Telegram's advice), then getDifference / getChannelDifference. Differences also
// run on start, after every reconnect and on *TooLong. The saved state only ever moves past updates
// whose events have been appended ("tickets"), so a crash loses nothing.
import type { Observation, ObservationMeta } from '../../events/observations.ts';
import type { GapDetectedV1 } from '../../events/payloads.ts';
import { peer } from '../../events/peers.ts';
import type { Logger } from '../../log/logger.ts';
import type {
  BoxRef,
  CallOptions,
  GatewayEvent,
  TelegramGateway,
  UpdateBatch,
  UpdateItem,
  UpdateState,
} from '../../telegram/index.ts';
import {
  abortableSleep,
  NotAuthorizedError,
  PeerUnknownError,
  TelegramRpcError,
} from '../../telegram/index.ts';
import type { BoxCursor, PersistedUpdateState, UpdateStateStore } from './state-file.ts';

/** Where the tracker sends what updates say; resolves once it is appended. */
export interface TrackerSink {
  apply(observations: readonly Observation[]): Promise<void>;
  gap(gap: GapDetectedV1, meta: ObservationMeta): Promise<void>;
}

export type TrackerGateway = Pick<
  TelegramGateway,
  'getState' | 'getDifference' | 'getChannelDifference' | 'peerHint' | 'rememberPeerHint'
>;

export interface TrackerOptions {
  readonly account: string;
  readonly gateway: TrackerGateway;
  readonly sink: TrackerSink;
  readonly store: UpdateStateStore;
  readonly logger: Logger;
  /** How long a gap may stay open before a difference is fetched. Default 500 ms. */
  readonly gapWaitMs?: number;
  /** Messages per getChannelDifference call. Default 100. */
  readonly channelDifferenceLimit?: number;
  /** Saves are coalesced to at most one per this interval. Default 1 s: a crash replays at most that much, deduplicated. */
  readonly saveIntervalMs?: number;
  /** Called when something failed that the tracker cannot recover from (the store is down for good…). */
  readonly onFatal?: (error: unknown) => void;
}

interface Ticket {
  readonly pts: number;
  done: boolean;
}

interface Box {
  readonly ref: BoxRef;
  /** pts of everything accepted (applied or being applied); undefined: a channel we know nothing about. */
  pts: number | undefined;
  /** pts up to which everything is appended: what may be saved. */
  durable: number | undefined;
  readonly tickets: Ticket[];
  /** Updates above a gap, waiting for it to fill. */
  pending: UpdateItem[];
  gapTimer: NodeJS.Timeout | undefined;
  syncing: Promise<void> | undefined;
  resync: boolean;
}

const RETRY_MAX_MS = 30_000;
/** Errors that mean the channel cannot be followed any more (left, banned, deleted). */
const CHANNEL_GONE = new Set([
  'CHANNEL_PRIVATE',
  'CHANNEL_INVALID',
  'CHANNEL_PUBLIC_GROUP_NA',
  'USER_BANNED_IN_CHANNEL',
]);

const boxKey = (ref: BoxRef): string => (ref.kind === 'common' ? 'common' : ref.channelId);

export class UpdateTracker {
  private readonly options: TrackerOptions;
  private readonly logger: Logger;
  private readonly boxes = new Map<string, Box>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly stop = new AbortController();
  private common: UpdateState = { pts: 0, qts: 0, date: 0, seq: 0 };
  private maxSeqSeen = 0;
  private saveTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  private connected = true;
  private accepting = false;
  /** Events that arrived before start() knew the state: replayed once it does. */
  private early: GatewayEvent[] | undefined = [];

  constructor(options: TrackerOptions) {
    this.options = options;
    this.logger = options.logger;
  }

  /** Loads the saved state (or takes Telegram's current one on the first run) and catches up. */
  async start(): Promise<void> {
    const saved = this.options.store.load();
    if (saved) {
      this.common = { ...saved.common };
      this.box({ kind: 'common' }, saved.common.pts);
      for (const [channelId, cursor] of Object.entries(saved.channels)) {
        this.box({ kind: 'channel', channelId }, cursor.pts);
        if (cursor.accessHash)
          this.options.gateway.rememberPeerHint(peer('channel', channelId), cursor.accessHash);
      }
      this.logger.info(
        { pts: saved.common.pts, channels: Object.keys(saved.channels).length },
        'update state loaded; catching up on what was missed',
      );
    } else {
      this.common = await this.retrying('updates.getState', (options) =>
        this.options.gateway.getState(options),
      );
      this.box({ kind: 'common' }, this.common.pts);
      this.logger.info(
        { pts: this.common.pts },
        'no update state yet: starting from now (history is the backfill)',
      );
      this.saveNow();
    }
    this.accepting = true;
    const early = this.early ?? [];
    this.early = undefined;
    const catchingUp = this.catchUpAll();
    for (const event of early) this.onEvent(event);
    await catchingUp;
  }

  /** Feed every gateway event here, in arrival order (also before start() has finished). */
  onEvent(event: GatewayEvent): void {
    if (this.early) {
      this.early.push(event);
      return;
    }
    if (!this.accepting) return;
    switch (event.kind) {
      case 'updates':
        this.onBatch(event.batch);
        break;
      case 'tooLong':
        this.logger.warn('updatesTooLong: fetching the difference');
        void this.sync(this.box({ kind: 'common' }));
        break;
      case 'connection':
        if (event.state === 'connected' && !this.connected) {
          this.logger.info('reconnected: fetching what was missed');
          this.connected = true;
          void this.catchUpAll();
        } else if (event.state !== 'connected') this.connected = false;
        break;
    }
  }

  /** Stop taking updates and starting differences; work under way continues until drain(). */
  stopIntake(): void {
    this.accepting = false;
    this.early = undefined;
    this.stop.abort(new Error('stopping'));
    for (const box of this.boxes.values()) {
      if (box.gapTimer) clearTimeout(box.gapTimer);
      box.gapTimer = undefined;
    }
  }

  /** Resolves when every update taken in has been appended (or failed). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** The state that is safe to save now. */
  snapshot(): PersistedUpdateState {
    const common = this.boxes.get('common');
    const channels: Record<string, BoxCursor> = {};
    for (const box of this.boxes.values()) {
      if (box.ref.kind !== 'channel' || box.durable === undefined) continue;
      const accessHash = this.options.gateway.peerHint(peer('channel', box.ref.channelId));
      channels[box.ref.channelId] = accessHash ? { pts: box.durable, accessHash } : { pts: box.durable };
    }
    return {
      version: 1,
      account: this.options.account,
      common: { ...this.common, pts: common?.durable ?? this.common.pts },
      channels,
      savedAt: new Date().toISOString(),
    };
  }

  saveNow(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.dirty = false;
    this.options.store.save(this.snapshot());
  }

  /** Accepted pts of a box, for tests and status. */
  ptsOf(ref: BoxRef): number | undefined {
    return this.boxes.get(boxKey(ref))?.pts;
  }

  // ---------- live updates ----------

  private onBatch(batch: UpdateBatch): void {
    this.track(this.options.sink.apply(batch.entities));
    this.checkSeq(batch);
    for (const item of batch.items) this.onItem(item);
  }

  private checkSeq(batch: UpdateBatch): void {
    if (batch.seq === 0) return;
    this.maxSeqSeen = Math.max(this.maxSeqSeen, batch.seq);
    if (this.common.seq === 0 || batch.seqStart === this.common.seq + 1) {
      this.common = { ...this.common, seq: batch.seq, date: batch.date ?? this.common.date };
    } else if (batch.seqStart > this.common.seq + 1) {
      this.logger.debug({ seq: this.common.seq, seqStart: batch.seqStart }, 'seq gap');
      this.armGapTimer(this.box({ kind: 'common' }));
    }
  }

  private onItem(item: UpdateItem): void {
    if (item.channelTooLong) this.onChannelTooLong(item.channelTooLong);
    if (!item.box || item.pts === undefined || item.ptsCount === undefined) {
      if (item.observations.length > 0) this.track(this.options.sink.apply(item.observations));
      return;
    }
    const box = this.box(item.box);
    if (box.syncing) {
      box.pending.push(item);
      return;
    }
    if (box.pts === undefined) {
      // A channel we have never followed: its first update sets the starting point.
      box.pts = item.pts - item.ptsCount;
    }
    this.offer(box, item);
  }

  /** Applies the item if it is next in its box, drops it if old, holds it if above a gap. */
  private offer(box: Box, item: UpdateItem): void {
    const expected = box.pts! + item.ptsCount!;
    if (item.pts === expected) {
      this.accept(box, item);
      this.drainPending(box);
    } else if (item.pts! < expected) {
      this.logger.debug({ box: boxKey(box.ref), pts: item.pts, at: box.pts }, 'update already applied');
    } else {
      this.logger.debug(
        { box: boxKey(box.ref), pts: item.pts, at: box.pts },
        'pts gap: waiting for the missing update',
      );
      box.pending.push(item);
      this.armGapTimer(box);
    }
  }

  private accept(box: Box, item: UpdateItem): void {
    box.pts = item.pts!;
    if (item.qts !== undefined && box.ref.kind === 'common') this.common = { ...this.common, qts: item.qts };
    const ticket = this.ticket(box, item.pts!);
    this.track(
      this.options.sink.apply(item.observations).then(
        () => this.complete(box, ticket),
        (error) => this.fatal(error),
      ),
    );
  }

  private drainPending(box: Box): void {
    box.pending.sort((a, b) => a.pts! - b.pts!);
    while (box.pending.length > 0) {
      const next = box.pending[0]!;
      if (next.pts! <= box.pts!) box.pending.shift();
      else if (next.pts! - next.ptsCount! === box.pts) {
        box.pending.shift();
        this.accept(box, next);
      } else break;
    }
    if (box.pending.length === 0 && box.gapTimer && !this.seqGapOpen(box)) {
      clearTimeout(box.gapTimer);
      box.gapTimer = undefined;
    }
  }

  private seqGapOpen(box: Box): boolean {
    return box.ref.kind === 'common' && this.common.seq < this.maxSeqSeen && this.common.seq !== 0;
  }

  private armGapTimer(box: Box): void {
    if (box.gapTimer || !this.accepting) return;
    box.gapTimer = setTimeout(() => {
      box.gapTimer = undefined;
      if (box.pending.length > 0 || this.seqGapOpen(box)) {
        this.logger.info({ box: boxKey(box.ref), at: box.pts }, 'gap did not fill: fetching the difference');
        void this.sync(box);
      }
    }, this.options.gapWaitMs ?? 500);
    box.gapTimer.unref?.();
  }

  private onChannelTooLong({ channelId, pts }: { channelId: string; pts?: number }): void {
    const box = this.box({ kind: 'channel', channelId });
    if (box.pts !== undefined) {
      void this.sync(box);
      return;
    }
    // We never followed this channel: there is no point to fetch a difference from. Start from here
    // and hand the channel's history to the backfill.
    if (pts !== undefined) {
      box.pts = pts;
      this.complete(box, this.ticket(box, pts));
    }
    this.track(
      this.options.sink.gap(
        {
          chat: peer('channel', channelId),
          reason: 'channelDifferenceTooLong',
          toPts: pts,
          backfillRequested: true,
        },
        this.meta(),
      ),
    );
  }

  // ---------- differences ----------

  private async catchUpAll(): Promise<void> {
    const syncs = [...this.boxes.values()]
      .filter((box) => box.ref.kind === 'common' || box.pts !== undefined)
      .map((box) => this.sync(box));
    await Promise.all(syncs);
  }

  /** One difference run per box at a time; a request during a run queues exactly one more. */
  private sync(box: Box): Promise<void> {
    if (this.stop.signal.aborted) return Promise.resolve();
    if (box.syncing) {
      box.resync = true;
      return box.syncing;
    }
    if (box.gapTimer) clearTimeout(box.gapTimer);
    box.gapTimer = undefined;
    const run = (
      box.ref.kind === 'common' ? this.commonDifference(box) : this.channelDifference(box, box.ref.channelId)
    )
      .catch((error) => {
        if (this.stop.signal.aborted) return;
        this.fatal(error);
      })
      .finally(() => {
        box.syncing = undefined;
        if (this.stop.signal.aborted) return;
        // Live updates that arrived meanwhile: those now covered are dropped, the rest re-checked.
        const held = box.pending;
        box.pending = [];
        for (const item of held.sort((a, b) => a.pts! - b.pts!)) {
          if (box.pts === undefined) box.pts = item.pts! - item.ptsCount!;
          this.offer(box, item);
        }
        if (box.resync) {
          box.resync = false;
          void this.sync(box);
        }
      });
    box.syncing = run;
    this.track(run);
    return run;
  }

  private async commonDifference(box: Box): Promise<void> {
    for (;;) {
      const from = { ...this.common, pts: box.pts! };
      const result = await this.retrying('updates.getDifference', (options) =>
        this.options.gateway.getDifference(from, options),
      );
      if (result.kind === 'empty') {
        this.common = { ...this.common, date: result.date, seq: result.seq };
        this.maxSeqSeen = Math.max(this.maxSeqSeen, result.seq);
        this.markDirty();
        return;
      }
      if (result.kind === 'tooLong') {
        this.logger.warn(
          { from: box.pts, to: result.pts },
          'differenceTooLong: asking the backfill to cover the gap',
        );
        await this.options.sink.gap(
          { reason: 'differenceTooLong', fromPts: box.pts, toPts: result.pts, backfillRequested: true },
          this.meta(),
        );
        box.pts = result.pts;
        this.common = { ...this.common, pts: result.pts };
        this.complete(box, this.ticket(box, result.pts));
        continue; // what happened after result.pts is still to fetch
      }
      const ticket = this.ticket(box, result.state.pts);
      await this.applyDifference(result.items, result.entities);
      box.pts = result.state.pts;
      this.common = { ...result.state };
      this.maxSeqSeen = Math.max(this.maxSeqSeen, result.state.seq);
      this.complete(box, ticket);
      this.logger.debug(
        { pts: box.pts, final: result.final, items: result.items.length },
        'difference applied',
      );
      if (result.final) return;
    }
  }

  private async channelDifference(box: Box, channelId: string): Promise<void> {
    const limit = this.options.channelDifferenceLimit ?? 100;
    for (;;) {
      let result: Awaited<ReturnType<TrackerGateway['getChannelDifference']>>;
      try {
        result = await this.retrying('updates.getChannelDifference', (options) =>
          this.options.gateway.getChannelDifference(channelId, box.pts!, limit, options),
        );
      } catch (error) {
        const gone = error instanceof TelegramRpcError && CHANNEL_GONE.has(error.errorMessage);
        if (!gone && !(error instanceof PeerUnknownError)) throw error;
        this.logger.warn(
          { channel: channelId, reason: (error as Error).message },
          'cannot follow this channel any more',
        );
        this.boxes.delete(channelId);
        this.markDirty();
        return;
      }
      if (result.kind === 'empty') {
        if (result.pts > box.pts!) {
          box.pts = result.pts;
          this.complete(box, this.ticket(box, result.pts));
        }
        return;
      }
      if (result.kind === 'tooLong') {
        this.logger.warn(
          { channel: channelId, from: box.pts, to: result.pts },
          'channelDifferenceTooLong: asking the backfill',
        );
        const ticket = this.ticket(box, result.pts);
        await this.applyDifference(result.messages, result.entities);
        await this.options.sink.gap(
          {
            chat: peer('channel', channelId),
            reason: 'channelDifferenceTooLong',
            fromPts: box.pts,
            toPts: result.pts,
            backfillRequested: true,
          },
          this.meta(),
        );
        box.pts = result.pts;
        this.complete(box, ticket);
        return;
      }
      const ticket = this.ticket(box, result.pts);
      await this.applyDifference(result.items, result.entities);
      box.pts = result.pts;
      this.complete(box, ticket);
      if (result.final) return;
    }
  }

  /** Applies a difference's content and waits until it is all appended. */
  private async applyDifference(
    items: readonly (UpdateItem | Observation)[],
    entities: readonly Observation[],
  ): Promise<void> {
    const work: Promise<void>[] = [this.options.sink.apply(entities)];
    for (const entry of items) {
      if ('kind' in entry) {
        work.push(this.options.sink.apply([entry]));
        continue;
      }
      if (entry.observations.length > 0) work.push(this.options.sink.apply(entry.observations));
      if (entry.channelTooLong) this.onChannelTooLong(entry.channelTooLong);
    }
    await Promise.all(work);
  }

  /** Calls Telegram until it answers; waits grow to 30 s. Only a lost login or a stop ends it. */
  private async retrying<T>(what: string, call: (options: CallOptions) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call({
          signal: this.stop.signal,
          maxFloodWaitSeconds: Number.POSITIVE_INFINITY,
          source: 'difference',
        });
      } catch (error) {
        if (this.stop.signal.aborted || error instanceof NotAuthorizedError) throw error;
        if (error instanceof TelegramRpcError && CHANNEL_GONE.has(error.errorMessage)) throw error;
        if (error instanceof PeerUnknownError) throw error;
        const delay = Math.min(RETRY_MAX_MS, 250 * 2 ** (attempt - 1));
        this.logger.warn(
          { call: what, attempt, retryInMs: delay, reason: (error as Error).message },
          'Telegram call failed; retrying',
        );
        await abortableSleep(delay, this.stop.signal);
      }
    }
  }

  // ---------- bookkeeping ----------

  private box(ref: BoxRef, pts?: number): Box {
    const key = boxKey(ref);
    let box = this.boxes.get(key);
    if (!box) {
      box = {
        ref,
        pts,
        durable: pts,
        tickets: [],
        pending: [],
        gapTimer: undefined,
        syncing: undefined,
        resync: false,
      };
      this.boxes.set(key, box);
    }
    return box;
  }

  private ticket(box: Box, pts: number): Ticket {
    const ticket = { pts, done: false };
    box.tickets.push(ticket);
    return ticket;
  }

  /** Marks a ticket done and moves the durable pts over every done ticket at the front. */
  private complete(box: Box, ticket: Ticket): void {
    ticket.done = true;
    let moved = false;
    while (box.tickets[0]?.done) {
      box.durable = box.tickets.shift()!.pts;
      moved = true;
    }
    if (moved) this.markDirty();
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      if (!this.dirty) return;
      try {
        this.saveNow();
      } catch (error) {
        this.fatal(error);
      }
    }, this.options.saveIntervalMs ?? 1000);
    this.saveTimer.unref?.();
  }

  private track<T>(work: Promise<T>): void {
    const tracked = work.catch((error) => this.fatal(error));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private fatal(error: unknown): void {
    if (this.stop.signal.aborted && !(error instanceof NotAuthorizedError)) return;
    this.logger.error({ err: error }, 'update processing failed');
    this.options.onFatal?.(error);
  }

  private meta(): ObservationMeta {
    return { source: 'difference', observedAt: new Date().toISOString() };
  }
}
