// `telegram-archive health`: one verdict for a container's HEALTHCHECK or a monitoring probe.
import { CHECK_NAMES, type CheckName, formatReport, report } from '../../health/checks.ts';
import { gatherHealth, type HealthDependencies } from '../../health/gather.ts';
import { type Command, listOption, stringOption, UsageError } from '../command.ts';
import { positiveInteger } from './relay.ts';

const defaultDependencies = async (): Promise<HealthDependencies> => ({
  openStore: (await import('../../eventstore/index.ts')).openEventStore,
  openReadModel: (await import('../../../projections/read-model.ts')).openReadModel,
});

export function createHealthCommand(
  dependencies: () => Promise<HealthDependencies> = defaultDependencies,
): Command {
  return {
    name: 'health',
    summary: 'Check the store, projector lag, listener and relay; exit 1 when unhealthy',
    description: [
      'store: the event store answers. projector: the active read-model copy trails the log by less than',
      '--max-lag seconds (the age of the oldest event it has not applied); a copy fed from Kafka is judged',
      "by its source's status file. listener / relay: their status file (DATA_DIR/status/<role>.json) shows",
      'a fresh heartbeat and a connection (a reconnect gets 120 s of grace); the relay must also keep up.',
      'Without --check: the store, plus each other part that has run with this DATA_DIR.',
    ].join('\n'),
    options: {
      check: {
        type: 'string',
        multiple: true,
        valueName: CHECK_NAMES.join('|'),
        description: 'Check this part, and fail when it is missing (default: what is present)',
      },
      json: { type: 'boolean', description: 'Print the report as JSON' },
      'max-lag': {
        type: 'string',
        valueName: 'seconds',
        description: 'Oldest unapplied event the projector or relay may leave waiting (default 300)',
      },
      timeout: { type: 'string', valueName: 'seconds', description: 'Time limit per check (default 8)' },
    },
    examples: ['telegram-archive health', 'telegram-archive health --check store --check listener --json'],
    run: async (context) => {
      const checks = listOption(context.options, 'check');
      for (const check of checks)
        if (!CHECK_NAMES.includes(check as CheckName))
          throw new UsageError(`--check '${check}' is not one of ${CHECK_NAMES.join(', ')}.`, 'health');
      const maxLagSeconds =
        positiveInteger(stringOption(context.options, 'max-lag'), 'max-lag', 604_800, 'health') ?? 300;
      const timeoutSeconds =
        positiveInteger(stringOption(context.options, 'timeout'), 'timeout', 600, 'health') ?? 8;
      const { config } = context.config();
      const results = await gatherHealth(
        config,
        context.logger(),
        { checks: checks as CheckName[], maxLagSeconds, timeoutMs: timeoutSeconds * 1000 },
        await dependencies(),
      );
      const health = report(results, new Date());
      context.stdout.write(
        context.options.json === true ? `${JSON.stringify(health, null, 2)}\n` : formatReport(health),
      );
      return health.healthy ? 0 : 1;
    },
  };
}

export const healthCommand = createHealthCommand();
