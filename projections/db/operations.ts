// What the projector needs from a database, in set-based operations, and the dialect-neutral code
// that loads a batch's rows and applies its writes through them. The SQLite and PostgreSQL
// adapters implement the operations with their fastest safe paths.

import { messageKeyIn } from '../keys.ts';
import type {
  AccountRow,
  BackfillRunRow,
  BatchNeeds,
  ChatRow,
  CheckpointRow,
  LoadedRows,
  MessageRow,
  RowPatch,
  SearchWrite,
  SkippedEventRow,
  UserRow,
  WriteSet,
} from '../model.ts';
import type { DocumentText } from '../search/document.ts';
import type { TableInfo, TableName, Tables } from './tables.ts';

/** A row keyed by entity property. */
export type Row = object;

/** Operations inside one transaction. Rows are keyed by entity property. */
export interface TableOperations {
  readonly tables: Tables;
  /** Rows whose key columns (props) equal one of `keys`. */
  select<T>(
    table: TableInfo,
    keyProps: readonly string[],
    keys: readonly (readonly unknown[])[],
  ): Promise<T[]>;
  /**
   * Insert; on a primary-key conflict update every column (`upsert`), keep the old row (`ignore`) or
   * fail (`fail`: rows the loader proved new, where a conflict would be a bug).
   */
  insert(table: TableInfo, rows: readonly Row[], onConflict: 'upsert' | 'ignore' | 'fail'): Promise<void>;
  /** Sets one column on rows found by their primary key (values in primary-key order). */
  update(
    table: TableInfo,
    setProp: string,
    rows: readonly { key: readonly unknown[]; value: unknown }[],
  ): Promise<void>;
  /** Sets the changed columns of existing rows, found by their primary key. */
  patch(table: TableInfo, patches: readonly RowPatch[]): Promise<void>;
  deleteWhereIn(table: TableInfo, prop: string, values: readonly unknown[]): Promise<void>;
  maxValue(table: TableInfo, prop: string): Promise<number | null>;
  /** Writes the messages' search documents; `toText` may supply texts tokenized ahead of time. */
  writeSearch(writes: readonly SearchWrite[], toText?: DocumentText): Promise<void>;
  /** Reads the checkpoints and holds them until the transaction ends, so a second writer waits. */
  lockCheckpoints(): Promise<CheckpointRow[]>;
}

/**
 * The rows a batch needs. Rows in `carried` (the state a previous batch left, see prepareBatch) are
 * taken from there; only the others are read.
 */
export async function loadRows(
  ops: TableOperations,
  needs: BatchNeeds,
  carried?: LoadedRows,
): Promise<LoadedRows> {
  const t = ops.tables;
  const split = <T>(keys: Iterable<string>, from: ReadonlyMap<string, T> | undefined) => {
    const found = new Map<string, T>();
    const missing: string[] = [];
    for (const key of keys) {
      const row = from?.get(key);
      if (row) found.set(key, row);
      else missing.push(key);
    }
    return { found, missing };
  };
  const byId = async <T extends { id: string }>(
    name: TableName,
    ids: Set<string>,
    from?: ReadonlyMap<string, T>,
  ) => {
    const { found, missing } = split(ids, from);
    if (missing.length > 0)
      for (const row of await ops.select<T>(
        t[name],
        ['id'],
        missing.map((id) => [id]),
      ))
        found.set(row.id, row);
    return found;
  };
  const messages = split(needs.messages.keys(), carried?.messages);
  if (messages.missing.length > 0)
    for (const row of await ops.select<MessageRow>(
      t.messages,
      ['chat', 'messageId'],
      messages.missing.map((key) => {
        const k = needs.messages.get(key)!;
        return [k.chat, k.messageId];
      }),
    ))
      messages.found.set(messageKeyIn(row.chat, row.messageId), row);
  const runs = split(needs.backfillRuns, carried?.backfillRuns);
  if (runs.missing.length > 0)
    for (const row of await ops.select<BackfillRunRow>(
      t.backfillRuns,
      ['runId'],
      runs.missing.map((id) => [id]),
    ))
      runs.found.set(row.runId, row);
  return {
    accounts: await byId<AccountRow>('accounts', needs.accounts, carried?.accounts),
    chats: await byId<ChatRow>('chats', needs.chats, carried?.chats),
    users: await byId<UserRow>('users', needs.users, carried?.users),
    messages: messages.found,
    backfillRuns: runs.found,
    nextMessagePk: carried ? carried.nextMessagePk : ((await ops.maxValue(t.messages, 'id')) ?? 0) + 1,
  };
}

/** Applies a batch's writes; parents before children, so foreign keys hold at every statement. */
export async function applyWrites(ops: TableOperations, w: WriteSet, toText?: DocumentText): Promise<void> {
  const t = ops.tables;
  await ops.insert(t.accounts, w.accounts, 'upsert');
  await ops.insert(t.chats, w.chats, 'upsert');
  await ops.insert(t.users, w.users, 'upsert');
  await ops.insert(t.userNames, w.userNames, 'upsert');
  await ops.update(
    t.userNames,
    'validTo',
    w.closedNames.map((c) => ({ key: [c.id], value: c.validTo })),
  );
  await ops.insert(t.media, w.media, 'ignore');
  await ops.insert(t.messages, w.messages, 'fail');
  await ops.patch(t.messages, w.messageChanges);
  await ops.insert(t.messageVersions, w.messageVersions, 'fail');
  await ops.update(
    t.messageVersions,
    'validTo',
    w.closedVersions.map((c) => ({ key: [c.message, c.versionNo], value: c.validTo })),
  );
  await ops.deleteWhereIn(t.reactions, 'message', w.reactionsReplaced);
  await ops.insert(t.reactions, w.reactions, 'upsert');
  await ops.insert(t.reactionSnapshots, w.reactionSnapshots, 'ignore');
  await ops.insert(t.pins, w.pins, 'ignore');
  await ops.insert(t.messageMedia, w.messageMedia, 'ignore');
  await ops.insert(t.backfillRuns, w.backfillRuns, 'upsert');
  await ops.insert(t.unresolvedDeletions, w.unresolvedDeletions, 'ignore');
  await ops.writeSearch(w.search, toText);
}

/**
 * The projections' own checkpoint rows. The table also holds a Kafka-fed copy's partition offsets
 * (rows named `kafka:…`, see projections/kafka.ts); those are not log positions and stay out.
 */
export async function readCheckpoints(ops: TableOperations): Promise<CheckpointRow[]> {
  const rows = await ops.select<CheckpointRow>(ops.tables.checkpoints, [], []);
  return rows.filter((row) => !row.name.startsWith(KAFKA_ROW_PREFIX));
}

/** Name prefix of the rows that hold Kafka partition offsets in the checkpoints table. */
export const KAFKA_ROW_PREFIX = 'kafka:';

export async function writeCheckpoints(ops: TableOperations, rows: readonly CheckpointRow[]): Promise<void> {
  await ops.insert(ops.tables.checkpoints, rows, 'upsert');
}

export async function recordSkipped(ops: TableOperations, rows: readonly SkippedEventRow[]): Promise<void> {
  await ops.insert(ops.tables.skippedEvents, rows, 'ignore');
}
