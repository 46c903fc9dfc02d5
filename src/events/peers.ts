// Typed peer ids and stream names (DESIGN.md, "Events"). Telegram ids are kept as decimal strings:
// they are 64-bit on the wire and must never lose precision in JSON.

export type PeerKind = 'user' | 'group' | 'channel';

/** A chat or sender: `u<id>` user, `g<id>` basic group, `c<id>` channel or supergroup. */
export interface PeerRef {
  readonly kind: PeerKind;
  readonly id: string;
}

const PREFIX: Record<PeerKind, string> = { user: 'u', group: 'g', channel: 'c' };
const KIND: Record<string, PeerKind> = { u: 'user', g: 'group', c: 'channel' };
const PEER_KEY = /^([ugc])([0-9]{1,20})$/;
const ACCOUNT_ID = /^[0-9]{1,20}$/;

export class InvalidStreamNameError extends Error {
  readonly stream: string;
  constructor(stream: string, reason: string) {
    super(`Invalid stream name '${stream}': ${reason}`);
    this.name = 'InvalidStreamNameError';
    this.stream = stream;
  }
}

export const peer = (kind: PeerKind, id: string | number | bigint): PeerRef => ({ kind, id: String(id) });

export function peerKey(p: PeerRef): string {
  return `${PREFIX[p.kind]}${p.id}`;
}

export function parsePeerKey(key: string): PeerRef | undefined {
  const m = PEER_KEY.exec(key);
  return m ? { kind: KIND[m[1]!]!, id: m[2]! } : undefined;
}

export const samePeer = (a: PeerRef | undefined, b: PeerRef | undefined): boolean =>
  a !== undefined && b !== undefined && a.kind === b.kind && a.id === b.id;

export const streams = {
  message: (account: string, chat: PeerRef, messageId: number) =>
    `message-${account}.${peerKey(chat)}.${messageId}`,
  chat: (account: string, chat: PeerRef) => `chat-${account}.${peerKey(chat)}`,
  user: (account: string, userId: string) => `user-${account}.${userId}`,
  account: (account: string) => `account-${account}`,
};

export type StreamCategory = 'message' | 'chat' | 'user' | 'account';

export type ParsedStream =
  | { category: 'message'; account: string; chat: PeerRef; messageId: number }
  | { category: 'chat'; account: string; chat: PeerRef }
  | { category: 'user'; account: string; userId: string }
  | { category: 'account'; account: string };

/** Parses and validates a stream name; throws InvalidStreamNameError naming the offender. */
export function parseStream(stream: string): ParsedStream {
  const dash = stream.indexOf('-');
  if (dash < 0) throw new InvalidStreamNameError(stream, 'expected <category>-<id>');
  const category = stream.slice(0, dash);
  const parts = stream.slice(dash + 1).split('.');
  const account = parts[0] ?? '';
  if (!ACCOUNT_ID.test(account))
    throw new InvalidStreamNameError(stream, `'${account}' is not an account id`);
  const chatOf = (key: string | undefined) => {
    const chat = key === undefined ? undefined : parsePeerKey(key);
    if (!chat) throw new InvalidStreamNameError(stream, `'${key ?? ''}' is not a typed peer id (u…, g…, c…)`);
    return chat;
  };
  switch (category) {
    case 'message': {
      if (parts.length !== 3)
        throw new InvalidStreamNameError(stream, 'expected message-<acct>.<peer>.<msgId>');
      const messageId = Number(parts[2]);
      if (!/^[0-9]{1,10}$/.test(parts[2]!) || messageId < 1)
        throw new InvalidStreamNameError(stream, `'${parts[2]}' is not a message id`);
      return { category, account, chat: chatOf(parts[1]), messageId };
    }
    case 'chat':
      if (parts.length !== 2) throw new InvalidStreamNameError(stream, 'expected chat-<acct>.<peer>');
      return { category, account, chat: chatOf(parts[1]) };
    case 'user':
      if (parts.length !== 2 || !ACCOUNT_ID.test(parts[1]!))
        throw new InvalidStreamNameError(stream, 'expected user-<acct>.<userId>');
      return { category, account, userId: parts[1]! };
    case 'account':
      if (parts.length !== 1) throw new InvalidStreamNameError(stream, 'expected account-<acct>');
      return { category, account };
    default:
      throw new InvalidStreamNameError(
        stream,
        `unknown category '${category}' (message, chat, user, account)`,
      );
  }
}
