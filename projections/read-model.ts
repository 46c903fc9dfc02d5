// Opening the active read-model copy for readers. `openReadModel` gives the copy the pointer names
// now; `ActiveReadModel` is for long-lived readers (the viewer): it follows the pointer, moves to a
// new copy after a switch and closes the old one once in-flight reads had time to finish.
import type { Config } from '../src/config/index.ts';
import { openCopyDirectory } from './copies.ts';
import {
  openCopy,
  type ReadModelCopy,
  type ReadModelLocation,
  ReadModelUnavailableError,
} from './db/open.ts';
import type { ProjectionNotifier } from './notifications.ts';

export function readModelLocation(
  config: Pick<Config, 'readModel' | 'readModelLocation'>,
): ReadModelLocation {
  return config.readModel === 'postgres'
    ? { kind: 'postgres', url: config.readModelLocation }
    : { kind: 'sqlite', directory: config.readModelLocation };
}

const asLocation = (target: ReadModelLocation | Pick<Config, 'readModel' | 'readModelLocation'>) =>
  'kind' in target ? target : readModelLocation(target);

/** The active copy (the one `projections switch` last pointed readers at). */
export async function openReadModel(
  target: ReadModelLocation | Pick<Config, 'readModel' | 'readModelLocation'>,
): Promise<ReadModelCopy> {
  const location = asLocation(target);
  const directory = openCopyDirectory(location);
  try {
    const pointer = await directory.current();
    if (!pointer)
      throw new ReadModelUnavailableError(
        '(none)',
        "no copy is active yet: run 'telegram-archive projections run' or 'telegram-archive projections rebuild'",
      );
    return await openCopy(location, pointer.copy);
  } finally {
    await directory.close();
  }
}

export interface ActiveReadModelOptions {
  /** Re-read the pointer at most this often when asked through `current()`; default 2 s. */
  readonly checkEveryMs?: number;
  /** How long a replaced copy stays open for reads already under way; default 30 s. */
  readonly graceMs?: number;
  /** In-process switches (run mode) are picked up at once. */
  readonly notifier?: ProjectionNotifier;
}

export class ActiveReadModel {
  readonly #location: ReadModelLocation;
  readonly #options: ActiveReadModelOptions;
  #copy: ReadModelCopy;
  #checkedAt = Date.now();
  #refreshing: Promise<boolean> | undefined;
  readonly #retiring = new Map<NodeJS.Timeout, ReadModelCopy>();
  readonly #onSwitch = () => void this.refresh();

  private constructor(location: ReadModelLocation, copy: ReadModelCopy, options: ActiveReadModelOptions) {
    this.#location = location;
    this.#copy = copy;
    this.#options = options;
    options.notifier?.on('switched', this.#onSwitch);
  }

  static async open(
    target: ReadModelLocation | Pick<Config, 'readModel' | 'readModelLocation'>,
    options: ActiveReadModelOptions = {},
  ): Promise<ActiveReadModel> {
    const location = asLocation(target);
    return new ActiveReadModel(location, await openReadModel(location), options);
  }

  /** The active copy, re-checking the pointer when the last check is older than checkEveryMs. */
  async current(): Promise<ReadModelCopy> {
    if (Date.now() - this.#checkedAt >= (this.#options.checkEveryMs ?? 2000)) await this.refresh();
    return this.#copy;
  }

  /** Follows the pointer now; true when it moved to another copy. */
  refresh(): Promise<boolean> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refresh(): Promise<boolean> {
    this.#checkedAt = Date.now();
    const directory = openCopyDirectory(this.#location);
    let target: string | undefined;
    try {
      target = (await directory.current())?.copy;
    } finally {
      await directory.close();
    }
    if (!target || target === this.#copy.name) return false;
    const next = await openCopy(this.#location, target);
    const old = this.#copy;
    this.#copy = next;
    const timer = setTimeout(() => {
      this.#retiring.delete(timer);
      void old.close();
    }, this.#options.graceMs ?? 30_000);
    timer.unref();
    this.#retiring.set(timer, old);
    return true;
  }

  async close(): Promise<void> {
    this.#options.notifier?.off('switched', this.#onSwitch);
    const old = [...this.#retiring];
    this.#retiring.clear();
    for (const [timer] of old) clearTimeout(timer);
    await Promise.all([this.#copy, ...old.map(([, copy]) => copy)].map((copy) => copy.close()));
  }
}
