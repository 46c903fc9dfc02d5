// ActivityKind: what just happened to a message.
import { builder } from '../builder.ts';

export const ActivityKindEnum = builder.enumType('ActivityKind', {
  values: {
    CREATED: { value: 'created', description: 'A new message' },
    EDITED: { value: 'edited', description: 'A new version of the content' },
    DELETED: { value: 'deleted', description: 'Deleted from Telegram (kept in the archive)' },
    REACTIONS: { value: 'reactions', description: 'The reaction counts changed' },
    MEDIA: { value: 'media', description: 'The attachment was downloaded' },
  } as const,
});
