// The shape of a benchmark scenario. Each file in bench/scenarios/ exports `name`, `description`
// and `run`; bench/run.ts finds them, runs them one after another and compares against targets.

export interface Measurement {
  readonly value: number;
  /** e.g. "events/s", "ms", "MB". */
  readonly unit: string;
  /** Pass/fail threshold; omit for a figure that is only reported. */
  readonly target?: number;
  /** Default 'higher': the value must be at least the target ('lower': at most). */
  readonly better?: 'higher' | 'lower';
  /** Anything worth keeping next to the figure: sizes, counts, settings. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A scenario that cannot run here (a server that is not configured): reported, never a pass. */
export interface Skipped {
  readonly skipped: string;
}

export interface ScenarioContext {
  /** A fresh directory, removed after the scenario. */
  readonly tmpDir: string;
  /** Progress for the person waiting, on stderr. */
  log(message: string): void;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  run(context: ScenarioContext): Promise<Measurement | Skipped>;
}
