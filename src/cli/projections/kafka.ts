// `projections run --source kafka`: keeps the active read-model copy current from the relay's topic
// instead of the log. The copy itself is built from the log (`projections rebuild`); from then on a
// consumer group applies each partition's events with the same handlers, and the partition offsets
// live in the copy, written with the rows (projections/kafka.ts, src/relay/source.ts).
import { ProjectionHaltedError } from '../../../projections/apply.ts';
import { type ReadModelLocation, ReadModelUnavailableError } from '../../../projections/db/open.ts';
import { readCheckpoints } from '../../../projections/db/operations.ts';
import { applyPartitionBatch, readKafkaOffsets } from '../../../projections/kafka.ts';
import { openReadModel } from '../../../projections/read-model.ts';
import { outdatedProjections } from '../../../projections/versions.ts';
import { createStatusReporter } from '../../health/status-file.ts';
import type { Logger } from '../../log/logger.ts';
import { createKafkaClient, type KafkaClientLike, type KafkaConnection } from '../../relay/kafka-client.ts';
import { type KafkaSink, KafkaSourceStoppedError, runKafkaSource } from '../../relay/source.ts';
import type { CommandContext } from '../command.ts';
import { requireBrokers } from '../commands/relay.ts';
import { CliFailure } from '../run-cli.ts';

export const PROJECTOR_ROLE = 'projector';
export const DEFAULT_GROUP_ID = 'telegram-archive-projector';

export interface KafkaProjectorOptions {
  readonly location: ReadModelLocation;
  readonly groupId: string;
  readonly createClient?: (connection: KafkaConnection, logger: Logger) => KafkaClientLike;
}

export async function runKafkaProjector(
  context: CommandContext,
  options: KafkaProjectorOptions,
): Promise<number> {
  const { config } = context.config();
  const brokers = requireBrokers(config);
  const logger = context.logger().child({ component: 'projections', source: 'kafka' });
  let copy: Awaited<ReturnType<typeof openReadModel>>;
  try {
    copy = await openReadModel(options.location);
  } catch (error) {
    if (error instanceof ReadModelUnavailableError)
      throw new CliFailure(
        `${error.message}. --source kafka keeps an existing copy current: build one from the log first with 'telegram-archive projections rebuild'`,
      );
    throw error;
  }
  const status = createStatusReporter(config.dataDir, PROJECTOR_ROLE, { logger });
  try {
    const stored = await copy.read((ops) => readCheckpoints(ops));
    const outdated = outdatedProjections(new Map(stored.map((row) => [row.name, row.version])));
    if (outdated.length > 0)
      throw new CliFailure(
        `The active copy ${copy.name} was built by other versions of ${outdated.join(', ')}: rebuild it from the log ('telegram-archive projections rebuild'), then run --source kafka again`,
      );
    const sink: KafkaSink = {
      description: `read-model copy ${copy.name}`,
      offsets: (topic) => readKafkaOffsets(copy, topic),
      apply: async (batch) => {
        await applyPartitionBatch(copy, batch);
      },
      fatal: (error) =>
        error instanceof ProjectionHaltedError || error instanceof ReadModelUnavailableError
          ? error
          : undefined,
    };
    context.stderr.write(
      `Projecting Kafka topic ${config.kafkaTopic} (group ${options.groupId}) into ${copy.name} (Ctrl-C to stop)\n`,
    );
    const outcome = await runKafkaSource({
      client: (options.createClient ?? createKafkaClient)(
        { brokers, clientId: config.kafkaClientId },
        logger,
      ),
      topic: config.kafkaTopic,
      groupId: options.groupId,
      sink,
      logger,
      signal: context.signal,
      onStatus: (state, detail) => status.set(state, detail),
    });
    logger.info({ applied: outcome.applied, repeats: outcome.repeats, copy: copy.name }, 'projector stopped');
    return 0;
  } catch (error) {
    if (error instanceof KafkaSourceStoppedError) throw new CliFailure(`projector stopped: ${error.message}`);
    throw error;
  } finally {
    status.stop();
    await copy.close();
  }
}
