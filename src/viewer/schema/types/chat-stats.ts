// ChatStats: counts over one chat's messages, computed for a whole page of chats in one query.
import { type ChatStatsRow, loadChatStats } from '../../queries/stats.ts';
import { builder } from '../builder.ts';
import { ChatNode } from './chat.ts';
import { DateTimeScalar } from './date-time.ts';

export const ChatStatsRef = builder.loadableObjectRef<ChatStatsRow, string>('ChatStats', {
  load: (chats: string[], { sql }) => loadChatStats(sql, chats),
});

ChatStatsRef.implement({
  fields: (t) => ({
    chat: t.field({ type: ChatNode, resolve: (s) => s.chat }),
    messageCount: t.exposeInt('messages', { description: 'Messages archived, deleted ones included' }),
    deletedCount: t.exposeInt('deleted'),
    editedCount: t.exposeInt('edited', { description: 'Messages edited at least once' }),
    mediaCount: t.exposeInt('withMedia', { description: 'Messages with an attachment' }),
    reactionCount: t.exposeInt('reactions', { description: 'Current reactions over all messages' }),
    firstMessageDate: t.field({ type: DateTimeScalar, nullable: true, resolve: (s) => s.firstMessageDate }),
    lastMessageDate: t.field({ type: DateTimeScalar, nullable: true, resolve: (s) => s.lastMessageDate }),
  }),
});
