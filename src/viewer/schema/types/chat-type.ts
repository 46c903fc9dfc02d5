// ChatType: what kind of conversation a chat is.
import { builder } from '../builder.ts';

export const ChatTypeEnum = builder.enumType('ChatType', {
  values: {
    PRIVATE: { value: 'private', description: 'A one-to-one conversation with a person' },
    BOT: { value: 'bot', description: 'A conversation with a bot' },
    GROUP: { value: 'group', description: 'A basic group' },
    SUPERGROUP: { value: 'supergroup', description: 'A supergroup (possibly a forum)' },
    CHANNEL: { value: 'channel', description: 'A broadcast channel' },
  } as const,
});
