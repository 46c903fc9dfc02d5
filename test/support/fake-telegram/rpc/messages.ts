// Reading the account: dialogs (paged), history pages, messages by id, full chat info, forum topics
// and username resolution.
import { Api } from 'telegram';
import { type FakeChat, type FakeMessage, isChannel, peerKeyOf } from '../model.ts';
import { type FakeTelegramServer, rpcFail } from '../server.ts';
import {
  big,
  chatObject,
  dialogObject,
  messageObject,
  peerObject,
  serializedMessage,
  topicObject,
  userObject,
} from '../tl.ts';
import type { World } from '../world.ts';
import { allEntities, resolveInputChannel, resolveInputPeer } from './peers.ts';

interface DialogRow {
  readonly chat: FakeChat;
  readonly top: FakeMessage | undefined;
  readonly date: number;
}

/** Dialogs newest first (by top message date), ties broken by peer key so paging is stable. */
function dialogRows(world: World): DialogRow[] {
  return world
    .chats()
    .map((chat) => {
      const top = world.messagesOf(chat).at(-1);
      return { chat, top, date: top?.date ?? ('date' in chat ? chat.date : 0) };
    })
    .sort((a, b) => b.date - a.date || peerKeyOf(a.chat).localeCompare(peerKeyOf(b.chat)));
}

function sameInputPeer(world: World, input: any, chat: FakeChat): boolean {
  if (input instanceof Api.InputPeerEmpty || input === undefined) return false;
  try {
    return peerKeyOf(resolveInputPeer(world, input)) === peerKeyOf(chat);
  } catch {
    return false;
  }
}

/** Newest-first copies of histories, reused while the history array is unchanged (big benchmark worlds). */
const newestFirstCache = new WeakMap<readonly FakeMessage[], { length: number; sorted: FakeMessage[] }>();

function newestFirstOf(all: readonly FakeMessage[]): FakeMessage[] {
  const cached = newestFirstCache.get(all);
  if (cached && cached.length === all.length) return cached.sorted;
  const sorted = [...all].sort((a, b) => b.id - a.id);
  newestFirstCache.set(all, { length: all.length, sorted });
  return sorted;
}

/** messages.getHistory paging: newest first from offset_id/offset_date, add_offset, limit, min_id/max_id. */
export function historyPage(all: readonly FakeMessage[], request: Api.messages.GetHistory): FakeMessage[] {
  const newestFirst = newestFirstOf(all);
  let start = 0;
  if (request.offsetId) start = firstBelow(newestFirst, request.offsetId);
  else if (request.offsetDate) start = newestFirst.findIndex((m) => m.date < request.offsetDate);
  if (start < 0) start = newestFirst.length;
  start += request.addOffset;
  const limit = Math.max(0, Math.min(request.limit || 100, 100));
  return newestFirst
    .slice(Math.max(0, start), Math.max(0, start + limit))
    .filter((m) => (!request.minId || m.id > request.minId) && (!request.maxId || m.id < request.maxId));
}

/** Index of the first message with an id below `offsetId` in a newest-first list (binary search). */
function firstBelow(newestFirst: readonly FakeMessage[], offsetId: number): number {
  let lo = 0;
  let hi = newestFirst.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (newestFirst[mid]!.id < offsetId) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function installMessages(server: FakeTelegramServer, world: World): void {
  server.on('messages.GetDialogs', (request: Api.messages.GetDialogs) => {
    const rows = dialogRows(world);
    let start = 0;
    const afterPeer = rows.findIndex((row) => sameInputPeer(world, request.offsetPeer, row.chat));
    if (afterPeer >= 0) start = afterPeer + 1;
    else if (request.offsetDate) {
      start = rows.findIndex((row) => row.date < request.offsetDate);
      if (start < 0) start = rows.length;
    }
    const limit = Math.max(1, Math.min(request.limit || 100, 100));
    const page = rows.slice(start, start + limit);
    const { users, chats } = allEntities(world);
    const dialogs = page.map((row) =>
      dialogObject(
        row.chat,
        row.top?.id ?? 0,
        isChannel(row.chat) ? world.channelBox(row.chat).pts : undefined,
      ),
    );
    const messages = page.flatMap((row) => (row.top ? [messageObject(row.top)] : []));
    const body = { dialogs, messages, chats, users };
    return start + page.length < rows.length || start > 0
      ? new Api.messages.DialogsSlice({ ...body, count: rows.length })
      : new Api.messages.Dialogs(body);
  });

  server.on('messages.GetHistory', (request: Api.messages.GetHistory) => {
    const chat = resolveInputPeer(world, request.peer);
    const all = world.messagesOf(chat);
    const messages = historyPage(all, request).map(serializedMessage);
    const { users, chats } = allEntities(world);
    if (isChannel(chat)) {
      return new Api.messages.ChannelMessages({
        pts: world.channelBox(chat).pts,
        count: all.length,
        messages,
        topics: [],
        chats,
        users,
      });
    }
    return new Api.messages.MessagesSlice({ count: all.length, messages, chats, users });
  });

  server.on('messages.GetMessages', (request: Api.messages.GetMessages) => {
    const { users, chats } = allEntities(world);
    const messages = requestedMessages(request.id, (id) => world.findCommonMessage(id));
    return new Api.messages.Messages({ messages, chats, users });
  });

  server.on('channels.GetMessages', (request: Api.channels.GetMessages) => {
    const channel = resolveInputChannel(world, request.channel);
    const { users, chats } = allEntities(world);
    const messages = requestedMessages(request.id, (id) => world.findMessage(channel, id));
    return new Api.messages.ChannelMessages({
      pts: world.channelBox(channel).pts,
      count: messages.length,
      messages,
      topics: [],
      chats,
      users,
    });
  });

  server.on('channels.GetFullChannel', (request: Api.channels.GetFullChannel) => {
    const channel = resolveInputChannel(world, request.channel);
    const { users } = allEntities(world);
    return new Api.messages.ChatFull({
      fullChat: new Api.ChannelFull({
        id: big(channel.id),
        about: channel.about,
        participantsCount: channel.memberIds.length,
        readInboxMaxId: 0,
        readOutboxMaxId: 0,
        unreadCount: 0,
        chatPhoto: new Api.PhotoEmpty({ id: big(channel.photoId ?? 0n) }),
        notifySettings: new Api.PeerNotifySettings({}),
        botInfo: [],
        pts: world.channelBox(channel).pts,
        migratedFromChatId: channel.migratedFrom ? big(channel.migratedFrom.chatId) : undefined,
        migratedFromMaxId: channel.migratedFrom?.maxId,
      }),
      chats: [chatObject(channel)],
      users,
    });
  });

  server.on('messages.GetFullChat', (request: Api.messages.GetFullChat) => {
    const group = world.groups.get(BigInt(String(request.chatId))) ?? rpcFail(400, 'CHAT_ID_INVALID');
    const { users } = allEntities(world);
    return new Api.messages.ChatFull({
      fullChat: new Api.ChatFull({
        id: big(group.id),
        about: group.about,
        participants: new Api.ChatParticipants({
          chatId: big(group.id),
          participants: group.memberIds.map(
            (userId) =>
              new Api.ChatParticipant({ userId: big(userId), inviterId: big(world.me.id), date: group.date }),
          ),
          version: group.version,
        }),
        notifySettings: new Api.PeerNotifySettings({}),
      }),
      chats: [chatObject(group)],
      users,
    });
  });

  server.on('channels.GetForumTopics', (request: Api.channels.GetForumTopics) => {
    const channel = resolveInputChannel(world, request.channel);
    if (!channel.forum) rpcFail(400, 'CHANNEL_FORUM_MISSING');
    const { users, chats } = allEntities(world);
    const topics = channel.topics.map((topic) => {
      const inTopic = world.messagesOf(channel).filter((m) => m.id === topic.id || m.topicId === topic.id);
      return topicObject(topic, inTopic.at(-1)?.id ?? topic.id, world.me);
    });
    return new Api.messages.ForumTopics({
      count: topics.length,
      topics,
      messages: [],
      chats,
      users,
      pts: world.channelBox(channel).pts,
    });
  });

  server.on('contacts.ResolveUsername', (request: Api.contacts.ResolveUsername) => {
    const name = request.username.toLowerCase();
    const user = [...world.users.values()].find((u) => u.username?.toLowerCase() === name);
    const channel = [...world.channels.values()].find((c) => c.username?.toLowerCase() === name);
    if (!user && !channel) return rpcFail(400, 'USERNAME_NOT_OCCUPIED');
    return new Api.contacts.ResolvedPeer({
      peer: peerObject((user ?? channel)!),
      users: user ? [userObject(user)] : [],
      chats: channel ? [chatObject(channel)] : [],
    });
  });
}

/** Messages asked for by id, in the order asked; an id that does not exist answers MessageEmpty. */
function requestedMessages(
  inputs: readonly Api.TypeInputMessage[],
  find: (id: number) => FakeMessage | undefined,
): Api.TypeMessage[] {
  return inputs.map((input: any) => {
    const id = input instanceof Api.InputMessageID ? input.id : rpcFail(400, 'MESSAGE_ID_INVALID');
    const found = find(id);
    return found ? messageObject(found) : new Api.MessageEmpty({ id });
  });
}
