// Binds the backfiller's narrow port to the Telegram gateway: dialogs and usernames become ChatInfo,
// history pages pass through with their observations. The backfill paces these calls through the
// process's one pacer, so they go to the gateway as already paced (maxFloodWaitSeconds 0): sent at
// once, a FLOOD_WAIT comes back to that pacer to count and sit out. The dialog list is the exception: a page of an iterator
// cannot be asked again from outside, so there the gateway waits (up to MAX_FLOOD_WAIT_SECONDS)
// through the same pacer, which counts the wait all the same.
import type {
  ChatObservation,
  MessageObservation,
  Observation,
  UserObservation,
} from '../../events/observations.ts';
import { type PeerRef, samePeer } from '../../events/peers.ts';
import type { Dialog, TelegramGateway } from '../../telegram/gateway.ts';
import type { BackfillTelegram, ChatInfo, HistoryPage, HistoryQuery } from './ports.ts';

const NOT_FOUND = /USERNAME_NOT_OCCUPIED|USERNAME_INVALID|PEER_ID_INVALID|CHAT_ID_INVALID|CHANNEL_INVALID/;
const DIALOG_PAGE = 100;

export const immediate = (signal?: AbortSignal) => ({ signal, maxFloodWaitSeconds: 0 });

export function chatInfoOf(
  chat: PeerRef,
  observations: readonly Observation[],
  topMessageId?: number,
): ChatInfo | undefined {
  const own = observations.find(
    (o): o is ChatObservation | UserObservation =>
      (o.kind === 'chat' && samePeer(o.chat, chat)) ||
      (o.kind === 'user' && chat.kind === 'user' && o.userId === chat.id),
  );
  if (!own) return undefined;
  if (own.kind === 'chat')
    return { chat, chatType: own.chatType, title: own.title, username: own.username, topMessageId };
  const title =
    [own.firstName, own.lastName].filter(Boolean).join(' ') || (own.deleted ? 'Deleted Account' : '');
  return { chat, chatType: own.bot ? 'bot' : 'private', title, username: own.username, topMessageId };
}

function dialogInfo(dialog: Dialog, entities: readonly Observation[]): ChatInfo {
  const observations = dialog.observation ? [dialog.observation, ...entities] : entities;
  return (
    chatInfoOf(dialog.chat, observations, dialog.topMessageId) ?? {
      chat: dialog.chat,
      chatType: dialog.chat.kind === 'user' ? 'private' : dialog.chat.kind === 'group' ? 'group' : 'channel',
      title: '',
      topMessageId: dialog.topMessageId,
    }
  );
}

const isNotFound = (error: unknown): boolean => {
  const e = error as { errorMessage?: unknown; message?: unknown } | undefined;
  return NOT_FOUND.test(`${String(e?.errorMessage ?? '')} ${String(e?.message ?? '')}`);
};

export function gatewayPort(
  gateway: TelegramGateway,
  options: { readonly maxFloodWaitSeconds?: number } = {},
): BackfillTelegram<MessageObservation, Observation> {
  return {
    async *dialogs(signal) {
      const call = { signal, maxFloodWaitSeconds: options.maxFloodWaitSeconds };
      for await (const page of gateway.dialogs(DIALOG_PAGE, call)) {
        yield page.dialogs.map((d) => dialogInfo(d, page.entities));
      }
    },
    async resolveUsername(username, signal) {
      try {
        const resolved = await gateway.resolveUsername(username, immediate(signal));
        return chatInfoOf(resolved.peer, resolved.entities);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async chatById(chat, signal) {
      try {
        return chatInfoOf(chat, await gateway.getChatInfo(chat, immediate(signal)));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async history(chat, query: HistoryQuery, signal): Promise<HistoryPage<MessageObservation, Observation>> {
      const page = await gateway.history(
        chat,
        { offsetId: query.offsetId, minId: query.minId, limit: query.limit },
        immediate(signal),
      );
      return { messages: page.messages, entities: page.entities };
    },
  };
}
