// `telegram-archive relay`: publishes the event log to Kafka (see src/relay).
import type { Config } from '../../config/index.ts';
import { createStatusReporter, type RoleState } from '../../health/status-file.ts';
import type { Logger } from '../../log/logger.ts';
import { openRelayCheckpoint, relayCheckpointName } from '../../relay/checkpoint/index.ts';
import { createKafkaClient, type KafkaClientLike, type KafkaConnection } from '../../relay/kafka-client.ts';
import { KafkaPublisher } from '../../relay/publisher.ts';
import { type RelayState, RelayStoppedError, runRelay } from '../../relay/relay.ts';
import { type Command, stringOption, UsageError } from '../command.ts';
import { openEventStoreWhenReachable } from '../open-store.ts';
import { CliFailure } from '../run-cli.ts';

export const RELAY_ROLE = 'relay';

const ROLE_STATE: Readonly<Record<RelayState, RoleState>> = {
  connecting: 'connecting',
  publishing: 'connected',
  idle: 'connected',
  retrying: 'disconnected',
  stopped: 'stopped',
};

export function requireBrokers(config: Config): readonly string[] {
  if (config.kafkaBrokers.length === 0)
    throw new CliFailure(
      'KAFKA_BROKERS is empty: set it to the brokers to publish to, e.g. KAFKA_BROKERS=kafka:9092 (docker-compose) or 127.0.0.1:9094',
    );
  return config.kafkaBrokers;
}

export function positiveInteger(text: string | undefined, option: string, max: number, helpFor: string) {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > max)
    throw new UsageError(`--${option} must be a whole number from 1 to ${max}, got '${text}'.`, helpFor);
  return value;
}

export function createRelayCommand(
  createClient: (connection: KafkaConnection, logger: Logger) => KafkaClientLike = createKafkaClient,
): Command {
  return {
    name: 'relay',
    summary: 'Publish every event of the log to Kafka, in order, from a durable checkpoint',
    description: [
      'Reads the event log in global order after its checkpoint and publishes each event to KAFKA_TOPIC:',
      'key = stream name (a stream stays in order within its partition), value = the JSON envelope,',
      'headers event-id, event-type, global-position, schema-version, stream-version. The producer is',
      'idempotent (acks from all in-sync replicas, one request in flight) and the checkpoint moves only',
      'after the broker acknowledged. Delivery is at least once: after a crash the unacknowledged tail is',
      'published again, so consumers drop repeats by event id. Broker or store outages are retried with',
      'backoff forever; SIGTERM stops it within 10 s. The checkpoint lives next to the log (a',
      'relay_checkpoints table in SQLite/PostgreSQL, DATA_DIR/relay/ for EventStoreDB), one per topic.',
    ].join('\n'),
    options: {
      once: {
        type: 'boolean',
        description: 'Stop once everything in the log is published, instead of following it',
      },
      'batch-size': {
        type: 'string',
        valueName: 'n',
        description: 'Events read from the log per round (default 500)',
      },
    },
    examples: [
      'telegram-archive relay',
      'KAFKA_BROKERS=127.0.0.1:9094 KAFKA_CREATE_TOPIC=true telegram-archive relay --once',
    ],
    run: async (context) => {
      const batchSize = positiveInteger(
        stringOption(context.options, 'batch-size'),
        'batch-size',
        10_000,
        'relay',
      );
      const { config } = context.config();
      const brokers = requireBrokers(config);
      const logger = context.logger().child({ role: RELAY_ROLE });
      const status = createStatusReporter(config.dataDir, RELAY_ROLE, { logger });
      try {
        status.set('connecting', 'opening the event store');
        const store = await openEventStoreWhenReachable(config, logger, context.signal);
        if (!store) return 0;
        const checkpoint = openRelayCheckpoint(config, relayCheckpointName(config.kafkaTopic));
        try {
          const publisher = new KafkaPublisher(
            createClient({ brokers, clientId: config.kafkaClientId }, logger),
            {
              topic: config.kafkaTopic,
              create: config.kafkaCreateTopic,
              partitions: config.kafkaPartitions,
              replicationFactor: config.kafkaReplicationFactor,
            },
            logger,
            `Kafka at ${brokers.join(',')}`,
          );
          const outcome = await runRelay({
            store,
            publisher,
            checkpoint,
            logger,
            signal: context.signal,
            ...(batchSize ? { batchSize } : {}),
            untilCaughtUp: context.options.once === true,
            onStatus: (s) => status.set(ROLE_STATE[s.state], s.detail),
          });
          if (context.options.once === true)
            context.stdout.write(
              `Published ${outcome.published} event${outcome.published === 1 ? '' : 's'} to ${config.kafkaTopic}; ` +
                `checkpoint at ${outcome.position ?? 'the start'} (${checkpoint.description}).\n`,
            );
          return 0;
        } catch (error) {
          if (error instanceof RelayStoppedError) throw new CliFailure(`relay stopped: ${error.message}`);
          throw error;
        } finally {
          await checkpoint.close().catch(() => undefined);
          await store.close().catch(() => undefined);
        }
      } finally {
        status.stop();
      }
    },
  };
}

export const relayCommand = createRelayCommand();
