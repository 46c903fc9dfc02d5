// Resolves the client's InputPeer / InputChannel / InputUser to world records, checking access hashes
// the way Telegram does (a wrong hash is CHANNEL_INVALID / PEER_ID_INVALID, never a silent match).
import { Api } from 'telegram';
import type { FakeChannel, FakeChat, FakeGroup, FakeUser } from '../model.ts';
import { rpcFail } from '../server.ts';
import { chatObject, toBigint, userObject } from '../tl.ts';
import type { World } from '../world.ts';

export function resolveInputPeer(world: World, peer: any): FakeChat {
  if (peer instanceof Api.InputPeerSelf) return world.me;
  if (peer instanceof Api.InputPeerUser) return checkUser(world, peer.userId, peer.accessHash);
  if (peer instanceof Api.InputPeerChat) {
    const group = world.groups.get(toBigint(peer.chatId));
    return group ?? rpcFail(400, 'PEER_ID_INVALID');
  }
  if (peer instanceof Api.InputPeerChannel) return checkChannel(world, peer.channelId, peer.accessHash);
  return rpcFail(400, 'PEER_ID_INVALID');
}

export function resolveInputChannel(world: World, channel: any): FakeChannel {
  if (channel instanceof Api.InputChannel || channel instanceof Api.InputPeerChannel)
    return checkChannel(world, channel.channelId, channel.accessHash);
  return rpcFail(400, 'CHANNEL_INVALID');
}

export function resolveInputUser(world: World, user: any): FakeUser | undefined {
  if (user instanceof Api.InputUserSelf) return world.me;
  if (user instanceof Api.InputUser) {
    const found = world.users.get(toBigint(user.userId));
    return found && found.accessHash === toBigint(user.accessHash) ? found : undefined;
  }
  return undefined;
}

function checkUser(world: World, id: unknown, accessHash: unknown): FakeUser {
  const user = world.users.get(toBigint(id));
  if (!user || (!user.self && user.accessHash !== toBigint(accessHash)))
    return rpcFail(400, 'PEER_ID_INVALID');
  return user;
}

function checkChannel(world: World, id: unknown, accessHash: unknown): FakeChannel {
  const channel = world.channels.get(toBigint(id));
  if (!channel || channel.accessHash !== toBigint(accessHash)) return rpcFail(400, 'CHANNEL_INVALID');
  return channel;
}

/** Every user and chat of the world: small worlds, so answers simply carry all entities. */
export function allEntities(world: World): { users: Api.User[]; chats: Api.TypeChat[] } {
  const chats: (FakeGroup | FakeChannel)[] = [...world.groups.values(), ...world.channels.values()];
  return { users: [...world.users.values()].map(userObject), chats: chats.map(chatObject) };
}
