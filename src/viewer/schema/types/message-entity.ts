// MessageEntity: a formatting or link span in a message's text (bold, url, mention, code…).
import type { MessageEntity } from '../../../events/payloads.ts';
import { builder } from '../builder.ts';

export const MessageEntityRef = builder.objectRef<MessageEntity>('MessageEntity').implement({
  description:
    'A span of the text with a meaning: offset and length count UTF-16 code units, as Telegram does',
  fields: (t) => ({
    type: t.exposeString('type', {
      description: 'bold, italic, url, textUrl, mention, mentionName, code, pre, …',
    }),
    offset: t.exposeInt('offset'),
    length: t.exposeInt('length'),
    url: t.string({ nullable: true, resolve: (e) => e.url ?? null }),
    userId: t.string({ nullable: true, resolve: (e) => e.userId ?? null }),
    language: t.string({ nullable: true, resolve: (e) => e.language ?? null }),
    customEmojiId: t.string({ nullable: true, resolve: (e) => e.customEmojiId ?? null }),
  }),
});
