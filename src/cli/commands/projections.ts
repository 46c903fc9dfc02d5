// `telegram-archive projections …`: keep the read model in step with the event log (run), rebuild
// it into a new copy while the old one serves, switch readers, clean up, and show where each copy
// stands. This file holds the command line and help; the work is loaded on use.
import { DEFAULT_BATCH_SIZE, REBUILD_BATCH_SIZE } from '../../../projections/batch-sizes.ts';
import type { Command, OptionSpec } from '../command.ts';

const skipEvent: OptionSpec = {
  type: 'string',
  multiple: true,
  valueName: 'event-id',
  description:
    'Pass over this event deliberately (an event the projector stopped at); recorded in skipped_events',
};
const batchSize: OptionSpec = {
  type: 'string',
  valueName: 'n',
  description: `Events per transaction (default ${DEFAULT_BATCH_SIZE})`,
};
const rebuildBatchSize: OptionSpec = {
  ...batchSize,
  description: `Events per transaction (default ${REBUILD_BATCH_SIZE}: a rebuild commits cheaply and keeps less in memory)`,
};

const run: Command = {
  name: 'run',
  summary: 'Project new events continuously into the active read model',
  description:
    'Catches the active copy up from its checkpoint, then follows the log until Ctrl-C. Builds the first copy when there is none, and rebuilds into a new copy (then switches) when a projection version changed; readers keep the old copy meanwhile. Stops at an event it cannot apply, naming it.',
  options: {
    'skip-event': skipEvent,
    'batch-size': batchSize,
    'no-auto-rebuild': {
      type: 'boolean',
      description: 'Fail instead of rebuilding when there is no copy or it is outdated',
    },
    source: {
      type: 'string',
      valueName: 'log|kafka',
      description:
        "Where events come from: the event log (default) or the relay's Kafka topic (consumer group, offsets kept in the copy; build the copy from the log first)",
    },
    group: {
      type: 'string',
      valueName: 'id',
      description: 'Kafka consumer group for --source kafka (default telegram-archive-projector)',
    },
  },
  examples: [
    'telegram-archive projections run --source kafka',
    'telegram-archive projections run',
    'telegram-archive projections run --skip-event 2f1c0d4e-6a0b-5c3e-9f7a-1b2c3d4e5f60',
  ],
  run: async (context) => (await import('../projections/run.ts')).runProjector(context),
};

const rebuild: Command = {
  name: 'rebuild',
  summary: 'Build a complete new read-model copy from the event log, then switch readers to it',
  description:
    'Readers keep using the active copy until the new one has caught up. Skips recorded in the active copy are applied again. An interrupted rebuild leaves an incomplete copy that `cleanup` removes.',
  options: {
    'no-switch': { type: 'boolean', description: 'Build only; switch later with `projections switch`' },
    'skip-event': skipEvent,
    'batch-size': rebuildBatchSize,
  },
  examples: ['telegram-archive projections rebuild', 'telegram-archive projections rebuild --no-switch'],
  run: async (context) => (await import('../projections/run.ts')).runRebuild(context),
};

const switchCommand: Command = {
  name: 'switch',
  summary: 'Point readers at another read-model copy (default: the newest)',
  args: '[copy]',
  options: {
    force: { type: 'boolean', description: 'Switch even to a copy built by other projection versions' },
  },
  examples: ['telegram-archive projections switch', 'telegram-archive projections switch read_model_3'],
  run: async (context) => (await import('../projections/run.ts')).runSwitch(context),
};

const cleanup: Command = {
  name: 'cleanup',
  summary: 'Remove every read-model copy except the active one',
  description:
    'A copy written to within the last minute is probably being rebuilt and is kept unless --force is given.',
  options: { force: { type: 'boolean', description: 'Also remove copies that look busy' } },
  examples: ['telegram-archive projections cleanup'],
  run: async (context) => (await import('../projections/run.ts')).runCleanup(context),
};

const status: Command = {
  name: 'status',
  summary: 'Show each read-model copy: versions, checkpoint, events behind the log',
  options: {
    json: { type: 'boolean', description: 'Print JSON instead of a table' },
    'count-limit': {
      type: 'string',
      valueName: 'n',
      description: 'Count events behind up to this many (default 100000)',
    },
  },
  examples: ['telegram-archive projections status', 'telegram-archive projections status --json'],
  run: async (context) => (await import('../projections/run.ts')).runStatus(context),
};

export const projectionsCommand: Command = {
  name: 'projections',
  summary: 'Build and run the read model (run, rebuild, switch, cleanup, status)',
  subcommands: [run, rebuild, switchCommand, cleanup, status],
};
