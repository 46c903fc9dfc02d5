// Subscription: live changes, delivered over Server-Sent Events as the projector applies them.
import { clearAllDataLoaders } from '@pothos/plugin-dataloader';
import { activityStream } from '../../activity-stream.ts';
import { ViewerNotFoundError } from '../../errors.ts';
import { keyOf } from '../../ids.ts';
import { builder } from '../builder.ts';
import { ChatNode } from './chat.ts';
import { ChatActivityRef } from './chat-activity.ts';

builder.subscriptionType({
  fields: (t) => ({
    chatActivity: t.field({
      type: ChatActivityRef,
      description:
        'Messages created, edited, deleted, reacted to or given their media in one chat, as they happen',
      args: { chatId: t.arg.id({ required: true, description: 'A Chat id' }) },
      subscribe: async (_root, { chatId }, context) => {
        const chat = keyOf(String(chatId), 'Chat', 'chatId');
        if (!(await ChatNode.getDataloader(context).load(chat))) {
          throw new ViewerNotFoundError('Chat', String(chatId));
        }
        return activityStream(context.live, chat);
      },
      resolve: (notice, _args, context) => {
        // The subscription keeps one context for its lifetime: drop what earlier events cached.
        context.em.clear();
        clearAllDataLoaders(context);
        return notice;
      },
    }),
  }),
});
