// The viewer reads rows, not tracked entities. It builds its SQL with MikroORM's query builder
// (one dialect-neutral description for SQLite and PostgreSQL) and asks for plain mapped results:
// hydrating a page of 50 messages into entities measured ~8 ms, the same rows as plain objects
// ~0.8 ms. Names are the entity properties; relations hold the referenced key.
import type { EntityName, FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import type { QueryBuilder, SqlEntityManager } from '@mikro-orm/sqlite';
import type {
  ForwardOrigin,
  MediaDescriptor,
  MessageEntity,
  ReactionCount,
  ServiceAction,
} from '../../events/payloads.ts';

export interface ChatRow {
  readonly id: string;
  readonly account: string;
  readonly peer: string;
  readonly type: string | null;
  readonly title: string | null;
  readonly username: string | null;
  readonly about: string | null;
  readonly participantCount: number | null;
  readonly forum: boolean;
  readonly migratedTo: string | null;
  readonly migratedFrom: string | null;
  readonly lastMessageId: number | null;
  readonly lastMessageDate: Date | null;
  readonly messageCount: number;
  readonly deletedCount: number;
}

export interface UserRow {
  readonly id: string;
  readonly account: string;
  readonly userId: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly username: string | null;
  readonly bot: boolean;
  readonly deleted: boolean;
  readonly firstObservedAt: Date;
  readonly observedAt: Date;
}

export interface UserNameRow {
  readonly id: string;
  /** users.id */
  readonly user: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly username: string | null;
  readonly validFrom: Date;
  readonly validTo: Date | null;
}

export interface MessageRow {
  readonly id: number;
  /** chats.id */
  readonly chat: string;
  readonly account: string;
  readonly chatPeer: string;
  readonly messageId: number;
  readonly date: Date | null;
  readonly senderPeer: string | null;
  readonly outgoing: boolean;
  readonly text: string;
  readonly entities: MessageEntity[];
  readonly media: MediaDescriptor | null;
  readonly mediaKind: string | null;
  readonly service: ServiceAction | null;
  readonly replyToMessageId: number | null;
  readonly replyToTopicId: number | null;
  readonly replyToPeer: string | null;
  readonly replyQuote: string | null;
  readonly topicId: number | null;
  readonly forward: ForwardOrigin | null;
  readonly groupedId: string | null;
  readonly viaBotId: string | null;
  readonly postAuthor: string | null;
  readonly views: number | null;
  readonly forwards: number | null;
  readonly editCount: number;
  readonly lastEditedAt: Date | null;
  readonly deletedAt: Date | null;
  readonly deletionSource: string | null;
  readonly deletionMatchedBy: string | null;
  readonly pinned: boolean;
  readonly reactionsTotal: number;
  readonly mediaSha256: string | null;
  readonly mediaSkipReason: string | null;
}

export interface VersionRow {
  readonly id: string;
  /** messages.id */
  readonly message: number;
  readonly versionNo: number;
  readonly text: string;
  readonly entities: MessageEntity[];
  readonly media: MediaDescriptor | null;
  readonly editDate: Date | null;
  readonly validFrom: Date;
  readonly validTo: Date | null;
  readonly source: string;
}

export interface ReactionRow {
  readonly message: number;
  readonly reaction: string;
  readonly count: number;
  readonly chosenByMe: boolean;
}

export interface ReactionSnapshotRow {
  readonly message: number;
  readonly reactions: ReactionCount[];
  readonly observedAt: Date;
}

export interface PinRow {
  readonly message: number;
  readonly pinned: boolean;
  readonly observedAt: Date;
}

export interface MediaRow {
  readonly sha256: string;
  readonly size: number;
  readonly mimeType: string;
  readonly extension: string;
  readonly width: number | null;
  readonly height: number | null;
  readonly durationSeconds: number | null;
  readonly firstSeenAt: Date;
}

export interface MessageMediaRow {
  readonly message: number;
  readonly media: string;
  readonly fileName: string | null;
  readonly downloadedAt: Date;
}

export interface CheckpointRow {
  readonly name: string;
  readonly position: string | null;
  readonly eventCount: number;
  readonly lastRecordedAt: Date | null;
}

const jsonProperties = new Map<string, readonly string[]>();

/** Properties stored as JSON: SQLite hands them back as text, PostgreSQL already parsed. */
function jsonPropertiesOf(em: SqlEntityManager, entity: EntityName): readonly string[] {
  const meta = em.getMetadata().get(entity);
  let names = jsonProperties.get(meta.className);
  if (!names) {
    names = Object.values(meta.properties)
      .filter((prop) => /json/i.test(String(prop.type)) || /json/i.test(prop.columnTypes?.[0] ?? ''))
      .map((prop) => prop.name);
    jsonProperties.set(meta.className, names);
  }
  return names;
}

export interface RowQuery<E extends object> {
  readonly where?: FilterQuery<E>;
  readonly orderBy?: QueryOrderMap<E> | QueryOrderMap<E>[];
  readonly limit?: number;
  /** Further conditions or clauses on the builder (alias `e`). */
  readonly refine?: (qb: QueryBuilder<E>) => void;
}

/** Rows of `entity` as plain objects named after its properties. */
export async function selectRows<R, E extends object = object>(
  em: SqlEntityManager,
  entity: EntityName<E>,
  query: RowQuery<E> = {},
): Promise<R[]> {
  const qb = em.createQueryBuilder(entity, 'e').select('*');
  if (query.where) qb.where(query.where as Parameters<typeof qb.where>[0]);
  query.refine?.(qb as unknown as QueryBuilder<E>);
  if (query.orderBy) qb.orderBy(query.orderBy as QueryOrderMap<E>);
  if (query.limit !== undefined) qb.limit(query.limit);
  const rows = (await qb.execute('all', true)) as unknown as Record<string, unknown>[];
  const json = jsonPropertiesOf(em, entity);
  if (json.length > 0) {
    for (const row of rows) {
      for (const name of json) {
        const value = row[name];
        if (typeof value === 'string') row[name] = JSON.parse(value);
      }
    }
  }
  return rows as R[];
}
