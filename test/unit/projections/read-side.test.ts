// The read side on both engines: the ORM reads what the projector wrote, "as of T" in one query,
// the listener's id lookup, the deciders' state loader, and full-text search with multilingual
// text, emoji, phrases, prefixes, filters, paging and bad input.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ReadModelCopy, ReadModelLocation } from '../../../projections/db/open.ts';
import { Message } from '../../../projections/entities/index.ts';
import { chatAsOf } from '../../../projections/history.ts';
import { findChatsForMessageIds, loadMessageStates } from '../../../projections/lookup.ts';
import { InvalidSearchError, searchMessages } from '../../../projections/search/query.ts';
import type { PeerRef } from '../../../src/events/peers.ts';
import { createTestDatabase, describePostgres } from '../../support/postgres.ts';
import {
  ACCOUNT,
  alice,
  at,
  channel,
  EventLog,
  freshCopy,
  group,
  make,
  messageStream,
  projectAll,
} from './support.ts';

const bob: PeerRef = { kind: 'user', id: '43' };
const CHAT = `${ACCOUNT}.c1001`;

function archive(): EventLog {
  const log = new EventLog();
  const create = (
    chat: PeerRef,
    id: number,
    text: string,
    minute = -60,
    extra: Record<string, unknown> = {},
  ) => {
    const stream = messageStream(chat, id);
    log.append(
      stream,
      make(
        stream,
        'MessageCreated',
        { chat, messageId: id, date: at(minute), text, entities: [], outgoing: false, ...extra },
        { observedAt: at(Math.max(minute, 0)) }, // observed when sent, or at 0 by a backfill
      ),
    );
  };
  create(channel, 1, 'Привет, как дела? Ёлка в парке');
  create(channel, 2, 'Встреча в Москве завтра');
  create(channel, 3, '東京タワーに行きました');
  create(channel, 4, '我们明天在北京见面');
  create(channel, 5, '서울에서 만나요');
  create(channel, 6, 'Café crème brûlée, très naïve');
  create(channel, 7, 'Pizza tonight 🍕 👍🏽');
  create(channel, 8, 'Report attached', -60, {
    media: { kind: 'document', fileName: 'quarterly-report.pdf' },
  });
  create(channel, 9, 'secret plan');
  const s9 = messageStream(channel, 9);
  log.append(
    s9,
    make(s9, 'MessageDeleted', { chat: channel, messageId: 9, observedAt: at(20), matchedBy: 'peer' }),
  );
  create(channel, 10, 'pizza pizza pizza');
  create(channel, 11, `pizza ${'and a great deal of other words '.repeat(20)}`);
  for (let i = 0; i < 5; i++) create(channel, 20 + i, `common word number ${i}`);
  create(group, 30, 'pizza in the group', -10);
  // The as-of story: message 40 edited at +10, deleted at +30; message 41 sent at +5.
  create(channel, 40, 'version one', -60);
  const s40 = messageStream(channel, 40);
  log.append(
    s40,
    make(
      s40,
      'MessageEdited',
      { chat: channel, messageId: 40, text: 'version two', entities: [], contentHash: 'v2' },
      { observedAt: at(10) },
    ),
  );
  log.append(
    s40,
    make(s40, 'MessageDeleted', { chat: channel, messageId: 40, observedAt: at(30), matchedBy: 'peer' }),
  );
  create(channel, 41, 'later message', 5);
  // The lookup story: ids shared by private chats and basic groups.
  create(alice, 100, 'private');
  create(group, 101, 'in group');
  create(channel, 100, 'channel ids are their own');
  create(alice, 102, 'ambiguous a');
  create(bob, 102, 'ambiguous b');
  return log;
}

function suite(open: () => Promise<{ copy: ReadModelCopy; done: () => Promise<void> }>) {
  let copy: ReadModelCopy;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ copy, done } = await open());
    await projectAll(copy, archive().events, { batchSize: 7 });
  });
  afterAll(async () => {
    await done();
  });

  const search = async (query: string, options: Record<string, unknown> = {}) =>
    (await searchMessages(copy, { query, ...options })).hits.map((h) => h.messageId);

  it('is read back by the ORM with dates, JSON and booleans typed', async () => {
    const em = copy.orm.em.fork();
    const message = await em.findOneOrFail(Message, { chat: CHAT, messageId: 8 }, { populate: ['versions'] });
    expect(message.date).toEqual(new Date(at(-60)));
    expect(message.media).toEqual({ kind: 'document', fileName: 'quarterly-report.pdf' });
    expect(message.entities).toEqual([]);
    expect(message.outgoing).toBe(false);
    expect(message.versions.getItems().map((v) => v.text)).toEqual(['Report attached']);
    expect(message.chat.id).toBe(CHAT);
  });

  it('shows the chat as of a time: the version current then, without messages deleted by then', async () => {
    const view = async (minute: number) =>
      (await chatAsOf(copy, { chat: CHAT, at: new Date(at(minute)) }))
        .filter((m) => m.messageId >= 40 && m.messageId < 50)
        .map((m) => [m.messageId, m.text]);
    expect(await view(0)).toEqual([[40, 'version one']]);
    expect(await view(15)).toEqual([
      [41, 'later message'],
      [40, 'version two'],
    ]);
    expect(await view(30)).toEqual([[41, 'later message']]);
  });

  it('finds the chat of message ids in the shared id space, leaving out channels and ambiguous ids', async () => {
    const found = await findChatsForMessageIds(copy, ACCOUNT, [100, 101, 102, 999]);
    expect(Object.fromEntries(found)).toEqual({ 100: alice, 101: group });
    expect((await findChatsForMessageIds(copy, '1', [100])).size).toBe(0);
  });

  it('loads the state of a page of messages of one chat', async () => {
    const states = await loadMessageStates(copy, ACCOUNT, channel, [1, 9, 40, 77]);
    expect([...states.keys()].sort((a, b) => a - b)).toEqual([1, 9, 40]);
    expect(states.get(40)).toMatchObject({
      text: 'version two',
      versionCount: 2,
      streamVersion: 2,
      created: true,
    });
    expect(states.get(9)!.deletedAt).toEqual(new Date(at(20)));
  });

  it('finds Cyrillic regardless of case, and ё as е', async () => {
    expect(await search('ёлка')).toEqual([1]);
    expect(await search('Елка')).toEqual([1]);
    expect(await search('МОСКВЕ')).toEqual([2]);
  });

  it('finds CJK and Hangul words and word beginnings, not the middle of a word', async () => {
    expect(await search('東京')).toEqual([3]);
    expect(await search('東京タワー')).toEqual([3]);
    expect(await search('北京')).toEqual([4]);
    expect(await search('서울')).toEqual([5]);
    // The segmenter keeps 東京タワー as one word and 北京 as one: their inner parts are not words.
    expect(await search('タワー')).toEqual([]);
    expect(await search('京')).toEqual([]);
    expect(await search('京北')).toEqual([]);
  });

  it('finds Chinese, Japanese and Korean sentences by their words, in order', async () => {
    expect(await search('明天在北京')).toEqual([4]);
    expect(await search('北京见面')).toEqual([4]);
    expect(await search('北京 明天')).toEqual([4]);
    expect(await search('北京明天')).toEqual([]);
    expect(await search('東京タワーに行きました')).toEqual([3]);
    expect(await search('に行きました')).toEqual([3]);
    expect(await search('行きました 東京')).toEqual([3]);
    expect(await search('タワーに行きました')).toEqual([]);
    expect(await search('서울에서 만나요')).toEqual([5]);
    expect(await search('만나')).toEqual([5]);
    expect(await search('만나요 서울')).toEqual([5]);
    expect(await search('부산에서')).toEqual([]);
    const [beijing] = (await searchMessages(copy, { query: '在北京' })).hits;
    expect(beijing!.snippet).toEqual({ text: '我们明天在北京见面', highlights: [{ start: 4, end: 7 }] });
  });

  it('ignores Latin diacritics, and finds emoji with or without skin tone', async () => {
    expect(await search('creme brulee')).toEqual([6]);
    expect(await search('NAÏVE')).toEqual([6]);
    expect(await search('🍕')).toEqual([7]);
    expect(await search('👍')).toEqual([7]);
  });

  it('supports phrases and prefixes, and searches file names', async () => {
    expect(await search('"pizza tonight"')).toEqual([7]);
    expect(await search('"tonight pizza"')).toEqual([]);
    expect((await search('piz*', { chats: [CHAT] })).sort((a, b) => a - b)).toEqual([7, 10, 11]);
    const [hit] = (await searchMessages(copy, { query: 'quarterly' })).hits;
    expect(hit!.messageId).toBe(8);
    expect(hit!.snippet.text).toBe('quarterly-report.pdf');
  });

  it('ranks, filters by chat and by deletion, and highlights what matched', async () => {
    const pizza = await search('pizza', { chats: [CHAT] });
    expect(pizza[0]).toBe(10);
    expect(pizza.sort()).toEqual([10, 11, 7]);
    expect(await search('pizza', { chats: [`${ACCOUNT}.g555`] })).toEqual([30]);
    expect(await search('secret')).toEqual([9]);
    expect(await search('secret', { includeDeleted: false })).toEqual([]);
    const [tokyo] = (await searchMessages(copy, { query: '東京' })).hits;
    expect(tokyo!.snippet).toEqual({ text: '東京タワーに行きました', highlights: [{ start: 0, end: 2 }] });
    const [long] = (await searchMessages(copy, { query: 'deal', chats: [CHAT] })).hits;
    expect(long!.snippet.text.endsWith('…')).toBe(true);
    const { start, end } = long!.snippet.highlights[0]!;
    expect(long!.snippet.text.slice(start, end)).toBe('deal');
  });

  it('pages with a cursor without repeating hits', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await searchMessages(copy, { query: 'common', limit: 2, cursor });
      seen.push(...page.hits.map((h) => h.messageId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([20, 21, 22, 23, 24]);
  });

  it('rejects queries it cannot run with a clear error', async () => {
    await expect(searchMessages(copy, { query: '   ' })).rejects.toThrow(InvalidSearchError);
    await expect(searchMessages(copy, { query: '!!! ???' })).rejects.toThrow(/no words/);
    await expect(searchMessages(copy, { query: 'pizza', limit: 0 })).rejects.toThrow(/limit must be/);
    await expect(searchMessages(copy, { query: 'pizza', cursor: 'garbage' })).rejects.toThrow(/cursor/);
    const { nextCursor } = await searchMessages(copy, { query: 'common', limit: 1 });
    await expect(searchMessages(copy, { query: 'pizza', cursor: nextCursor })).rejects.toThrow(
      /different query/,
    );
    // FTS syntax in user input is just text.
    expect(await search('pizza OR NEAR( "')).toEqual([]);
    expect(await search("pizza' -- ")).not.toEqual([]);
  });
}

describe('read side on SQLite', () => {
  suite(async () => {
    const copy = await freshCopy();
    return { copy, done: () => copy.close() };
  });
});

describePostgres('read side on PostgreSQL', () => {
  suite(async () => {
    const db = await createTestDatabase('rm_read');
    const location: ReadModelLocation = { kind: 'postgres', url: db.url };
    const copy = await freshCopy(location);
    return {
      copy,
      done: async () => {
        await copy.close();
        await db.drop();
      },
    };
  });
});
