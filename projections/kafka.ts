// Keeping a copy current from the relay's Kafka topic instead of the log (`projections run
// --source kafka`). Each partition's events are applied with the same handlers as the log runner,
// and the partition's next offset is stored in the same transaction, as a `kafka:<topic>:<partition>`
// row of the checkpoints table. Events arrive in stream order but not in global order, so the
// projections' log position is left alone; their counters and timestamps still move. Repeats (the
// relay publishes at least once) meet the handlers' stream-version guard and change nothing.
import type { StoredEvent } from '../src/events/envelope.ts';
import { ProjectionHaltedError } from './apply.ts';
import type { ReadModelCopy } from './db/open.ts';
import {
  applyWrites,
  KAFKA_ROW_PREFIX,
  loadRows,
  readCheckpoints,
  writeCheckpoints,
} from './db/operations.ts';
import { BatchRejectedError, needsOf, projectBatch } from './handlers/index.ts';
import type { CheckpointRow } from './model.ts';

export const kafkaOffsetRowName = (topic: string, partition: number): string =>
  `${KAFKA_ROW_PREFIX}${topic}:${partition}`;

/** Per partition, the offset to resume from; partitions never applied are absent. */
export async function readKafkaOffsets(copy: ReadModelCopy, topic: string): Promise<Map<number, string>> {
  const prefix = `${KAFKA_ROW_PREFIX}${topic}:`;
  const rows = await copy.read((ops) => ops.select<CheckpointRow>(ops.tables.checkpoints, [], []));
  const offsets = new Map<number, string>();
  for (const row of rows)
    if (row.name.startsWith(prefix) && row.position !== null)
      offsets.set(Number(row.name.slice(prefix.length)), row.position);
  return offsets;
}

export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly events: readonly StoredEvent[];
  readonly nextOffset: string;
}

export interface PartitionOutcome {
  readonly applied: number;
  readonly redelivered: number;
}

/**
 * Applies one partition's batch and stores its next offset, atomically. An event the handlers
 * reject stops everything (ProjectionHaltedError) and nothing of the batch is written, so the
 * offset stays before it.
 */
export async function applyPartitionBatch(
  copy: ReadModelCopy,
  batch: PartitionBatch,
  now = Date.now(),
): Promise<PartitionOutcome> {
  return copy.transaction(async (ops) => {
    const projections = await readCheckpoints(ops);
    const name = kafkaOffsetRowName(batch.topic, batch.partition);
    const [stored] = await ops.select<CheckpointRow>(ops.tables.checkpoints, ['name'], [[name]]);
    let applied = 0;
    let redelivered = 0;
    let lastEventId: string | null = null;
    let lastRecordedAt: number | null = null;
    if (batch.events.length > 0) {
      const loaded = await loadRows(ops, needsOf(batch.events));
      let projected: ReturnType<typeof projectBatch>;
      try {
        projected = projectBatch(batch.events, loaded);
      } catch (error) {
        if (error instanceof BatchRejectedError) throw new ProjectionHaltedError(error.event, error.reason);
        throw error;
      }
      await applyWrites(ops, projected.writes);
      applied = projected.applied.length;
      redelivered = projected.redelivered;
      const last = batch.events.at(-1)!;
      lastEventId = last.id;
      lastRecordedAt = Math.max(...batch.events.map((e) => Date.parse(e.recordedAt) || 0)) || null;
    }
    const newer = (previous: number | null) =>
      lastRecordedAt === null ? previous : Math.max(previous ?? 0, lastRecordedAt);
    const rows: CheckpointRow[] = projections.map((row) => ({
      ...row,
      lastEventId: lastEventId ?? row.lastEventId,
      lastRecordedAt: newer(row.lastRecordedAt),
      eventCount: row.eventCount + applied,
      updatedAt: now,
    }));
    rows.push({
      name,
      version: 1,
      position: batch.nextOffset,
      sequence: null,
      lastEventId: lastEventId ?? stored?.lastEventId ?? null,
      lastRecordedAt: newer(stored?.lastRecordedAt ?? null),
      eventCount: (stored?.eventCount ?? 0) + applied,
      updatedAt: now,
    });
    await writeCheckpoints(ops, rows);
    return { applied, redelivered };
  });
}
