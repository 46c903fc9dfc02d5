// Query: the entry points into the archive. Lists are cursor connections of at most 200 items;
// a lookup by an id that names nothing is a NOT_FOUND error, a malformed id a BAD_USER_INPUT.
import { type ResolveCursorConnectionArgs, resolveCursorConnection } from '@pothos/plugin-relay';
import { ViewerInputError, ViewerNotFoundError } from '../../errors.ts';
import { keyOf } from '../../ids.ts';
import {
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  MAX_PAGE_SIZE,
  pageComplexity,
  validatePageArgs,
} from '../../pagination.ts';
import { chatPosition, loadChatPage } from '../../queries/chat-page.ts';
import type { ChatRow, UserRow } from '../../queries/rows.ts';
import { MAX_SEARCH_PAGE, searchWindow } from '../../queries/search.ts';
import { loadArchiveTotals } from '../../queries/stats.ts';
import { loadUserPage } from '../../queries/user-page.ts';
import { builder } from '../builder.ts';
import { ArchiveStatsRef } from './archive-stats.ts';
import { ChatNode } from './chat.ts';
import { ChatFilterInput } from './chat-filter.ts';
import { MessageNode } from './message.ts';
import { SearchConnectionRef } from './search-connection.ts';
import { UserNode } from './user.ts';
import { UserFilterInput } from './user-filter.ts';

const DEFAULT_SEARCH_PAGE = 20;

builder.queryType({
  fields: (t) => ({
    chats: t.connection(
      {
        type: ChatNode,
        description: 'Chats, most recently active first',
        args: { filter: t.arg({ type: ChatFilterInput, required: false }) },
        complexity: (args) => pageComplexity(args),
        resolve: (_root, args, { em }) => {
          validatePageArgs(args);
          const position = (cursor: string | null | undefined, argument: string) => {
            if (cursor == null) return undefined;
            const [ms, id] = decodeCursor(cursor, 'chat', ['n', 's'], argument);
            return { lastMessageMs: (ms as number) < 0 ? null : (ms as number), id: id as string };
          };
          const after = position(args.after, 'after');
          const before = position(args.before, 'before');
          const filter = { type: args.filter?.type ?? undefined, search: args.filter?.search ?? undefined };
          return resolveCursorConnection(
            {
              args,
              defaultSize: DEFAULT_PAGE_SIZE,
              maxSize: MAX_PAGE_SIZE,
              toCursor: (chat: ChatRow) => {
                const p = chatPosition(chat);
                return encodeCursor('chat', [p.lastMessageMs ?? -1, p.id]);
              },
            },
            ({ limit, inverted }: ResolveCursorConnectionArgs) =>
              loadChatPage(em, filter, { after, before, limit, reversed: inverted }),
          );
        },
      },
      { name: 'ChatConnection' },
      { name: 'ChatEdge' },
    ),
    chat: t.field({
      type: ChatNode,
      args: { id: t.arg.id({ required: true, description: 'A Chat id' }) },
      resolve: async (_root, { id }, context) => {
        const key = keyOf(String(id), 'Chat');
        const chat = await ChatNode.getDataloader(context).load(key);
        if (!chat) throw new ViewerNotFoundError('Chat', String(id));
        return chat;
      },
    }),
    message: t.field({
      type: MessageNode,
      args: { id: t.arg.id({ required: true, description: 'A Message id' }) },
      resolve: async (_root, { id }, context) => {
        const key = keyOf(String(id), 'Message');
        const message = await MessageNode.getDataloader(context).load(key);
        if (!message) throw new ViewerNotFoundError('Message', String(id));
        return message;
      },
    }),
    user: t.field({
      type: UserNode,
      args: { id: t.arg.id({ required: true, description: 'A User id' }) },
      resolve: async (_root, { id }, context) => {
        const key = keyOf(String(id), 'User');
        const user = await UserNode.getDataloader(context).load(key);
        if (!user) throw new ViewerNotFoundError('User', String(id));
        return user;
      },
    }),
    users: t.connection(
      {
        type: UserNode,
        description: 'Users the archive has seen, by id',
        args: { filter: t.arg({ type: UserFilterInput, required: false }) },
        complexity: (args) => pageComplexity(args),
        resolve: (_root, args, { em }) => {
          validatePageArgs(args);
          const position = (cursor: string | null | undefined, argument: string) =>
            cursor == null ? undefined : (decodeCursor(cursor, 'user', ['s'], argument)[0] as string);
          const after = position(args.after, 'after');
          const before = position(args.before, 'before');
          return resolveCursorConnection(
            {
              args,
              defaultSize: DEFAULT_PAGE_SIZE,
              maxSize: MAX_PAGE_SIZE,
              toCursor: (user: UserRow) => encodeCursor('user', [user.id]),
            },
            ({ limit, inverted }: ResolveCursorConnectionArgs) =>
              loadUserPage(em, args.filter?.search ?? undefined, {
                after,
                before,
                limit,
                reversed: inverted,
              }),
          );
        },
      },
      { name: 'UserConnection' },
      { name: 'UserEdge' },
    ),
    search: t.field({
      type: SearchConnectionRef,
      description:
        'Full-text search over message text and file names, best hits first. Words are all required; ' +
        '"quotes" make a phrase, a trailing * a prefix. Deleted messages are included unless told otherwise. ' +
        'On SQLite the ranking considers the newest 5,000 matches of a query.',
      args: {
        query: t.arg.string({ required: true }),
        chatId: t.arg.id({ required: false, description: 'Search only this Chat' }),
        includeDeleted: t.arg.boolean({ required: false, defaultValue: true }),
        first: t.arg.int({ required: false, description: `Hits per page, at most ${MAX_SEARCH_PAGE}` }),
        after: t.arg.string({ required: false }),
      },
      complexity: (args) => ({
        field: 10,
        multiplier: Math.max(0, Math.min(args.first ?? DEFAULT_SEARCH_PAGE, MAX_SEARCH_PAGE)),
      }),
      resolve: async (_root, args, context) => {
        const first = args.first ?? DEFAULT_SEARCH_PAGE;
        if (first < 0 || first > MAX_SEARCH_PAGE) {
          throw new ViewerInputError(`'first' must be between 0 and ${MAX_SEARCH_PAGE}, got ${first}`, {
            argument: 'first',
            max: MAX_SEARCH_PAGE,
          });
        }
        const offset =
          args.after == null ? 0 : (decodeCursor(args.after, 'search', ['n'], 'after')[0] as number) + 1;
        let chats: string[] | undefined;
        if (args.chatId != null) {
          const chat = keyOf(String(args.chatId), 'Chat', 'chatId');
          if (!(await ChatNode.getDataloader(context).load(chat))) {
            throw new ViewerNotFoundError('Chat', String(args.chatId));
          }
          chats = [chat];
        }
        const { hits, more } = await searchWindow(context.copy, {
          query: args.query,
          chats,
          offset,
          limit: first,
          includeDeleted: args.includeDeleted ?? true,
        });
        const edges = hits.map((hit) => ({ cursor: encodeCursor('search', [hit.rank]), node: hit }));
        return {
          edges,
          pageInfo: {
            hasNextPage: more,
            hasPreviousPage: offset > 0,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      },
    }),
    stats: t.field({
      type: ArchiveStatsRef,
      complexity: 50,
      description: 'Totals over the whole archive',
      resolve: (_root, _args, { sql }) => loadArchiveTotals(sql),
    }),
  }),
});
