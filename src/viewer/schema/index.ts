// The GraphQL schema, assembled from one file per type. Importing a type file registers it on the
// builder; the order below only matters for readability.
import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.ts';
import './types/date-time.ts';
import './types/json.ts';
import './types/chat-type.ts';
import './types/media-kind.ts';
import './types/event-source.ts';
import './types/deletion-match.ts';
import './types/activity-kind.ts';
import './types/chat-filter.ts';
import './types/message-filter.ts';
import './types/user-filter.ts';
import './types/chat.ts';
import './types/chat-stats.ts';
import './types/message.ts';
import './types/message-entity.ts';
import './types/message-version.ts';
import './types/media.ts';
import './types/media-file.ts';
import './types/reaction.ts';
import './types/reply-to.ts';
import './types/forward-origin.ts';
import './types/deletion.ts';
import './types/service-action.ts';
import './types/archive-event.ts';
import './types/sender.ts';
import './types/user.ts';
import './types/user-name.ts';
import './types/archive-stats.ts';
import './types/highlight.ts';
import './types/snippet.ts';
import './types/search-hit.ts';
import './types/search-connection.ts';
import './types/chat-activity.ts';
import './types/query.ts';
import './types/subscription.ts';

export const schema = builder.toSchema({ sortSchema: true });

/** The SDL checked in as schema/schema.graphql. */
export function printViewerSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
