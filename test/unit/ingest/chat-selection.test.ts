import { describe, expect, it } from '@jest/globals';
import { peer } from '../../../src/events/peers.ts';
import {
  type ChatFilters,
  ChatSelectionError,
  DialogDirectory,
  filteredOutBy,
  parseChatSpec,
  resolveChat,
  selectAll,
} from '../../../src/ingest/backfill/chat-selection.ts';
import type { ChatInfo } from '../../../src/ingest/backfill/ports.ts';

const news: ChatInfo = {
  chat: peer('channel', 3000),
  chatType: 'channel',
  title: 'News',
  username: 'news',
  topMessageId: 10,
};
const alice: ChatInfo = {
  chat: peer('user', 2000),
  chatType: 'private',
  title: 'Alice Smith',
  username: 'alice_s',
  topMessageId: 5,
};
const bot: ChatInfo = {
  chat: peer('user', 4000),
  chatType: 'bot',
  title: 'Helper',
  username: 'helper_bot',
  topMessageId: 1,
};
const team: ChatInfo = { chat: peer('group', 77), chatType: 'group', title: 'Team', topMessageId: 3 };
const team2: ChatInfo = { chat: peer('channel', 78), chatType: 'supergroup', title: 'Team', topMessageId: 3 };
const all: ChatFilters = { include: [], exclude: [], types: ['private', 'groups', 'channels', 'bots'] };

/** Dialog pages, recording how many were fetched. */
function pages(list: ChatInfo[], size = 2) {
  const fetched = { pages: 0 };
  const iterable = {
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < list.length; i += size) {
        fetched.pages++;
        yield list.slice(i, i + size);
      }
    },
  };
  return { directory: new DialogDirectory(iterable), fetched };
}

describe('parseChatSpec', () => {
  it('tells ids, usernames and titles apart', () => {
    expect(parseChatSpec('-1000000003000')).toMatchObject({ kind: 'id', peer: peer('channel', 3000) });
    expect(parseChatSpec('2000')).toMatchObject({ kind: 'id', peer: peer('user', 2000) });
    expect(parseChatSpec('@alice_s')).toMatchObject({ kind: 'username', username: 'alice_s' });
    expect(parseChatSpec('My Team 2')).toMatchObject({ kind: 'title', title: 'My Team 2' });
  });

  it('rejects values that are none of them, saying why', () => {
    expect(() => parseChatSpec('0')).toThrow(ChatSelectionError);
    expect(() => parseChatSpec('@a b')).toThrow(/not a valid @username/);
    expect(() => parseChatSpec('  ')).toThrow(/empty/);
  });
});

describe('resolveChat', () => {
  const deps = (list: ChatInfo[], filters = all, lookups: Record<string, ChatInfo> = {}) => {
    const { directory, fetched } = pages(list);
    return {
      fetched,
      deps: { directory, filters, resolveUsername: async (u: string) => lookups[u] },
    };
  };

  it('finds a chat by id, loading dialog pages only until it appears', async () => {
    const { deps: d, fetched } = deps([alice, bot, news, team, team2]);
    expect(await resolveChat(parseChatSpec('-1000000003000'), d)).toBe(news);
    expect(fetched.pages).toBe(2);
  });

  it('finds private chats by @username in the dialogs or through a lookup', async () => {
    const stranger: ChatInfo = {
      chat: peer('user', 9),
      chatType: 'private',
      title: 'Stranger',
      username: 'stranger',
    };
    const { deps: d } = deps([news, alice], all, { stranger });
    expect(await resolveChat(parseChatSpec('@ALICE_S'), d)).toBe(alice);
    expect(await resolveChat(parseChatSpec('@stranger'), d)).toBe(stranger);
    await expect(resolveChat(parseChatSpec('@nobody_here'), d)).rejects.toThrow(
      'chat @nobody_here not found: no user or chat has that username',
    );
  });

  it('matches titles exactly and refuses ambiguous ones', async () => {
    const { deps: d } = deps([news, team, team2]);
    expect(await resolveChat(parseChatSpec('News'), d)).toBe(news);
    await expect(resolveChat(parseChatSpec('news'), d)).rejects.toThrow(
      "no chat is titled exactly 'news'; did you mean News (-1000000003000)?",
    );
    await expect(resolveChat(parseChatSpec('Team'), d)).rejects.toThrow(
      "'Team' is the title of 2 chats: Team (-77), Team (-1000000000078); pass the id instead",
    );
  });

  it('explains a missing id and honours CHATS_EXCLUDE even for explicit chats', async () => {
    const { deps: d } = deps([news], { ...all, exclude: ['-1000000003000'], types: ['private'] });
    await expect(resolveChat(parseChatSpec('-1000000009999'), d)).rejects.toThrow(
      /chat -1000000009999 not found/,
    );
    await expect(resolveChat(parseChatSpec('News'), d)).rejects.toThrow(
      'News (-1000000003000) is excluded by CHATS_EXCLUDE',
    );
  });
});

describe('a dialog list that fails to load', () => {
  it('says so for ids and titles, and still finds @usernames by lookup', async () => {
    const failing = {
      async *[Symbol.asyncIterator]() {
        yield [alice];
        throw new Error('RPC_CALL_FAIL');
      },
    };
    const deps = {
      directory: new DialogDirectory(failing),
      filters: all,
      resolveUsername: async (u: string) => (u === 'news' ? news : undefined),
    };
    await expect(resolveChat(parseChatSpec('-1000000003000'), deps)).rejects.toThrow(
      'cannot look up -1000000003000: the dialog list could not be loaded (RPC_CALL_FAIL)',
    );
    await expect(resolveChat(parseChatSpec('News'), deps)).rejects.toThrow(
      'the dialog list could not be loaded',
    );
    expect(await resolveChat(parseChatSpec('@news'), deps)).toBe(news);
    expect(await resolveChat(parseChatSpec('2000'), deps)).toBe(alice);
    await expect(deps.directory.all()).rejects.toThrow('RPC_CALL_FAIL');
  });
});

describe('--all filters', () => {
  it('applies CHAT_TYPES, CHATS_INCLUDE and CHATS_EXCLUDE', async () => {
    expect(filteredOutBy(bot, { ...all, types: ['private'] })).toBe('CHAT_TYPES');
    expect(filteredOutBy(team2, { ...all, types: ['groups'] })).toBeUndefined();
    expect(filteredOutBy(news, { ...all, include: ['2000'] })).toBe('CHATS_INCLUDE');
    expect(filteredOutBy(alice, { ...all, include: ['2000'], exclude: ['2000'] })).toBe('CHATS_EXCLUDE');
    const { directory } = pages([news, alice, bot, team, team2]);
    const { selected, excluded } = await selectAll(directory, { ...all, types: ['channels', 'private'] });
    expect(selected).toEqual([news, alice]);
    expect(excluded.map((e) => [e.info.title, e.by])).toEqual([
      ['Helper', 'CHAT_TYPES'],
      ['Team', 'CHAT_TYPES'],
      ['Team', 'CHAT_TYPES'],
    ]);
  });

  it('pages through thousands of dialogs without duplicates', async () => {
    const many = Array.from(
      { length: 3000 },
      (_, i): ChatInfo => ({
        chat: peer('user', i + 1),
        chatType: 'private',
        title: `User ${i}`,
      }),
    );
    const { directory, fetched } = pages([...many, many[0]!], 100);
    expect((await directory.all()).length).toBe(3000);
    expect(fetched.pages).toBe(31);
  });
});
