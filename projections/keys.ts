// Natural keys of read-model rows, built from the same parts as the stream names, so a handler can
// name any row an event touches without a lookup.
import { type PeerRef, parsePeerKey, peerKey } from '../src/events/peers.ts';

/** `<account>.<peer>`, e.g. `777.c1001`. */
export const chatKey = (account: string, chat: PeerRef): string => `${account}.${peerKey(chat)}`;

/** `<account>.<userId>`. */
export const userKey = (account: string, userId: string): string => `${account}.${userId}`;

/** `<account>.<peer>.<messageId>`: the message stream name without its category. */
export const messageKey = (account: string, chat: PeerRef, messageId: number): string =>
  messageKeyIn(chatKey(account, chat), messageId);

/** The same key from the chat's key. */
export const messageKeyIn = (chat: string, messageId: number): string => `${chat}.${messageId}`;

export function parseChatKey(key: string): { account: string; chat: PeerRef } | undefined {
  const dot = key.indexOf('.');
  if (dot < 1) return undefined;
  const chat = parsePeerKey(key.slice(dot + 1));
  return chat ? { account: key.slice(0, dot), chat } : undefined;
}
