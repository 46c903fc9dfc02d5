// Deletion: when and how the archive learned that a message was deleted from Telegram.
import type { MessageRow } from '../../queries/rows.ts';
import { builder } from '../builder.ts';
import { DateTimeScalar } from './date-time.ts';
import { DeletionMatchEnum } from './deletion-match.ts';
import { EventSourceEnum } from './event-source.ts';

export const DeletionRef = builder.objectRef<MessageRow>('Deletion').implement({
  description: 'The provenance of a deletion: the message itself stays in the archive',
  fields: (t) => ({
    deletedAt: t.field({
      type: DateTimeScalar,
      description: 'When the deletion was observed',
      resolve: (row) => row.deletedAt!,
    }),
    source: t.field({
      type: EventSourceEnum,
      nullable: true,
      description: 'How it was observed: live update, gap recovery, or a backfill',
      resolve: (row) => (row.deletionSource ?? null) as 'live' | 'difference' | 'backfill' | 'import' | null,
    }),
    matchedBy: t.field({
      type: DeletionMatchEnum,
      nullable: true,
      description: 'How the deletion was tied to this chat',
      resolve: (row) => (row.deletionMatchedBy ?? null) as 'peer' | 'lookup' | 'verify' | null,
    }),
  }),
});
