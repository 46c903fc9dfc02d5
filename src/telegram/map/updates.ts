// Updates and differences: TL Updates containers, short updates, updates.Difference and
// updates.ChannelDifference to our UpdateBatch / DifferenceResult. Every update with pts and
// pts_count becomes an item in its box even when it says nothing we archive (read receipts, web page
// previews), so that gap detection counts pts exactly as Telegram does.
import type { Observation } from '../../events/observations.ts';
import { peer } from '../../events/peers.ts';
import type {
  BoxRef,
  ChannelDifferenceResult,
  DifferenceResult,
  GatewayEvent,
  UpdateBatch,
  UpdateItem,
  UpdateState,
} from '../gateway.ts';
import { mapEntitiesOf } from './chats.ts';
import { idString, type MapContext, meta, peerOf } from './common.ts';
import { mapMessage, mapMessageObservations, mapShortMessage } from './message.ts';
import { mapReactions } from './reactions.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const channelBox = (channelId: unknown): BoxRef => ({ kind: 'channel', channelId: idString(channelId) });

/** Which box a pts-carrying update belongs to. */
function boxOf(tl: any): BoxRef {
  if (tl.channelId !== undefined && tl.channelId !== null) return channelBox(tl.channelId);
  if (tl.className === 'UpdateNewChannelMessage' || tl.className === 'UpdateEditChannelMessage') {
    const chat = peerOf(tl.message?.peerId);
    if (chat?.kind === 'channel') return channelBox(chat.id);
  }
  return { kind: 'common' };
}

function observationsOf(tl: any, context: MapContext): Observation[] {
  switch (tl.className) {
    case 'UpdateNewMessage':
    case 'UpdateNewChannelMessage':
    case 'UpdateEditMessage':
    case 'UpdateEditChannelMessage':
      return mapMessageObservations(tl.message, context);
    case 'UpdateDeleteMessages':
      return [{ kind: 'deletion', messageIds: [...tl.messages], meta: meta(context, tl) }];
    case 'UpdateDeleteChannelMessages':
      return [
        {
          kind: 'deletion',
          chat: peer('channel', idString(tl.channelId)),
          messageIds: [...tl.messages],
          meta: meta(context, tl),
        },
      ];
    case 'UpdateMessageReactions': {
      const chat = peerOf(tl.peer);
      return chat
        ? [
            {
              kind: 'reactions',
              chat,
              messageId: tl.msgId,
              snapshot: mapReactions(tl.reactions),
              meta: meta(context, tl),
            },
          ]
        : [];
    }
    case 'UpdatePinnedMessages': {
      const chat = peerOf(tl.peer);
      return chat
        ? [
            {
              kind: 'pins',
              chat,
              messageIds: [...tl.messages],
              pinned: Boolean(tl.pinned),
              meta: meta(context, tl),
            },
          ]
        : [];
    }
    case 'UpdatePinnedChannelMessages':
      return [
        {
          kind: 'pins',
          chat: peer('channel', idString(tl.channelId)),
          messageIds: [...tl.messages],
          pinned: Boolean(tl.pinned),
          meta: meta(context, tl),
        },
      ];
    case 'UpdateChannel':
      return [
        { kind: 'chatChanged', chat: peer('channel', idString(tl.channelId)), meta: meta(context, tl) },
      ];
    case 'UpdateChat':
      return [{ kind: 'chatChanged', chat: peer('group', idString(tl.chatId)), meta: meta(context, tl) }];
    case 'UpdateUserName': {
      const username = (tl.usernames ?? []).find((u: any) => u.active)?.username;
      const observation: Mutable<Extract<Observation, { kind: 'user' }>> = {
        kind: 'user',
        userId: idString(tl.userId),
        firstName: tl.firstName ?? '',
        meta: meta(context, tl),
      };
      if (tl.lastName) observation.lastName = tl.lastName;
      if (username) observation.username = username;
      return [observation];
    }
    case 'UpdateUser':
      return [];
    default:
      return [];
  }
}

/** One inner update as an item of its box. */
export function mapUpdate(tl: any, context: MapContext): UpdateItem {
  const item: Mutable<UpdateItem> = { observations: observationsOf(tl, context) };
  if (typeof tl.pts === 'number' && typeof tl.ptsCount === 'number') {
    item.box = boxOf(tl);
    item.pts = tl.pts;
    item.ptsCount = tl.ptsCount;
  }
  if (typeof tl.qts === 'number') item.qts = tl.qts;
  if (tl.className === 'UpdateChannelTooLong') {
    item.channelTooLong =
      typeof tl.pts === 'number'
        ? { channelId: idString(tl.channelId), pts: tl.pts }
        : { channelId: idString(tl.channelId) };
  }
  return item;
}

/** A pushed Updates object; undefined for something that is not an update. */
export function mapUpdates(tl: any, context: MapContext): GatewayEvent | undefined {
  const batch = (
    items: UpdateItem[],
    entities: Observation[],
    seq: number,
    seqStart: number,
    date?: number,
  ): GatewayEvent => {
    const value: UpdateBatch = { items, entities, seq, seqStart, date };
    return { kind: 'updates', batch: value };
  };
  switch (tl?.className) {
    case 'UpdatesTooLong':
      return { kind: 'tooLong' };
    case 'Updates':
    case 'UpdatesCombined': {
      const items = (tl.updates ?? []).map((u: any) => mapUpdate(u, context));
      const seqStart = tl.className === 'UpdatesCombined' ? tl.seqStart : tl.seq;
      return batch(items, mapEntitiesOf(tl, context), tl.seq ?? 0, seqStart ?? 0, tl.date);
    }
    case 'UpdateShort':
      return batch([mapUpdate(tl.update, context)], [], 0, 0, tl.date);
    case 'UpdateShortMessage':
    case 'UpdateShortChatMessage': {
      const observation = mapShortMessage(tl, context);
      const item: UpdateItem = {
        box: { kind: 'common' },
        pts: tl.pts,
        ptsCount: tl.ptsCount,
        observations: observation ? [observation] : [],
      };
      return batch([item], [], 0, 0, tl.date);
    }
    case 'UpdateShortSentMessage':
      // Our own message sent from this session: it moves pts, nothing to archive from it here.
      return batch(
        [{ box: { kind: 'common' }, pts: tl.pts, ptsCount: tl.ptsCount, observations: [] }],
        [],
        0,
        0,
        tl.date,
      );
    default:
      return undefined;
  }
}

export function mapState(tl: any): UpdateState {
  return { pts: tl.pts, qts: tl.qts, date: tl.date, seq: tl.seq };
}

/** new_messages become items without pts (the difference's state carries the box forward). */
function differenceItems(tl: any, context: MapContext): UpdateItem[] {
  const messages: UpdateItem[] = (tl.newMessages ?? []).map((m: any) => ({
    observations: mapMessageObservations(m, context),
  }));
  const others: UpdateItem[] = (tl.otherUpdates ?? []).map((u: any) => {
    const item = mapUpdate(u, context);
    // Inside a difference the pts are already applied by the final state: keep only the signals.
    return item.channelTooLong
      ? { observations: item.observations, channelTooLong: item.channelTooLong }
      : { observations: item.observations };
  });
  return [...messages, ...others];
}

export function mapDifference(tl: any, context: MapContext): DifferenceResult {
  switch (tl?.className) {
    case 'updates.DifferenceEmpty':
      return { kind: 'empty', date: tl.date, seq: tl.seq };
    case 'updates.DifferenceTooLong':
      return { kind: 'tooLong', pts: tl.pts };
    case 'updates.Difference':
    case 'updates.DifferenceSlice':
      return {
        kind: 'difference',
        items: differenceItems(tl, context),
        entities: mapEntitiesOf(tl, context),
        state: mapState(tl.className === 'updates.Difference' ? tl.state : tl.intermediateState),
        final: tl.className === 'updates.Difference',
      };
    default:
      throw new Error(`unexpected getDifference answer ${tl?.className}`);
  }
}

export function mapChannelDifference(tl: any, context: MapContext): ChannelDifferenceResult {
  switch (tl?.className) {
    case 'updates.ChannelDifferenceEmpty':
      return { kind: 'empty', pts: tl.pts, final: Boolean(tl.final) };
    case 'updates.ChannelDifference':
      return {
        kind: 'difference',
        pts: tl.pts,
        final: Boolean(tl.final),
        items: differenceItems(tl, context),
        entities: mapEntitiesOf(tl, context),
      };
    case 'updates.ChannelDifferenceTooLong':
      return {
        kind: 'tooLong',
        pts: tl.dialog?.pts ?? 0,
        messages: (tl.messages ?? []).flatMap((m: any) => {
          const mapped = mapMessage(m, context);
          return mapped ? [mapped] : [];
        }),
        entities: mapEntitiesOf(tl, context),
      };
    default:
      throw new Error(`unexpected getChannelDifference answer ${tl?.className}`);
  }
}
