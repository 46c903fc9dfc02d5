// Chat ids as users write them in configuration (CHATS_INCLUDE, MEDIA_EXCLUDE_CHATS, --chat): the
// Bot API convention of positive user ids, negative basic group ids and -100… channel ids.
import type { PeerRef } from '../events/peers.ts';

const CHANNEL_OFFSET = 1_000_000_000_000n;

/** The Bot API id of a peer: 123 user, -123 basic group, -100123 channel or supergroup. */
export function botApiId(chat: PeerRef): string {
  switch (chat.kind) {
    case 'user':
      return chat.id;
    case 'group':
      return `-${chat.id}`;
    case 'channel':
      return String(-(CHANNEL_OFFSET + BigInt(chat.id)));
  }
}

/** The peer of a Bot API id; undefined when it is not one. */
export function peerOfBotApiId(id: string): PeerRef | undefined {
  if (!/^-?\d{1,20}$/.test(id)) return undefined;
  const n = BigInt(id);
  if (n > 0n) return { kind: 'user', id: n.toString() };
  if (n === 0n) return undefined;
  const abs = -n;
  if (id.startsWith('-100') && abs > CHANNEL_OFFSET)
    return { kind: 'channel', id: (abs - CHANNEL_OFFSET).toString() };
  return { kind: 'group', id: abs.toString() };
}

/** True when `chat` is one of `ids` (Bot API form). */
export function chatInList(chat: PeerRef, ids: readonly string[]): boolean {
  if (ids.length === 0) return false;
  const own = botApiId(chat);
  return ids.includes(own);
}
