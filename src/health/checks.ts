// One function per health rule. Each takes facts (a status file, a lag measurement, an error) and
// returns a verdict with a one-line reason an operator can act on.
import type { GlobalPosition } from '../events/envelope.ts';
import type { EventStore } from '../eventstore/port.ts';
import { HEARTBEAT_MS, type RoleStatus } from './status-file.ts';

export const CHECK_NAMES = ['store', 'projector', 'listener', 'relay'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export interface CheckResult {
  readonly name: CheckName;
  readonly status: 'ok' | 'fail' | 'skip';
  readonly detail: string;
  readonly facts?: Readonly<Record<string, unknown>>;
}

export interface HealthReport {
  readonly healthy: boolean;
  readonly checkedAt: string;
  readonly checks: readonly CheckResult[];
}

export function report(checks: readonly CheckResult[], now: Date): HealthReport {
  return { healthy: checks.every((c) => c.status !== 'fail'), checkedAt: now.toISOString(), checks };
}

export interface LagLimits {
  /** A pending event older than this means the consumer is stuck or too slow. */
  readonly maxLagSeconds: number;
}

/** How far a checkpoint trails the log: events behind (up to `sampleLimit`) and the oldest one's age. */
export interface Lag {
  readonly behind: number;
  /** True when more than `behind` events are pending (the count was capped). */
  readonly atLeast: boolean;
  readonly oldestPendingAt: string | undefined;
}

export async function measureLag(
  store: Pick<EventStore, 'readAll'>,
  position: GlobalPosition | undefined,
  sampleLimit = 1000,
): Promise<Lag> {
  const pending = await store.readAll({ after: position, limit: sampleLimit + 1 });
  return {
    behind: Math.min(pending.length, sampleLimit),
    atLeast: pending.length > sampleLimit,
    oldestPendingAt: pending[0]?.recordedAt,
  };
}

/** Lag is fine while the oldest pending event is recent: a busy consumer is not a broken one. */
export function lagVerdict(name: CheckName, lag: Lag, limits: LagLimits, now: Date): CheckResult {
  const facts = { behind: lag.behind, atLeast: lag.atLeast, oldestPendingAt: lag.oldestPendingAt ?? null };
  if (lag.behind === 0) return { name, status: 'ok', detail: 'caught up with the event log', facts };
  const count = `${lag.atLeast ? 'more than ' : ''}${lag.behind} event${lag.behind === 1 ? '' : 's'}`;
  const ageSeconds = lag.oldestPendingAt
    ? Math.max(0, (now.getTime() - Date.parse(lag.oldestPendingAt)) / 1000)
    : 0;
  const age = formatDuration(ageSeconds);
  if (ageSeconds > limits.maxLagSeconds)
    return {
      name,
      status: 'fail',
      detail: `${count} behind; the oldest waits for ${age} (limit ${formatDuration(limits.maxLagSeconds)}): is the ${name} running?`,
      facts: { ...facts, lagSeconds: Math.round(ageSeconds) },
    };
  return {
    name,
    status: 'ok',
    detail: `${count} behind, oldest ${age} old`,
    facts: { ...facts, lagSeconds: Math.round(ageSeconds) },
  };
}

export interface ConnectionLimits {
  /** How long a role may be away from `connected` (reconnecting) before it counts as unhealthy. */
  readonly graceSeconds: number;
  /** A heartbeat older than this means the process is gone or hung. */
  readonly staleSeconds: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  graceSeconds: 120,
  staleSeconds: (4 * HEARTBEAT_MS) / 1000,
};

/** A role's connection from its status file; `required` turns a missing file into a failure. */
export function connectionVerdict(
  name: CheckName,
  status: RoleStatus | undefined,
  options: { required: boolean; limits?: ConnectionLimits; now: Date; what: string },
): CheckResult {
  const limits = options.limits ?? DEFAULT_CONNECTION_LIMITS;
  if (!status)
    return options.required
      ? { name, status: 'fail', detail: `no status file: the ${name} has not run with this DATA_DIR` }
      : { name, status: 'skip', detail: `not running here (no status file)` };
  const heartbeatAge = (options.now.getTime() - Date.parse(status.updatedAt)) / 1000;
  const stateAge = (options.now.getTime() - Date.parse(status.since)) / 1000;
  const facts = { state: status.state, since: status.since, updatedAt: status.updatedAt, pid: status.pid };
  const why = status.detail ? ` (${status.detail})` : '';
  if (status.state === 'stopped')
    return { name, status: 'fail', detail: `stopped ${formatDuration(stateAge)} ago${why}`, facts };
  if (heartbeatAge > limits.staleSeconds)
    return {
      name,
      status: 'fail',
      detail: `last heartbeat ${formatDuration(heartbeatAge)} ago: the ${name} process is gone or hung`,
      facts,
    };
  if (status.state === 'connected')
    return {
      name,
      status: 'ok',
      detail: `connected to ${options.what} for ${formatDuration(stateAge)}`,
      facts,
    };
  if (stateAge > limits.graceSeconds)
    return {
      name,
      status: 'fail',
      detail: `${status.state} for ${formatDuration(stateAge)}, not connected to ${options.what}${why}`,
      facts,
    };
  return {
    name,
    status: 'ok',
    detail: `${status.state} for ${formatDuration(stateAge)} (within the grace period)${why}`,
    facts,
  };
}

export function failure(name: CheckName, error: unknown): CheckResult {
  return { name, status: 'fail', detail: error instanceof Error ? error.message : String(error) };
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

/** Human-readable report: one line per check, then the verdict. */
export function formatReport(health: HealthReport): string {
  const mark = { ok: 'ok  ', fail: 'FAIL', skip: 'skip' } as const;
  const width = Math.max(...health.checks.map((c) => c.name.length));
  const lines = health.checks.map((c) => `${mark[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`);
  lines.push(health.healthy ? 'healthy' : 'UNHEALTHY');
  return `${lines.join('\n')}\n`;
}
