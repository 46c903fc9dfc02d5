// Access hashes of the users and channels we have seen: Telegram needs them to address a peer, and
// they come only with objects (dialogs, updates, history). Basic groups need none.
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { type PeerRef, peerKey } from '../events/peers.ts';
import { PeerUnknownError } from './errors.ts';

export class PeerCache {
  private readonly hashes = new Map<string, string>();
  private readonly selfId: () => string | undefined;

  constructor(selfId: () => string | undefined) {
    this.selfId = selfId;
  }

  get(peer: PeerRef): string | undefined {
    return this.hashes.get(peerKey(peer));
  }

  set(peer: PeerRef, accessHash: string): void {
    this.hashes.set(peerKey(peer), accessHash);
  }

  /** Learns from every `users` and `chats` list of an answer; min objects carry no usable hash. */
  learn(container: { users?: readonly any[]; chats?: readonly any[] } | undefined): void {
    for (const user of container?.users ?? []) {
      if (user?.className === 'User' && !user.min && user.accessHash !== undefined)
        this.hashes.set(`u${user.id}`, String(user.accessHash));
    }
    for (const chat of container?.chats ?? []) {
      if ((chat?.className === 'Channel' && !chat.min) || chat?.className === 'ChannelForbidden') {
        if (chat.accessHash !== undefined) this.hashes.set(`c${chat.id}`, String(chat.accessHash));
      }
    }
  }

  inputPeer(peer: PeerRef): Api.TypeInputPeer {
    switch (peer.kind) {
      case 'user':
        if (peer.id === this.selfId()) return new Api.InputPeerSelf();
        return new Api.InputPeerUser({ userId: bigInt(peer.id), accessHash: bigInt(this.require(peer)) });
      case 'group':
        return new Api.InputPeerChat({ chatId: bigInt(peer.id) });
      case 'channel':
        return new Api.InputPeerChannel({
          channelId: bigInt(peer.id),
          accessHash: bigInt(this.require(peer)),
        });
    }
  }

  inputChannel(channelId: string): Api.InputChannel {
    const peer: PeerRef = { kind: 'channel', id: channelId };
    return new Api.InputChannel({ channelId: bigInt(channelId), accessHash: bigInt(this.require(peer)) });
  }

  inputUser(userId: string): Api.TypeInputUser {
    if (userId === this.selfId()) return new Api.InputUserSelf();
    return new Api.InputUser({
      userId: bigInt(userId),
      accessHash: bigInt(this.require({ kind: 'user', id: userId })),
    });
  }

  private require(peer: PeerRef): string {
    const hash = this.get(peer);
    if (hash === undefined) throw new PeerUnknownError(peerKey(peer));
    return hash;
  }
}
