// Chat: a conversation as last observed, its counts, and its messages, optionally "as of" a moment.
import { type ResolveCursorConnectionArgs, resolveCursorConnection } from '@pothos/plugin-relay';
import {
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  MAX_PAGE_SIZE,
  pageComplexity,
  validatePageArgs,
} from '../../pagination.ts';
import { loadMessagePage } from '../../queries/message-page.ts';
import type { MessageView } from '../../queries/message-view.ts';
import { chatMessageKey, loadMessagesByChatKey } from '../../queries/messages-by-key.ts';
import type { ChatRow } from '../../queries/rows.ts';
import { rowsWithKeys } from '../../queries/sql.ts';
import { builder } from '../builder.ts';
import { ChatStatsRef } from './chat-stats.ts';
import { ChatTypeEnum } from './chat-type.ts';
import { DateTimeScalar } from './date-time.ts';
import { MessageNode } from './message.ts';
import { MessageFilterInput, parseMessageFilter } from './message-filter.ts';

export const ChatNode = builder.loadableNodeRef<ChatRow, string>('Chat', {
  id: { resolve: (chat) => chat.id },
  load: (ids: string[], { sql }) => rowsWithKeys<ChatRow>(sql, 'chats', 'id', ids),
  sort: (chat) => chat.id,
});

ChatNode.implement({
  description: 'A private chat, group, supergroup or channel of the archived account',
  fields: (t) => ({
    peerId: t.exposeString('peer', {
      description: "Telegram's typed peer id: u<id> for users, g<id> for basic groups, c<id> for channels",
    }),
    type: t.field({
      type: ChatTypeEnum,
      nullable: true,
      description: 'Null until the chat itself was observed (only its messages are known)',
      resolve: (chat) => chat.type as 'private' | 'bot' | 'group' | 'supergroup' | 'channel' | null,
    }),
    title: t.string({ nullable: true, resolve: (chat) => chat.title ?? null }),
    username: t.string({ nullable: true, resolve: (chat) => chat.username ?? null }),
    about: t.string({ nullable: true, resolve: (chat) => chat.about ?? null }),
    participantCount: t.int({ nullable: true, resolve: (chat) => chat.participantCount ?? null }),
    forum: t.exposeBoolean('forum'),
    migratedTo: t.field({
      type: ChatNode,
      nullable: true,
      description: 'The supergroup this basic group was upgraded to',
      resolve: (chat) => chat.migratedTo ?? null,
    }),
    migratedFrom: t.field({
      type: ChatNode,
      nullable: true,
      description: 'The basic group this supergroup replaced',
      resolve: (chat) => chat.migratedFrom ?? null,
    }),
    messageCount: t.exposeInt('messageCount', { description: 'Messages archived, deleted ones included' }),
    deletedCount: t.exposeInt('deletedCount', { description: 'Messages deleted from Telegram, kept here' }),
    lastMessageDate: t.field({
      type: DateTimeScalar,
      nullable: true,
      resolve: (chat) => chat.lastMessageDate ?? null,
    }),
    lastMessage: t.loadable({
      type: MessageNode,
      nullable: true,
      description: 'The newest message (deleted or not)',
      load: (keys: string[], { sql }) => loadMessagesByChatKey(sql, keys),
      resolve: (chat) => (chat.lastMessageId == null ? null : chatMessageKey(chat.id, chat.lastMessageId)),
    }),
    stats: t.field({
      type: ChatStatsRef,
      complexity: 5,
      description: 'Counts over the whole chat',
      resolve: (chat) => chat.id,
    }),
    messages: t.connection(
      {
        type: MessageNode,
        description:
          'Messages newest first: `first`/`after` walk back in time, `last`/`before` forward. ' +
          'With `asOf`, the chat exactly as it was then: later messages absent, later edits undone, later deletions not yet happened.',
        args: {
          filter: t.arg({ type: MessageFilterInput, required: false }),
          asOf: t.arg({ type: DateTimeScalar, required: false }),
        },
        complexity: (args) => pageComplexity(args),
        resolve: (chat, args, { sql }) => {
          validatePageArgs(args);
          const filter = parseMessageFilter(args.filter);
          const asOf = args.asOf ?? undefined;
          const position = (cursor: string | null | undefined, argument: string) =>
            cursor == null ? undefined : (decodeCursor(cursor, 'message', ['n'], argument)[0] as number);
          const olderThan = position(args.after, 'after');
          const newerThan = position(args.before, 'before');
          return resolveCursorConnection(
            {
              args,
              defaultSize: DEFAULT_PAGE_SIZE,
              maxSize: MAX_PAGE_SIZE,
              toCursor: (view: MessageView) => encodeCursor('message', [view.row.messageId]),
            },
            ({ limit, inverted }: ResolveCursorConnectionArgs) =>
              loadMessagePage(
                sql,
                chat.id,
                filter,
                { olderThan, newerThan, limit, oldestFirst: inverted },
                asOf,
              ),
          );
        },
      },
      { name: 'MessageConnection' },
      { name: 'MessageEdge' },
    ),
  }),
});
