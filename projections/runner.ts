// The projector runner: catches a copy up from its checkpoint in batches (each batch and its
// checkpoint in one transaction), then follows new events as they are appended. It stops, never
// skips, at an event it cannot apply; an operator's --skip-event is the only way past one.
import { setImmediate } from 'node:timers/promises';
import type { StoredEvent } from '../src/events/envelope.ts';
import type { EventStore } from '../src/eventstore/port.ts';
import type { Logger } from '../src/log/logger.ts';
import { silentLogger } from '../src/log/logger.ts';
import {
  applyBatch,
  type BatchOutcome,
  type CheckpointState,
  checkpointState,
  commitBatch,
  type PreparedBatch,
  prepareBatch,
} from './apply.ts';
import { DEFAULT_BATCH_SIZE } from './batch-sizes.ts';
import type { ReadModelCopy } from './db/open.ts';
import { readCheckpoints } from './db/operations.ts';
import type { LoadedRows } from './model.ts';
import type { ProjectionNotifier } from './notifications.ts';
import { type PreparedTexts, SearchTokenizer, searchTextsOf } from './search/tokenizer.ts';

export interface RunnerOptions {
  readonly store: EventStore;
  readonly copy: ReadModelCopy;
  readonly logger?: Logger;
  /** Events per transaction. */
  readonly batchSize?: number;
  /** Event ids the operator chose to skip; each is recorded in skipped_events when passed. */
  readonly skip?: ReadonlySet<string>;
  readonly notifier?: ProjectionNotifier;
  /** How long one wait for new events lasts before the runner re-checks its surroundings. */
  readonly idleMs?: number;
  readonly now?: () => number;
}

interface ReadBatch {
  readonly events: StoredEvent[];
  /** The batch's search texts, being tokenized on a worker; absent when the copy writes no search. */
  readonly searchText: PreparedTexts | undefined;
}

interface ProjectedStep {
  readonly read: ReadBatch;
  readonly prepared: PreparedBatch;
}

export interface RunnerStatus {
  readonly copy: string;
  readonly checkpoint: CheckpointState;
  /** The store's newest position when last asked. */
  readonly head: string | undefined;
  readonly caughtUp: boolean;
  /** How stale the read model is: 0 when caught up, else the age of the last applied event. */
  readonly lagMs: number;
  readonly appliedSinceStart: number;
}

export class ProjectionRunner {
  readonly #store: EventStore;
  readonly #copy: ReadModelCopy;
  readonly #log: Logger;
  readonly #batchSize: number;
  readonly #skip: ReadonlySet<string>;
  readonly #notifier: ProjectionNotifier | undefined;
  readonly #idleMs: number;
  readonly #now: () => number;
  #checkpoint: CheckpointState | undefined;
  #head: string | undefined;
  #applied = 0;

  constructor(options: RunnerOptions) {
    this.#store = options.store;
    this.#copy = options.copy;
    this.#log = options.logger ?? silentLogger;
    this.#batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.#skip = options.skip ?? new Set();
    this.#notifier = options.notifier;
    this.#idleMs = options.idleMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  get copy(): ReadModelCopy {
    return this.#copy;
  }

  async #loadCheckpoint(): Promise<CheckpointState> {
    this.#checkpoint ??= checkpointState(await this.#copy.read((ops) => readCheckpoints(ops)));
    return this.#checkpoint;
  }

  status(): RunnerStatus {
    const checkpoint = this.#checkpoint ?? {
      position: null,
      sequence: null,
      eventCount: 0,
      lastRecordedAt: null,
    };
    const caughtUp = checkpoint.position === (this.#head ?? null);
    return {
      copy: this.#copy.name,
      checkpoint,
      head: this.#head,
      caughtUp,
      lagMs: caughtUp ? 0 : Math.max(0, this.#now() - (checkpoint.lastRecordedAt ?? this.#now())),
      appliedSinceStart: this.#applied,
    };
  }

  #read(after: string | null): Promise<StoredEvent[]> {
    return this.#store.readAll({ ...(after === null ? {} : { after }), limit: this.#batchSize });
  }

  /** Applies one batch read after the checkpoint. Returns how many events were read (0: caught up). */
  async step(): Promise<number> {
    const checkpoint = await this.#loadCheckpoint();
    return this.#apply(await this.#read(checkpoint.position), checkpoint);
  }

  /** Reads the batch after `after` and starts tokenizing its search texts on the worker. */
  async #readBatch(after: string | null, tokenizer: SearchTokenizer): Promise<ReadBatch> {
    const events = await this.#read(after);
    return {
      events,
      searchText: this.#copy.writesSearch ? tokenizer.prepare(searchTextsOf(events)) : undefined,
    };
  }

  async #project(read: ReadBatch, carried?: LoadedRows): Promise<ProjectedStep> {
    const prepared = await prepareBatch(this.#copy, read.events, {
      skip: this.#skip,
      ...(carried ? { carried } : {}),
    });
    return { read, prepared };
  }

  async #commit(step: ProjectedStep, checkpoint: CheckpointState): Promise<number> {
    // SQLite projects and commits on this thread: between the two, timers and I/O (the viewer in
    // the same process) get a turn.
    if (!this.#copy.commitsElsewhere) await setImmediate();
    // Usually answered long before: it was asked when the batch was read, a commit earlier. If it is
    // still working, waiting costs less than tokenizing everything a second time here.
    await step.read.searchText?.answered;
    const searchText = step.read.searchText?.toText;
    return this.#record(
      await commitBatch(this.#copy, step.prepared, checkpoint.position, {
        now: this.#now(),
        ...(searchText ? { searchText } : {}),
      }),
      step.read.events.length,
    );
  }

  async #apply(events: StoredEvent[], checkpoint: CheckpointState): Promise<number> {
    if (events.length === 0) return 0;
    const outcome = await applyBatch(this.#copy, events, checkpoint.position, {
      skip: this.#skip,
      now: this.#now(),
    });
    return this.#record(outcome, events.length);
  }

  /** Takes in a committed batch: checkpoint, counts, notification; throws where it halted. */
  #record(outcome: BatchOutcome, read: number): number {
    this.#checkpoint = outcome.checkpoint;
    this.#applied += outcome.applied.length;
    for (const event of outcome.skipped)
      this.#log.warn(
        { eventId: event.id, position: event.globalPosition, type: event.type, stream: event.stream },
        'event skipped by operator request and recorded in skipped_events',
      );
    if (outcome.applied.length > 0)
      this.#notifier?.emit('batch', {
        copy: this.#copy.name,
        events: outcome.applied,
        checkpoint: outcome.checkpoint,
      });
    if (outcome.halted) {
      this.#log.error(
        { eventId: outcome.halted.eventId, position: outcome.halted.position, reason: outcome.halted.reason },
        'projection halted',
      );
      throw outcome.halted;
    }
    return read;
  }

  /**
   * Applies batches until the store has nothing newer. Returns the number of events read. Each batch
   * is projected before its transaction, from the rows the previous batch left; the next batch is
   * read, and its search texts tokenized on a worker thread, while one commits. Where the database
   * commits on its own (PostgreSQL), the next batch is also projected meanwhile.
   */
  async catchUp(signal?: AbortSignal, onProgress?: (status: RunnerStatus) => void): Promise<number> {
    let total = 0;
    this.#head = await this.#store.headPosition();
    let checkpoint = await this.#loadCheckpoint();
    const tokenizer = new SearchTokenizer();
    try {
      const first = await this.#readBatch(checkpoint.position, tokenizer);
      let current = first.events.length > 0 && !signal?.aborted ? await this.#project(first) : undefined;
      while (current && !signal?.aborted) {
        const { read, prepared } = current;
        const committing = this.#commit(current, checkpoint);
        // Read on only after a full batch: a short one means the log is drained for now.
        const more = read.events.length === this.#batchSize && !prepared.halted;
        const after = read.events.at(-1)!.globalPosition;
        // Reading before the commit pays when something overlaps it (the tokenizer, a database
        // server); otherwise it would only keep two batches in memory at once.
        const ahead = more && (this.#copy.writesSearch || this.#copy.commitsElsewhere);
        const nextRead = ahead ? this.#readBatch(after, tokenizer) : undefined;
        const project = (next: ReadBatch) =>
          next.events.length > 0 ? this.#project(next, prepared.after) : undefined;
        const nextStep = this.#copy.commitsElsewhere ? nextRead?.then(project) : undefined;
        try {
          total += await committing;
        } catch (error) {
          // the work ahead is abandoned with the batch
          nextRead?.catch(() => {});
          nextStep?.catch(() => {});
          throw error;
        }
        checkpoint = await this.#loadCheckpoint();
        onProgress?.(this.status());
        // SQLite work is synchronous: give timers and I/O (the viewer in the same process) a turn.
        await setImmediate();
        if (!more || signal?.aborted) {
          nextStep?.catch(() => {});
          break;
        }
        current = await (nextStep ?? (nextRead ?? this.#readBatch(after, tokenizer)).then(project));
      }
    } finally {
      await tokenizer.close();
    }
    this.#head = await this.#store.headPosition();
    return total;
  }

  /**
   * Catches up, then follows new events until `signal` aborts. `between` runs after every idle wait
   * and each catch-up; returning false ends the loop (run mode uses it to notice a switched copy).
   */
  async follow(signal: AbortSignal, between?: () => Promise<boolean>): Promise<void> {
    await this.catchUp(signal);
    while (!signal.aborted) {
      if (between && !(await between())) return;
      const checkpoint = await this.#loadCheckpoint();
      await this.#store.waitForEvents(checkpoint.position ?? undefined, { signal, timeoutMs: this.#idleMs });
      if (signal.aborted) return;
      const read = await this.catchUp(signal);
      if (read > 0) {
        const { checkpoint, lagMs } = this.status();
        this.#log.debug(
          { read, position: checkpoint.position, events: checkpoint.eventCount, lagMs },
          'projected',
        );
      }
    }
  }
}
