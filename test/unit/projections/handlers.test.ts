// Given events, then rows: each handler through the real pipeline (pure fold, set-based writes) on
// an in-memory SQLite copy.
import { afterEach, describe, expect, it } from '@jest/globals';
import type { ReadModelCopy } from '../../../projections/db/open.ts';
import { streams } from '../../../src/events/peers.ts';
import {
  ACCOUNT,
  alice,
  at,
  channel,
  chatStream,
  dump,
  EventLog,
  freshCopy,
  group,
  make,
  messageStream,
  projectAll,
  rows,
} from './support.ts';

let copy: ReadModelCopy;
afterEach(async () => {
  await copy?.close();
});

const created = (chat = channel, id = 1, text = 'hello', extra: Record<string, unknown> = {}) => {
  const stream = messageStream(chat, id);
  return [
    stream,
    make(stream, 'MessageCreated', {
      chat,
      messageId: id,
      date: at(-60),
      text,
      entities: [],
      outgoing: false,
      ...extra,
    }),
  ] as const;
};

async function given(log: EventLog, batchSize?: number) {
  copy = await freshCopy();
  return projectAll(copy, log.events, { batchSize });
}

const byId = <T extends { id: unknown }>(list: T[], id: unknown) => list.find((r) => r.id === id)!;

describe('message handlers', () => {
  it('creates a message, its first version, a placeholder chat and account', async () => {
    const log = new EventLog();
    log.append(
      ...created(channel, 7, 'Привет', {
        sender: alice,
        replyTo: { messageId: 3, topicId: 2 },
        forward: { from: group, date: at(-90) },
        groupedId: '99',
        views: 10,
      }),
    );
    await given(log);
    const [message] = await rows<any>(copy, 'messages');
    expect(message).toMatchObject({
      id: 1,
      chat: `${ACCOUNT}.c1001`,
      chatKind: 'channel',
      messageId: 7,
      date: Date.parse(at(-60)),
      senderPeer: 'u42',
      text: 'Привет',
      replyToMessageId: 3,
      topicId: 2,
      forwardFromPeer: 'g555',
      groupedId: '99',
      views: 10,
      editCount: 0,
      versionCount: 1,
      deletedAt: null,
      streamVersion: 0,
    });
    const [version] = await rows<any>(copy, 'messageVersions');
    // The content existed from its Telegram date, before we observed it.
    expect(version).toMatchObject({
      versionNo: 0,
      text: 'Привет',
      validFrom: Date.parse(at(-60)),
      validTo: null,
    });
    const [chat] = await rows<any>(copy, 'chats');
    expect(chat).toMatchObject({
      id: `${ACCOUNT}.c1001`,
      type: null,
      title: null,
      messageCount: 1,
      lastMessageId: 7,
    });
    expect(await rows<any>(copy, 'accounts')).toEqual([
      expect.objectContaining({ id: ACCOUNT, linkedAt: null, streamVersion: -1 }),
    ]);
  });

  it('keeps every version of an edited message with non-overlapping validity', async () => {
    const log = new EventLog();
    const [stream, first] = created(channel, 1, 'one');
    log.append(stream, first);
    const edit = (text: string, observed: number, editDate?: number) =>
      log.append(
        stream,
        make(
          stream,
          'MessageEdited',
          {
            chat: channel,
            messageId: 1,
            text,
            entities: [],
            contentHash: text,
            editDate: editDate === undefined ? undefined : at(editDate),
          },
          { observedAt: at(observed) },
        ),
      );
    edit('two', 5, 4);
    edit('three', 3); // observed out of order by another source: starts where 'two' started
    await given(log, 1);
    const versions = (await rows<any>(copy, 'messageVersions')).sort((a, b) => a.versionNo - b.versionNo);
    expect(versions.map((v) => [v.text, v.validFrom, v.validTo])).toEqual([
      ['one', Date.parse(at(-60)), Date.parse(at(5))],
      ['two', Date.parse(at(5)), Date.parse(at(5))],
      ['three', Date.parse(at(5)), null],
    ]);
    expect(versions[1].editDate).toBe(Date.parse(at(4)));
    const [message] = await rows<any>(copy, 'messages');
    expect(message).toMatchObject({
      text: 'three',
      editCount: 2,
      versionCount: 3,
      lastEditedAt: Date.parse(at(3)),
    });
    expect(message.currentVersionId).toBe(versions[2].eventId);
  });

  it('marks a deletion once, counts it in the chat, and makes a row for a message never seen', async () => {
    const log = new EventLog();
    log.append(...created(group, 5));
    const del = (id: number, observed: number, source: 'live' | 'backfill') => {
      const stream = messageStream(group, id);
      log.append(
        stream,
        make(
          stream,
          'MessageDeleted',
          { chat: group, messageId: id, observedAt: at(observed), matchedBy: 'lookup' },
          { source, discriminator: String(observed) },
        ),
      );
    };
    del(5, 10, 'live');
    del(5, 20, 'backfill');
    del(6, 30, 'live');
    await given(log);
    const messages = await rows<any>(copy, 'messages');
    expect(byId(messages, 1)).toMatchObject({
      deletedAt: Date.parse(at(10)),
      deletionSource: 'live',
      deletionMatchedBy: 'lookup',
    });
    expect(byId(messages, 2)).toMatchObject({
      messageId: 6,
      date: null,
      deletedAt: Date.parse(at(30)),
      versionCount: 0,
    });
    const [chat] = await rows<any>(copy, 'chats');
    expect(chat).toMatchObject({ messageCount: 2, deletedCount: 2 });
  });

  it('replaces current reactions with each snapshot and keeps the history', async () => {
    const log = new EventLog();
    const [stream, first] = created();
    log.append(stream, first);
    const snapshot = (reactions: { reaction: string; count: number; chosenByMe?: boolean }[], hash: string) =>
      log.append(
        stream,
        make(stream, 'MessageReactionsChanged', {
          chat: channel,
          messageId: 1,
          reactions,
          snapshotHash: hash,
        }),
      );
    snapshot(
      [
        { reaction: '👍', count: 2 },
        { reaction: '❤', count: 1, chosenByMe: true },
      ],
      'a',
    );
    await given(log);
    expect(
      (await rows<any>(copy, 'reactions')).map((r) => [r.reaction, r.count, r.chosenByMe]).sort(),
    ).toEqual([
      ['❤', 1, true],
      ['👍', 2, false],
    ]);
    snapshot([{ reaction: '🔥', count: 4 }], 'b');
    snapshot([], 'c');
    await projectAll(copy, log.events.slice(2), { batchSize: 1 });
    expect(await rows(copy, 'reactions')).toEqual([]);
    const history = await rows<any>(copy, 'reactionSnapshots');
    expect(history.map((h) => h.total).sort()).toEqual([0, 3, 4]);
    const [message] = await rows<any>(copy, 'messages');
    expect(message).toMatchObject({ reactionsTotal: 0, reactionsHash: 'c' });
  });

  it('tracks pins with their history', async () => {
    const log = new EventLog();
    const [stream, first] = created();
    log.append(stream, first);
    log.append(stream, make(stream, 'MessagePinned', { chat: channel, messageId: 1 }, { observedAt: at(1) }));
    log.append(
      stream,
      make(stream, 'MessageUnpinned', { chat: channel, messageId: 1 }, { observedAt: at(2) }),
    );
    log.append(
      stream,
      make(
        stream,
        'MessagePinned',
        { chat: channel, messageId: 1 },
        { observedAt: at(3), discriminator: 'again' },
      ),
    );
    await given(log, 2);
    expect((await rows<any>(copy, 'messages'))[0].pinned).toBe(true);
    const pins = (await rows<any>(copy, 'pins')).sort((a, b) => a.observedAt - b.observedAt);
    expect(pins.map((p) => p.pinned)).toEqual([true, false, true]);
  });

  it('stores a file once for all messages that carry it, and records skipped media', async () => {
    const log = new EventLog();
    const sha = 'ab'.repeat(32);
    for (const id of [1, 2]) {
      const [stream, event] = created(channel, id, '', { media: { kind: 'photo', fileId: 'f' } });
      log.append(stream, event);
    }
    const s1 = messageStream(channel, 1);
    const s2 = messageStream(channel, 2);
    log.append(
      s1,
      make(s1, 'MediaSkipped', { chat: channel, messageId: 1, reason: 'too-large', detail: '200 MB' }),
    );
    for (const [stream, id] of [
      [s1, 1],
      [s2, 2],
    ] as const)
      log.append(
        stream,
        make(stream, 'MediaDownloaded', {
          chat: channel,
          messageId: id,
          sha256: sha,
          size: 1234,
          mimeType: 'image/jpeg',
          extension: 'jpg',
          fileName: `photo${id}.jpg`,
          width: 800,
          height: 600,
        }),
      );
    const s3 = messageStream(channel, 3);
    const [, third] = created(channel, 3);
    log.append(s3, third);
    log.append(s3, make(s3, 'MediaSkipped', { chat: channel, messageId: 3, reason: 'type-disabled' }));
    await given(log);
    expect(await rows(copy, 'media')).toEqual([
      expect.objectContaining({
        sha256: sha,
        size: 1234,
        mimeType: 'image/jpeg',
        extension: 'jpg',
        width: 800,
        height: 600,
        durationSeconds: null,
      }),
    ]);
    expect((await rows<any>(copy, 'messageMedia')).map((r) => [r.message, r.fileName]).sort()).toEqual([
      [1, 'photo1.jpg'],
      [2, 'photo2.jpg'],
    ]);
    const messages = await rows<any>(copy, 'messages');
    expect(byId(messages, 1)).toMatchObject({ mediaSha256: sha, mediaSkipReason: null, mediaKind: 'photo' });
    expect(byId(messages, 3)).toMatchObject({ mediaSha256: null, mediaSkipReason: 'type-disabled' });
  });
});

describe('chat, user and account handlers', () => {
  it('keeps the chat as last observed; about and participants survive an observation without them', async () => {
    const log = new EventLog();
    const stream = chatStream(channel);
    log.append(
      stream,
      make(
        stream,
        'ChatObserved',
        {
          chat: channel,
          chatType: 'channel',
          title: 'News',
          username: 'news',
          about: 'daily',
          participantCount: 10,
          forum: false,
        },
        { observedAt: at(1) },
      ),
    );
    log.append(
      stream,
      make(
        stream,
        'ChatObserved',
        { chat: channel, chatType: 'channel', title: 'News 2', forum: true },
        { observedAt: at(2) },
      ),
    );
    await given(log);
    expect((await rows(copy, 'chats'))[0]).toMatchObject({
      type: 'channel',
      title: 'News 2',
      username: null,
      about: 'daily',
      participantCount: 10,
      forum: true,
      firstObservedAt: Date.parse(at(1)),
      observedAt: Date.parse(at(2)),
      streamVersion: 1,
    });
  });

  it('links a migrated basic group and its supergroup both ways', async () => {
    const log = new EventLog();
    const stream = chatStream(group);
    log.append(stream, make(stream, 'ChatMigrated', { from: group, to: channel, lastMessageId: 40 }));
    await given(log);
    const chats = await rows<any>(copy, 'chats');
    expect(byId(chats, `${ACCOUNT}.g555`).migratedTo).toBe(`${ACCOUNT}.c1001`);
    expect(byId(chats, `${ACCOUNT}.c1001`).migratedFrom).toBe(`${ACCOUNT}.g555`);
  });

  it('keeps a name history: a new row only when the name changes', async () => {
    const log = new EventLog();
    const stream = streams.user(ACCOUNT, '42');
    const observe = (first: string, minute: number) =>
      log.append(
        stream,
        make(
          stream,
          'UserObserved',
          { userId: '42', firstName: first, username: 'al', bot: false },
          { observedAt: at(minute), discriminator: String(minute) },
        ),
      );
    observe('Alice', 1);
    observe('Alice', 2);
    observe('Алиса', 3);
    await given(log, 1);
    const names = (await rows<any>(copy, 'userNames')).sort((a, b) => a.validFrom - b.validFrom);
    expect(names.map((n) => [n.firstName, n.validFrom, n.validTo])).toEqual([
      ['Alice', Date.parse(at(1)), Date.parse(at(3))],
      ['Алиса', Date.parse(at(3)), null],
    ]);
    expect((await rows(copy, 'users'))[0]).toMatchObject({
      firstName: 'Алиса',
      observedAt: Date.parse(at(3)),
      streamVersion: 2,
    });
  });

  it('records linking, unresolved deletions and backfill runs; a gap changes nothing but the stream version', async () => {
    const log = new EventLog();
    const stream = streams.account(ACCOUNT);
    const add = (type: any, data: any, minute: number) =>
      log.append(stream, make(stream, type, data, { observedAt: at(minute) }));
    add('AccountLinked', { userId: ACCOUNT, firstName: 'Me' }, 1);
    add('DeletionUnresolved', { messageIds: [8, 9, 9], observedAt: at(2), reason: 'no match' }, 2);
    add('BackfillRunStarted', { runId: 'r1', chat: channel, mode: 'full' }, 3);
    add(
      'BackfillRunCompleted',
      { runId: 'r1', chat: channel, status: 'completed', fetched: 10, created: 8, edited: 1, deleted: 1 },
      4,
    );
    add('GapDetected', { reason: 'updatesTooLong', backfillRequested: true }, 5);
    const outcomes = await given(log, 2);
    expect(outcomes.at(-1)!.applied.map((e) => e.type)).toEqual(['GapDetected']);
    expect((await rows(copy, 'accounts'))[0]).toMatchObject({
      firstName: 'Me',
      linkedAt: Date.parse(at(1)),
      unresolvedDeletionCount: 2,
      streamVersion: 4,
    });
    expect((await rows<any>(copy, 'unresolvedDeletions')).map((r) => r.messageId).sort()).toEqual([8, 9]);
    expect((await rows(copy, 'backfillRuns'))[0]).toMatchObject({
      runId: 'r1',
      chatId: `${ACCOUNT}.c1001`,
      mode: 'full',
      status: 'completed',
      fetched: 10,
      startedAt: Date.parse(at(3)),
      completedAt: Date.parse(at(4)),
    });
    const [checkpoint] = await rows<any>(copy, 'checkpoints');
    expect(checkpoint).toMatchObject({ position: 'p5', sequence: 5, eventCount: 5 });
  });
});

describe('idempotency', () => {
  it('gives identical rows when every batch is delivered twice', async () => {
    const log = new EventLog();
    const [stream, first] = created(channel, 1, 'a');
    log.append(stream, first);
    log.append(
      stream,
      make(
        stream,
        'MessageEdited',
        { chat: channel, messageId: 1, text: 'b', entities: [], contentHash: 'b' },
        { observedAt: at(1) },
      ),
    );
    log.append(
      stream,
      make(stream, 'MessageReactionsChanged', {
        chat: channel,
        messageId: 1,
        reactions: [{ reaction: '👍', count: 1 }],
        snapshotHash: 'x',
      }),
    );
    log.append(
      stream,
      make(stream, 'MessageDeleted', { chat: channel, messageId: 1, observedAt: at(2), matchedBy: 'peer' }),
    );
    const once = await freshCopy();
    await projectAll(once, log.events, { batchSize: 1 });
    copy = await freshCopy();
    const outcomes = await projectAll(copy, log.events, { batchSize: 1, twice: true });
    expect(
      outcomes.filter((_o, i) => i % 2 === 1).every((o) => o.applied.length === 0 && o.redelivered === 1),
    ).toBe(true);
    expect(await dump(copy)).toEqual(await dump(once));
    await once.close();
  });
});
