// The work behind `telegram-archive projections …`: option checks, opening the event store and the
// read-model location from the configuration, progress, and turning the read model's typed
// failures into clear messages.
import { CheckpointConflictError, ProjectionHaltedError } from '../../../projections/apply.ts';
import { type ReadModelLocation, ReadModelUnavailableError } from '../../../projections/db/open.ts';
import {
  cleanupReadModel,
  ReadModelCommandError,
  readModelStatus,
  rebuildReadModel,
  runProjections,
  switchReadModel,
} from '../../../projections/manage.ts';
import { readModelLocation } from '../../../projections/read-model.ts';
import { PROJECTIONS } from '../../../projections/versions.ts';
import { ensureWritableDirectory } from '../../config/directories.ts';
import { redactUrl } from '../../config/index.ts';
import type { EventStore } from '../../eventstore/port.ts';
import { type CommandContext, listOption, stringOption, UsageError } from '../command.ts';
import { createProgress, formatCount } from '../progress.ts';
import { CliFailure } from '../run-cli.ts';

const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function skips(context: CommandContext, command: string): Set<string> {
  const ids = listOption(context.options, 'skip-event');
  for (const id of ids)
    if (!EVENT_ID.test(id))
      throw new UsageError(`--skip-event '${id}' is not an event id (a UUID).`, command);
  return new Set(ids.map((id) => id.toLowerCase()));
}

function positiveInteger(
  context: CommandContext,
  name: string,
  command: string,
  max: number,
): number | undefined {
  const text = stringOption(context.options, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value < 1 || value > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got '${text}'.`, command);
  return value;
}

function location(context: CommandContext): ReadModelLocation {
  const { config } = context.config();
  const where = readModelLocation(config);
  if (where.kind === 'sqlite') ensureWritableDirectory(where.directory, 'read model');
  return where;
}

const describeLocation = (where: ReadModelLocation) =>
  where.kind === 'sqlite'
    ? `${where.directory} (SQLite)`
    : `${redactUrl(where.url) ?? '<redacted>'} (PostgreSQL)`;

/**
 * Opens the store for one subcommand. The long-running projector (`wait`) waits for a server-backed
 * store that is not up yet; the one-shot subcommands fail at once with the reason.
 */
async function withStore<T>(
  context: CommandContext,
  work: (store: EventStore) => Promise<T>,
  { wait = false }: { wait?: boolean } = {},
): Promise<T | number> {
  const { config } = context.config();
  let store: EventStore | undefined;
  if (wait) {
    const { openEventStoreWhenReachable } = await import('../open-store.ts');
    store = await openEventStoreWhenReachable(config, context.logger(), context.signal);
    if (!store) return 0; // stopped while waiting
  } else {
    const { openEventStore } = await import('../../eventstore/index.ts');
    store = await openEventStore(config, context.logger());
  }
  try {
    return await work(store);
  } catch (error) {
    if (
      error instanceof ProjectionHaltedError ||
      error instanceof CheckpointConflictError ||
      error instanceof ReadModelUnavailableError ||
      error instanceof ReadModelCommandError
    )
      throw new CliFailure(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

export async function runProjector(context: CommandContext): Promise<number> {
  const source = stringOption(context.options, 'source') ?? 'log';
  if (source !== 'log' && source !== 'kafka')
    throw new UsageError(`--source must be 'log' or 'kafka', got '${source}'.`, 'projections run');
  const group = stringOption(context.options, 'group');
  if (source === 'kafka') {
    if (listOption(context.options, 'skip-event').length > 0 || context.options['batch-size'] !== undefined)
      throw new UsageError(
        '--skip-event and --batch-size apply to --source log only; with Kafka a batch is what the broker delivers.',
        'projections run',
      );
    if (group !== undefined && !/^[A-Za-z0-9._-]{1,249}$/.test(group))
      throw new UsageError(`--group '${group}' is not a valid consumer group id.`, 'projections run');
    const { runKafkaProjector, DEFAULT_GROUP_ID } = await import('./kafka.ts');
    return runKafkaProjector(context, { location: location(context), groupId: group ?? DEFAULT_GROUP_ID });
  }
  if (group !== undefined) throw new UsageError('--group applies to --source kafka only.', 'projections run');
  const skip = skips(context, 'projections run');
  const batchSize = positiveInteger(context, 'batch-size', 'projections run', 50_000);
  const where = location(context);
  const logger = context.logger().child({ component: 'projections' });
  return withStore(
    context,
    async (store) => {
      context.stderr.write(
        `Projecting ${store.description} into ${describeLocation(where)} (Ctrl-C to stop)\n`,
      );
      await runProjections({
        location: where,
        store,
        signal: context.signal,
        logger,
        skip,
        batchSize,
        autoRebuild: context.options['no-auto-rebuild'] !== true,
      });
      return 0;
    },
    { wait: true },
  );
}

export async function runRebuild(context: CommandContext): Promise<number> {
  const skip = skips(context, 'projections rebuild');
  const batchSize = positiveInteger(context, 'batch-size', 'projections rebuild', 50_000);
  const where = location(context);
  const logger = context.logger().child({ component: 'projections' });
  return withStore(context, async (store) => {
    const progress = createProgress({ label: 'rebuild', unit: 'events', stream: context.stderr, logger });
    const result = await rebuildReadModel({
      location: where,
      store,
      logger,
      signal: context.signal,
      skip,
      batchSize,
      switchWhenDone: context.options['no-switch'] !== true,
      onProgress: (status) => progress.update(status.appliedSinceStart),
    });
    progress.finish();
    if (!result.complete) {
      context.stdout.write(
        `Rebuild of ${result.copy} interrupted after ${formatCount(result.events)} events; readers stay on the active copy.\n`,
      );
      return 130;
    }
    context.stdout.write(
      `Rebuilt ${result.copy} from ${formatCount(result.events)} events in ${result.seconds.toFixed(1)} s; ${result.switched ? 'readers switched to it' : 'not switched (run `projections switch`)'}.\n`,
    );
    return 0;
  });
}

export async function runSwitch(context: CommandContext): Promise<number> {
  if (context.positionals.length > 1)
    throw new UsageError('Give at most one copy name.', 'projections switch');
  const where = location(context);
  try {
    const { from, to } = await switchReadModel(where, context.positionals[0], {
      force: context.options.force === true,
    });
    context.stdout.write(`Readers now use ${to}${from ? ` (was ${from})` : ''}.\n`);
    return 0;
  } catch (error) {
    if (error instanceof ReadModelCommandError || error instanceof ReadModelUnavailableError)
      throw new CliFailure(error.message);
    throw error;
  }
}

export async function runCleanup(context: CommandContext): Promise<number> {
  const { removed, kept } = await cleanupReadModel(location(context), {
    force: context.options.force === true,
  });
  context.stdout.write(removed.length ? `Removed ${removed.join(', ')}.\n` : 'Nothing to remove.\n');
  if (kept.length)
    context.stdout.write(`Kept ${kept.join(', ')}: written to within the last minute (use --force).\n`);
  return 0;
}

export async function runStatus(context: CommandContext): Promise<number> {
  const behindCap = positiveInteger(context, 'count-limit', 'projections status', 100_000_000) ?? 100_000;
  const where = location(context);
  return withStore(context, async (store) => {
    const copies = await readModelStatus(where, store, { behindCap });
    if (context.options.json === true) {
      context.stdout.write(
        `${JSON.stringify({ location: describeLocation(where), code: PROJECTIONS, copies }, null, 2)}\n`,
      );
      return 0;
    }
    const head = copies[0]?.head ?? (await store.headPosition());
    const lines = [
      `Read model: ${describeLocation(where)}`,
      `Event log: ${store.description}, head ${head ?? '(empty)'}`,
    ];
    if (copies.length === 0)
      lines.push("No copies yet: run 'telegram-archive projections run' or 'projections rebuild'.");
    for (const c of copies) {
      const versions = Object.entries(c.versions)
        .map(
          ([name, v]) =>
            `${name} v${v ?? '?'}${v !== PROJECTIONS[name as keyof typeof PROJECTIONS] ? ` (code v${PROJECTIONS[name as keyof typeof PROJECTIONS]})` : ''}`,
        )
        .join(', ');
      lines.push(
        '',
        `${c.active ? '* ' : '  '}${c.name}${c.active ? ' (active)' : ''}${c.outdated.length ? ' OUTDATED' : ''}`,
        ...(c.problem
          ? [`    unreadable: ${c.problem}`]
          : [
              `    versions:   ${versions}`,
              `    checkpoint: ${c.position ?? '(start)'}${c.sequence !== null ? ` (#${c.sequence})` : ''}, ${formatCount(c.eventCount)} events applied`,
              `    behind:     ${c.behind === 0 ? 'caught up' : `${c.behindCapped ? 'more than ' : ''}${formatCount(c.behind)} events`}`,
              `    updated:    ${c.updatedAt?.toISOString() ?? '-'}`,
            ]),
      );
    }
    context.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  });
}
