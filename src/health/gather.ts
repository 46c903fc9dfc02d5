// Gathering the facts behind each health check: open what is there, read, close, within a time
// limit, and hand the facts to the pure verdicts in checks.ts. A missing SQLite log or read model
// is reported, never created.
import { existsSync } from 'node:fs';
import { KAFKA_ROW_PREFIX, readCheckpoints } from '../../projections/db/operations.ts';
import { readModelLocation } from '../../projections/read-model.ts';
import type { Config } from '../config/index.ts';
import type { EventStore } from '../eventstore/port.ts';
import type { Logger } from '../log/logger.ts';
import { withTimeout } from '../pacing/backoff.ts';
import { openRelayCheckpoint, relayCheckpointName } from '../relay/checkpoint/index.ts';
import {
  type CheckName,
  type CheckResult,
  connectionVerdict,
  failure,
  lagVerdict,
  measureLag,
} from './checks.ts';
import { readRoleStatus } from './status-file.ts';

export interface HealthOptions {
  /** Checks asked for explicitly; empty: store plus whatever runs with this configuration. */
  readonly checks: readonly CheckName[];
  readonly maxLagSeconds: number;
  readonly timeoutMs: number;
  readonly now?: () => Date;
}

export interface HealthDependencies {
  readonly openStore: (config: Config, logger: Logger) => Promise<EventStore>;
  readonly openReadModel: typeof import('../../projections/read-model.ts').openReadModel;
}

/** Runs the checks in order; each gets its own time limit and never throws. */
export async function gatherHealth(
  config: Config,
  logger: Logger,
  options: HealthOptions,
  deps: HealthDependencies,
): Promise<CheckResult[]> {
  const now = options.now ?? (() => new Date());
  const explicit = new Set(options.checks);
  const auto = explicit.size === 0;
  const results: CheckResult[] = [];
  let store: EventStore | undefined;

  const limited = async (name: CheckName, work: () => Promise<CheckResult>): Promise<CheckResult> => {
    try {
      const result = await withTimeout(work(), options.timeoutMs);
      return result ?? failure(name, `no answer within ${options.timeoutMs / 1000} s`);
    } catch (error) {
      return failure(name, error);
    }
  };

  const openStore = async (): Promise<EventStore> => {
    if (store) return store;
    if (config.eventStore === 'sqlite' && !existsSync(config.eventStoreLocation))
      throw new Error(
        `no event log at ${config.eventStoreLocation} (wrong DATA_DIR, or nothing archived yet)`,
      );
    store = await deps.openStore(config, logger);
    return store;
  };

  try {
    results.push(
      await limited('store', async () => {
        const opened = await openStore();
        const head = await opened.headPosition();
        return {
          name: 'store',
          status: 'ok',
          detail: `${opened.description} answers; ${head === undefined ? 'the log is empty' : `head at ${head}`}`,
          facts: { head: head ?? null },
        };
      }),
    );
    const storeOk = results[0]?.status === 'ok';

    if (auto || explicit.has('projector'))
      results.push(
        await limited('projector', () =>
          projectorCheck(config, deps, openStore, storeOk, options, auto, now()),
        ),
      );
    if (auto || explicit.has('listener'))
      results.push(
        connectionVerdictSafe('listener', config, { required: !auto, now: now(), what: 'Telegram' }),
      );
    if (auto || explicit.has('relay'))
      results.push(
        await limited('relay', () => relayCheck(config, openStore, storeOk, options, auto, now())),
      );
  } finally {
    await store?.close().catch(() => undefined);
  }
  return results.filter((r) => !(auto && r.status === 'skip' && r.name !== 'store'));
}

function connectionVerdictSafe(
  name: CheckName,
  config: Config,
  options: { required: boolean; now: Date; what: string },
): CheckResult {
  try {
    return connectionVerdict(name, readRoleStatus(config.dataDir, name), options);
  } catch (error) {
    return failure(name, error);
  }
}

async function projectorCheck(
  config: Config,
  deps: HealthDependencies,
  openStore: () => Promise<EventStore>,
  storeOk: boolean,
  options: HealthOptions,
  auto: boolean,
  now: Date,
): Promise<CheckResult> {
  const location = readModelLocation(config);
  if (location.kind === 'sqlite' && !existsSync(location.directory))
    return auto
      ? { name: 'projector', status: 'skip', detail: 'no read model here' }
      : failure('projector', `no read model at ${location.directory}: has the projector run?`);
  const copy = await deps.openReadModel(location);
  try {
    const all = await copy.read((ops) =>
      ops.select<{ name: string; position: string | null }>(ops.tables.checkpoints, [], []),
    );
    if (all.some((row) => row.name.startsWith(KAFKA_ROW_PREFIX))) {
      // Fed from Kafka: there is no log position to compare; the source's own status file tells.
      const verdict = connectionVerdict('projector', readRoleStatus(config.dataDir, 'projector'), {
        required: true,
        now,
        what: 'Kafka',
      });
      return { ...verdict, detail: `${copy.name} fed from Kafka: ${verdict.detail}` };
    }
    if (!storeOk) return failure('projector', 'cannot measure the lag: the event store does not answer');
    const [checkpoint] = await copy.read((ops) => readCheckpoints(ops));
    const lag = await measureLag(await openStore(), checkpoint?.position ?? undefined);
    const verdict = lagVerdict('projector', lag, { maxLagSeconds: options.maxLagSeconds }, now);
    return { ...verdict, detail: `${copy.name}: ${verdict.detail}` };
  } finally {
    await copy.close();
  }
}

async function relayCheck(
  config: Config,
  openStore: () => Promise<EventStore>,
  storeOk: boolean,
  options: HealthOptions,
  auto: boolean,
  now: Date,
): Promise<CheckResult> {
  const status = readRoleStatus(config.dataDir, 'relay');
  if (!status && auto) return { name: 'relay', status: 'skip', detail: 'not running here' };
  const connection = connectionVerdict('relay', status, { required: true, now, what: 'Kafka' });
  if (connection.status === 'fail' || !storeOk) return connection;
  const checkpoint = openRelayCheckpoint(config, relayCheckpointName(config.kafkaTopic));
  try {
    const lag = await measureLag(await openStore(), await checkpoint.load());
    const verdict = lagVerdict('relay', lag, { maxLagSeconds: options.maxLagSeconds }, now);
    return {
      ...verdict,
      detail: `${connection.detail}; ${verdict.detail}`,
      facts: { ...connection.facts, ...verdict.facts },
    };
  } finally {
    await checkpoint.close();
  }
}
