// ReplyTo: the message a message answers, in this chat or another one.

import type { MessageView } from '../../queries/message-view.ts';
import { chatMessageKey, loadMessagesByChatKey } from '../../queries/messages-by-key.ts';
import { builder } from '../builder.ts';
import { MessageNode } from './message.ts';

export const ReplyToRef = builder.objectRef<MessageView>('ReplyTo').implement({
  fields: (t) => ({
    messageId: t.int({
      nullable: true,
      description: "Telegram's id of the replied-to message",
      resolve: (v) => v.row.replyToMessageId ?? null,
    }),
    topicId: t.int({ nullable: true, resolve: (v) => v.row.replyToTopicId ?? null }),
    peerId: t.string({
      nullable: true,
      description: 'Set when the reply points into another chat (typed peer id)',
      resolve: (v) => v.row.replyToPeer ?? null,
    }),
    quoteText: t.string({ nullable: true, resolve: (v) => v.row.replyQuote ?? null }),
    message: t.loadable({
      type: MessageNode,
      nullable: true,
      description: 'The replied-to message, when the archive has it',
      load: (keys: string[], { sql }) => loadMessagesByChatKey(sql, keys),
      resolve: ({ row }) => {
        if (row.replyToMessageId == null) return null;
        const chat = row.replyToPeer ? `${row.account}.${row.replyToPeer}` : row.chat;
        return chatMessageKey(chat, row.replyToMessageId);
      },
    }),
  }),
});
