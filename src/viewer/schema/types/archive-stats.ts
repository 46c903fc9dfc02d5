// ArchiveStats: totals over the whole archive, how far the read model has caught up with the event
// log, and the busiest chats.

import { ViewerInputError } from '../../errors.ts';
import { loadBusiestChats } from '../../queries/busiest-chats.ts';
import type { CheckpointRow } from '../../queries/rows.ts';
import type { SqlReader } from '../../queries/sql.ts';
import type { ArchiveTotals } from '../../queries/stats.ts';
import { builder } from '../builder.ts';
import { ChatStatsRef } from './chat-stats.ts';
import { DateTimeScalar } from './date-time.ts';

const MAX_BUSIEST = 200;

const checkpoints = (sql: SqlReader) =>
  sql.rows<CheckpointRow>('checkpoints', `select * from ${sql.table('checkpoints')}`, []);

export const ArchiveStatsRef = builder.objectRef<ArchiveTotals>('ArchiveStats').implement({
  fields: (t) => ({
    chatCount: t.exposeInt('chats'),
    userCount: t.exposeInt('users'),
    messageCount: t.exposeInt('messages', { description: 'Messages archived, deleted ones included' }),
    deletedCount: t.exposeInt('deleted'),
    editedCount: t.exposeInt('edited', { description: 'Messages edited at least once' }),
    versionCount: t.exposeInt('versions', { description: 'Message versions kept' }),
    mediaCount: t.exposeInt('withMedia', { description: 'Messages with an attachment' }),
    mediaFileCount: t.exposeInt('mediaFiles', { description: 'Distinct files downloaded' }),
    mediaBytes: t.float({ description: 'Bytes of all downloaded files', resolve: (s) => s.mediaBytes }),
    reactionCount: t.exposeInt('reactions'),
    eventsApplied: t.float({
      description: 'Events the read model has applied',
      resolve: async (_s, _args, { sql }) =>
        Math.max(0, ...(await checkpoints(sql)).map((checkpoint) => Number(checkpoint.eventCount))),
    }),
    caughtUpTo: t.field({
      type: DateTimeScalar,
      nullable: true,
      description: 'When the newest applied event was recorded in the event log',
      resolve: async (_s, _args, { sql }) => {
        const times = (await checkpoints(sql)).map((c) => c.lastRecordedAt?.getTime() ?? 0);
        const newest = Math.max(0, ...times);
        return newest > 0 ? new Date(newest) : null;
      },
    }),
    busiestChats: t.field({
      type: [ChatStatsRef],
      args: { limit: t.arg.int({ required: false, defaultValue: 10 }) },
      complexity: (args) => ({ field: 10, multiplier: args.limit ?? 10 }),
      description: 'Chats with the most archived messages',
      resolve: (_s, { limit }, { sql }) => {
        const n = limit ?? 10;
        if (n < 0 || n > MAX_BUSIEST) {
          throw new ViewerInputError(`'limit' must be between 0 and ${MAX_BUSIEST}, got ${n}`, {
            argument: 'limit',
          });
        }
        return loadBusiestChats(sql, n);
      },
    }),
  }),
});
