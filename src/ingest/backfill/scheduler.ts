// Scheduled backfill for listen/run mode: a cron SCHEDULE (croner) starts runs, never two at once
// in this process (a tick during a run is skipped) nor across processes (the run lock). Each run
// ends with one log line carrying its summary. trigger() starts a run outside the schedule, e.g.
// for a gap the listener could not close itself.
import { Cron } from 'croner';
import type { Logger } from '../../log/logger.ts';
import { describeError } from '../describe-error.ts';
import { acquireRunLock, RunLockBusyError } from './run-lock.ts';

export type RunTrigger = 'schedule' | 'manual' | 'gap' | 'start';

export interface SchedulerOptions<S> {
  readonly schedule: string;
  readonly lockPath: string;
  readonly logger: Logger;
  /** One backfill run; stop early when the signal aborts. Returns its summary. */
  readonly run: (signal: AbortSignal, trigger: RunTrigger) => Promise<S>;
  /** Fields for the per-run log line. */
  readonly describe?: (summary: S) => Record<string, unknown>;
  readonly timezone?: string;
}

export type RunOutcome<S> =
  | { readonly status: 'completed'; readonly summary: S; readonly durationMs: number }
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'failed'; readonly error: unknown; readonly durationMs: number };

export class BackfillScheduler<S> {
  private readonly options: SchedulerOptions<S>;
  private readonly cron: Cron;
  private readonly controller = new AbortController();
  private current: Promise<RunOutcome<S>> | undefined;
  /** A gap or manual request that arrived during a run: one follow-up run serves them all. */
  private followUp: { trigger: RunTrigger; promise: Promise<RunOutcome<S>>; start: () => void } | undefined;
  private stopped = false;
  private runs = 0;

  constructor(options: SchedulerOptions<S>) {
    this.options = options;
    this.cron = new Cron(
      options.schedule,
      { paused: true, timezone: options.timezone, catch: true },
      () => void this.trigger('schedule'),
    );
  }

  start(): this {
    this.cron.resume();
    this.options.logger.info(
      { schedule: this.options.schedule, nextRun: this.nextRun()?.toISOString() },
      'backfill schedule started',
    );
    return this;
  }

  nextRun(): Date | null {
    return this.cron.nextRun();
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  /**
   * Starts a run now. While one is going, a scheduled tick is skipped; a gap or manual trigger
   * is remembered and runs right after, so a request is never lost.
   */
  trigger(trigger: RunTrigger): Promise<RunOutcome<S>> {
    if (this.stopped) return Promise.resolve({ status: 'skipped', reason: 'scheduler stopped' });
    if (!this.current) return this.begin(trigger);
    if (trigger === 'schedule') {
      this.options.logger.info({ trigger }, 'backfill tick skipped: the previous run is still going');
      return Promise.resolve({ status: 'skipped', reason: 'previous run still going' });
    }
    if (!this.followUp) {
      let start!: () => void;
      const promise = new Promise<void>((resolve) => {
        start = resolve;
      }).then(() => this.trigger(trigger));
      this.followUp = { trigger, promise, start };
    }
    return this.followUp.promise;
  }

  private begin(trigger: RunTrigger): Promise<RunOutcome<S>> {
    const current = this.runOnce(trigger).finally(() => {
      this.current = undefined;
      const next = this.followUp;
      this.followUp = undefined;
      next?.start();
    });
    this.current = current;
    return current;
  }

  /** Stops the schedule, asks a running backfill to stop, and waits for it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cron.stop();
    this.controller.abort(Object.assign(new Error('scheduler stopping'), { name: 'AbortError' }));
    await this.current;
  }

  private async runOnce(trigger: RunTrigger): Promise<RunOutcome<S>> {
    const { logger } = this.options;
    const run = ++this.runs;
    let lock: ReturnType<typeof acquireRunLock>;
    try {
      lock = acquireRunLock(this.options.lockPath, `scheduled backfill (${trigger})`);
    } catch (error) {
      if (!(error instanceof RunLockBusyError)) throw error;
      logger.info(
        { run, trigger, holder: error.holder },
        'backfill run skipped: another process is running one',
      );
      return { status: 'skipped', reason: error.message };
    }
    const started = Date.now();
    try {
      const summary = await this.options.run(this.controller.signal, trigger);
      const durationMs = Date.now() - started;
      logger.info(
        {
          run,
          trigger,
          durationMs,
          ...(this.options.describe?.(summary) ?? {}),
          nextRun: this.nextRun()?.toISOString(),
        },
        'backfill run finished',
      );
      return { status: 'completed', summary, durationMs };
    } catch (error) {
      const durationMs = Date.now() - started;
      logger.error({ run, trigger, durationMs, error: describeError(error) }, 'backfill run failed');
      return { status: 'failed', error, durationMs };
    } finally {
      lock.release();
    }
  }
}
