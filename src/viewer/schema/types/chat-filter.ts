// ChatFilter: narrows the chat list by type and by a case-insensitive match on title or username.
import { builder } from '../builder.ts';
import { ChatTypeEnum } from './chat-type.ts';

export const ChatFilterInput = builder.inputType('ChatFilter', {
  fields: (t) => ({
    type: t.field({ type: ChatTypeEnum, required: false, description: 'Only chats of this type' }),
    search: t.string({
      required: false,
      description: 'Case-insensitive substring of the title or @username',
    }),
  }),
});
