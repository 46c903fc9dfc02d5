// Operating the read model: status of every copy, rebuild into a new copy while the old one keeps
// serving, switch readers, clean up old copies, and run mode, which keeps the active copy in step
// with the log and rebuilds by itself when a projection's version changed.
import type { EventStore } from '../src/eventstore/port.ts';
import type { Logger } from '../src/log/logger.ts';
import { silentLogger } from '../src/log/logger.ts';
import { checkpointState, initCheckpoints } from './apply.ts';
import { REBUILD_BATCH_SIZE } from './batch-sizes.ts';
import { openCopyDirectory } from './copies.ts';
import { openCopy, type ReadModelCopy, type ReadModelLocation } from './db/open.ts';
import { readCheckpoints } from './db/operations.ts';
import type { CheckpointRow, SkippedEventRow } from './model.ts';
import type { ProjectionNotifier } from './notifications.ts';
import { ProjectionRunner, type RunnerStatus } from './runner.ts';
import { outdatedProjections, PROJECTIONS } from './versions.ts';

/** An operator request that cannot be carried out (unknown copy, outdated copy without --force…). */
export class ReadModelCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadModelCommandError';
  }
}

export interface CopyStatus {
  readonly name: string;
  readonly active: boolean;
  /** Stored version per projection (undefined: missing). */
  readonly versions: Readonly<Record<string, number | undefined>>;
  readonly outdated: readonly string[];
  readonly position: string | null;
  readonly sequence: number | null;
  readonly eventCount: number;
  readonly updatedAt: Date | null;
  readonly head: string | undefined;
  /** Events in the log after the checkpoint, counted up to `behindCap`. */
  readonly behind: number;
  readonly behindCapped: boolean;
  /** Set when the copy could not be read (an interrupted rebuild, a foreign file…). */
  readonly problem?: string;
}

/** Counts events after `after`, stopping at `cap`. */
export async function countEventsAfter(
  store: EventStore,
  after: string | null,
  cap: number,
): Promise<{ count: number; capped: boolean }> {
  let count = 0;
  let position = after;
  while (count <= cap) {
    const page = await store.readAll({
      ...(position === null ? {} : { after: position }),
      limit: Math.min(10_000, cap + 1 - count),
    });
    if (page.length === 0) break;
    count += page.length;
    position = page.at(-1)!.globalPosition;
  }
  return count > cap ? { count: cap, capped: true } : { count, capped: false };
}

async function readCopyCheckpoints(copy: ReadModelCopy): Promise<CheckpointRow[]> {
  return copy.read((ops) => readCheckpoints(ops));
}

export async function readModelStatus(
  location: ReadModelLocation,
  store: EventStore,
  options: { behindCap?: number } = {},
): Promise<CopyStatus[]> {
  const directory = openCopyDirectory(location);
  try {
    const active = (await directory.current())?.copy;
    const head = await store.headPosition();
    const result: CopyStatus[] = [];
    for (const name of await directory.list()) {
      const base = { name, active: name === active, head };
      let copy: ReadModelCopy | undefined;
      try {
        copy = await openCopy(location, name);
        const rows = await readCopyCheckpoints(copy);
        const state = checkpointState(rows);
        const stored = new Map(rows.map((r) => [r.name, r.version]));
        const behind =
          state.position === (head ?? null)
            ? { count: 0, capped: false }
            : await countEventsAfter(store, state.position, options.behindCap ?? 100_000);
        result.push({
          ...base,
          versions: Object.fromEntries([...Object.keys(PROJECTIONS)].map((p) => [p, stored.get(p)])),
          outdated: outdatedProjections(stored),
          position: state.position,
          sequence: state.sequence,
          eventCount: state.eventCount,
          updatedAt: rows[0] ? new Date(rows[0].updatedAt) : null,
          behind: behind.count,
          behindCapped: behind.capped,
        });
      } catch (error) {
        result.push({
          ...base,
          versions: {},
          outdated: Object.keys(PROJECTIONS),
          position: null,
          sequence: null,
          eventCount: 0,
          updatedAt: null,
          behind: 0,
          behindCapped: false,
          problem: error instanceof Error ? error.message : String(error),
        });
      } finally {
        await copy?.close();
      }
    }
    return result;
  } finally {
    await directory.close();
  }
}

export interface RebuildOptions {
  readonly location: ReadModelLocation;
  readonly store: EventStore;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  /** Events per transaction; default REBUILD_BATCH_SIZE. */
  readonly batchSize?: number;
  /** Operator skips; skips recorded in the active copy are carried over as well. */
  readonly skip?: ReadonlySet<string>;
  /** Point readers at the new copy once it has caught up (default true). */
  readonly switchWhenDone?: boolean;
  readonly notifier?: ProjectionNotifier;
  /** Receives the status after each batch; without it, progress is logged every 5 s. */
  readonly onProgress?: (status: RunnerStatus) => void;
}

export interface RebuildResult {
  readonly copy: string;
  /** False when interrupted before catching up; the copy is left for `cleanup`. */
  readonly complete: boolean;
  readonly switched: boolean;
  readonly events: number;
  readonly seconds: number;
}

async function carriedSkips(location: ReadModelLocation, active: string | undefined): Promise<string[]> {
  if (!active) return [];
  let copy: ReadModelCopy | undefined;
  try {
    copy = await openCopy(location, active);
    const skipped = await copy.read((ops) => ops.select<SkippedEventRow>(ops.tables.skippedEvents, [], []));
    return skipped.map((s) => s.eventId);
  } catch {
    return []; // an unreadable active copy has nothing to carry over
  } finally {
    await copy?.close();
  }
}

/** Builds a complete new copy from the event log; readers keep the active copy until the switch. */
export async function rebuildReadModel(options: RebuildOptions): Promise<RebuildResult> {
  const log = options.logger ?? silentLogger;
  const started = performance.now();
  const directory = openCopyDirectory(options.location);
  try {
    const previous = (await directory.current())?.copy;
    const skip = new Set([...(options.skip ?? []), ...(await carriedSkips(options.location, previous))]);
    const name = await directory.reserve();
    log.info({ copy: name, active: previous ?? null, versions: PROJECTIONS }, 'rebuilding the read model');
    const copy = await openCopy(options.location, name, { create: true, bulk: true });
    let events = 0;
    try {
      await initCheckpoints(copy);
      const runner = new ProjectionRunner({
        store: options.store,
        copy,
        logger: log,
        batchSize: options.batchSize ?? REBUILD_BATCH_SIZE,
        skip,
        notifier: options.notifier,
      });
      let lastLog = performance.now();
      events = await runner.catchUp(options.signal, (status) => {
        if (options.onProgress) return options.onProgress(status);
        if (performance.now() - lastLog < 5000) return;
        lastLog = performance.now();
        const rate = status.appliedSinceStart / ((lastLog - started) / 1000);
        log.info(
          { copy: name, applied: status.appliedSinceStart, perSecond: Math.round(rate) },
          'rebuild progress',
        );
      });
      if (!options.signal?.aborted) {
        log.info({ copy: name, events }, 'building indexes and the search index');
        await copy.finishBulk();
      }
    } finally {
      await copy.close();
    }
    const seconds = (performance.now() - started) / 1000;
    if (options.signal?.aborted) {
      log.warn({ copy: name, events }, 'rebuild interrupted; readers stay on the active copy');
      return { copy: name, complete: false, switched: false, events, seconds };
    }
    const switched = options.switchWhenDone ?? true;
    if (switched) {
      await directory.switchTo(name);
      options.notifier?.emit('switched', { from: previous, to: name });
      log.info(
        { from: previous ?? null, to: name, events, seconds: Math.round(seconds) },
        'readers switched to the rebuilt copy',
      );
    } else {
      log.info(
        { copy: name, events, seconds: Math.round(seconds) },
        'rebuild complete; not switched (--no-switch)',
      );
    }
    return { copy: name, complete: true, switched, events, seconds };
  } finally {
    await directory.close();
  }
}

/** Points readers at `copy` (default: the newest copy), refusing an outdated one unless forced. */
export async function switchReadModel(
  location: ReadModelLocation,
  copyName: string | undefined,
  options: { force?: boolean; notifier?: ProjectionNotifier } = {},
): Promise<{ from: string | undefined; to: string }> {
  const directory = openCopyDirectory(location);
  try {
    const copies = await directory.list();
    const target = copyName ?? copies.at(-1);
    if (!target)
      throw new ReadModelCommandError('There is no read-model copy to switch to; run a rebuild first.');
    if (!copies.includes(target))
      throw new ReadModelCommandError(
        `No read-model copy '${target}' (copies: ${copies.join(', ') || 'none'}).`,
      );
    const copy = await openCopy(location, target);
    let outdated: string[];
    try {
      outdated = outdatedProjections(
        new Map((await readCopyCheckpoints(copy)).map((r) => [r.name, r.version])),
      );
    } finally {
      await copy.close();
    }
    if (outdated.length > 0 && !options.force)
      throw new ReadModelCommandError(
        `Copy '${target}' was built by other versions of ${outdated.join(', ')}; rebuild, or use --force to switch anyway.`,
      );
    const from = (await directory.current())?.copy;
    await directory.switchTo(target);
    options.notifier?.emit('switched', { from, to: target });
    return { from, to: target };
  } finally {
    await directory.close();
  }
}

/**
 * Removes every copy but the active one. A copy written to within `busyMs` (default a minute) is
 * probably being rebuilt right now and is kept unless forced.
 */
export async function cleanupReadModel(
  location: ReadModelLocation,
  options: { force?: boolean; busyMs?: number; now?: number } = {},
): Promise<{ removed: string[]; kept: string[] }> {
  const directory = openCopyDirectory(location);
  try {
    const active = (await directory.current())?.copy;
    const removed: string[] = [];
    const kept: string[] = [];
    for (const name of await directory.list()) {
      if (name === active) continue;
      if (!options.force) {
        let updatedAt = 0;
        let copy: ReadModelCopy | undefined;
        try {
          copy = await openCopy(location, name);
          updatedAt = Math.max(0, ...(await readCopyCheckpoints(copy)).map((r) => r.updatedAt));
        } catch {
          updatedAt = 0; // unreadable: an abandoned reservation
        } finally {
          await copy?.close();
        }
        if ((options.now ?? Date.now()) - updatedAt < (options.busyMs ?? 60_000)) {
          kept.push(name);
          continue;
        }
      }
      await directory.remove(name);
      removed.push(name);
    }
    return { removed, kept };
  } finally {
    await directory.close();
  }
}

export interface RunOptions {
  readonly location: ReadModelLocation;
  readonly store: EventStore;
  readonly signal: AbortSignal;
  readonly logger?: Logger;
  readonly batchSize?: number;
  readonly skip?: ReadonlySet<string>;
  readonly notifier?: ProjectionNotifier;
  /** Rebuild by itself when there is no copy or the active one is outdated (default true). */
  readonly autoRebuild?: boolean;
  /** Called with the runner of the active copy each time run mode (re)opens one. */
  readonly onRunner?: (runner: ProjectionRunner) => void;
}

/**
 * Keeps the active copy in step with the log until `signal` aborts. Builds the first copy when there
 * is none, rebuilds-then-switches when a projection's version changed, and follows a switch made
 * by another process.
 */
export async function runProjections(options: RunOptions): Promise<void> {
  const log = options.logger ?? silentLogger;
  const directory = openCopyDirectory(options.location);
  try {
    while (!options.signal.aborted) {
      const pointer = await directory.current();
      if (!pointer) {
        if (options.autoRebuild === false)
          throw new ReadModelCommandError('No read-model copy is active; run a rebuild first.');
        log.info('no read model yet: building the first copy');
        await rebuildReadModel({ ...options, logger: log });
        continue;
      }
      const copy = await openCopy(options.location, pointer.copy);
      try {
        const stored = new Map((await readCopyCheckpoints(copy)).map((r) => [r.name, r.version]));
        const outdated = outdatedProjections(stored);
        if (outdated.length > 0) {
          if (options.autoRebuild === false)
            throw new ReadModelCommandError(
              `The active copy '${copy.name}' is outdated (${outdated.join(', ')}); run a rebuild.`,
            );
          log.info(
            { copy: copy.name, outdated, stored: Object.fromEntries(stored), code: PROJECTIONS },
            'projection versions changed: rebuilding while readers keep the current copy',
          );
          await copy.close();
          const result = await rebuildReadModel({ ...options, logger: log });
          if (!result.complete) return;
          continue;
        }
        const runner = new ProjectionRunner({
          store: options.store,
          copy,
          logger: log,
          batchSize: options.batchSize,
          skip: options.skip,
          notifier: options.notifier,
        });
        options.onRunner?.(runner);
        log.info({ copy: copy.name }, 'projecting');
        await runner.follow(options.signal, async () => (await directory.current())?.copy === copy.name);
      } finally {
        await copy.close().catch(() => {});
      }
    }
  } finally {
    await directory.close();
  }
}
