// ChatActivity: one change to a message, pushed to subscribers once the read model shows it.

import type { ActivityNotice } from '../../live.ts';
import { chatMessageKey, loadMessagesByChatKey } from '../../queries/messages-by-key.ts';
import { builder } from '../builder.ts';
import { ActivityKindEnum } from './activity-kind.ts';
import { DateTimeScalar } from './date-time.ts';
import { MessageNode } from './message.ts';

export const ChatActivityRef = builder.objectRef<ActivityNotice>('ChatActivity').implement({
  fields: (t) => ({
    kind: t.field({ type: ActivityKindEnum, resolve: (n) => n.kind }),
    messageId: t.exposeInt('messageId', { description: "Telegram's message id within the chat" }),
    message: t.loadable({
      type: MessageNode,
      nullable: true,
      description: 'The message as the read model shows it now',
      load: (keys: string[], { sql }) => loadMessagesByChatKey(sql, keys),
      resolve: (n) => chatMessageKey(n.chat, n.messageId),
    }),
    eventId: t.exposeString('eventId', { description: 'The event that caused the change' }),
    globalPosition: t.exposeString('globalPosition'),
    appliedAt: t.field({
      type: DateTimeScalar,
      description: 'When the read model applied it',
      resolve: (n) => n.appliedAt,
    }),
  }),
});
