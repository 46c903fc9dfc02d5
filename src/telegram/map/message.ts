// Messages: TL Message / MessageService (and the short update forms) to a MessageObservation in the
// MessageCreated payload shape, plus the migration a service message announces.
import type { MessageObservation, MigrationObservation, Observation } from '../../events/observations.ts';
import type { ForwardOrigin, MessageCreatedV1, ReplyTo, ServiceAction } from '../../events/payloads.ts';
import { type PeerRef, peer } from '../../events/peers.ts';
import {
  idString,
  isoDate,
  lowerCamelAfter,
  type MapContext,
  meta,
  optionalId,
  peerOf,
  primitiveFields,
} from './common.ts';
import { mapEntities } from './entities.ts';
import { mapMedia } from './media.ts';
import { mapReactions } from './reactions.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function replyTo(tl: any): ReplyTo | undefined {
  if (tl?.className !== 'MessageReplyHeader') return undefined;
  const out: Mutable<ReplyTo> = {};
  // In a forum a message in a topic "replies" to the topic's first message; a real reply inside the
  // topic names the topic in reply_to_top_id.
  if (tl.forumTopic) {
    out.topicId = tl.replyToTopId ?? tl.replyToMsgId;
    if (tl.replyToTopId !== undefined && tl.replyToMsgId !== undefined) out.messageId = tl.replyToMsgId;
  } else {
    if (tl.replyToMsgId !== undefined) out.messageId = tl.replyToMsgId;
    if (tl.replyToTopId !== undefined) out.topicId = tl.replyToTopId;
  }
  const other = peerOf(tl.replyToPeerId);
  if (other) out.peer = other;
  if (typeof tl.quoteText === 'string') out.quoteText = tl.quoteText;
  return Object.keys(out).length ? out : undefined;
}

function forward(tl: any): ForwardOrigin | undefined {
  if (tl?.className !== 'MessageFwdHeader') return undefined;
  const out: Mutable<ForwardOrigin> = { date: isoDate(tl.date) };
  const from = peerOf(tl.fromId);
  if (from) out.from = from;
  if (typeof tl.fromName === 'string') out.fromName = tl.fromName;
  if (tl.channelPost !== undefined) out.channelPostId = tl.channelPost;
  if (typeof tl.postAuthor === 'string') out.postAuthor = tl.postAuthor;
  return out;
}

export function mapServiceAction(tl: any): ServiceAction {
  const type = lowerCamelAfter('MessageAction', String(tl?.className ?? 'MessageActionEmpty'));
  const details = primitiveFields(tl);
  if (tl?.photo?.className === 'Photo') details.photoId = idString(tl.photo.id);
  return Object.keys(details).length ? { type, details } : { type };
}

/** Who sent it: from_id when present; in a private chat without one, us or the other side. */
function senderOf(tl: any, chat: PeerRef, selfId: string): PeerRef | undefined {
  const from = peerOf(tl.fromId);
  if (from) return from;
  if (chat.kind === 'user') return tl.out ? peer('user', selfId) : chat;
  return undefined;
}

function migrationOf(tl: any, chat: PeerRef, context: MapContext): MigrationObservation | undefined {
  const action = tl.action;
  if (action?.className === 'MessageActionChatMigrateTo' && chat.kind === 'group') {
    return {
      kind: 'migration',
      migration: { from: chat, to: peer('channel', idString(action.channelId)), lastMessageId: tl.id },
      meta: meta(context, tl),
    };
  }
  if (action?.className === 'MessageActionChannelMigrateFrom' && chat.kind === 'channel') {
    return {
      kind: 'migration',
      migration: { from: peer('group', idString(action.chatId)), to: chat },
      meta: meta(context, tl),
    };
  }
  return undefined;
}

/** A full message; MessageEmpty (a deleted or inaccessible id) maps to nothing. */
export function mapMessage(tl: any, context: MapContext): MessageObservation | undefined {
  if (tl?.className !== 'Message' && tl?.className !== 'MessageService') return undefined;
  const chat = peerOf(tl.peerId);
  if (!chat) return undefined;
  const isService = tl.className === 'MessageService';
  const media = isService ? undefined : mapMedia(tl.media);
  const message: Mutable<MessageCreatedV1> = {
    chat,
    messageId: tl.id,
    date: isoDate(tl.date),
    outgoing: Boolean(tl.out),
    text: isService ? '' : (tl.message ?? ''),
    entities: isService ? [] : mapEntities(tl.entities),
  };
  const sender = senderOf(tl, chat, context.selfId);
  if (sender) message.sender = sender;
  if (media) message.media = media.descriptor;
  const reply = replyTo(tl.replyTo);
  if (reply) message.replyTo = reply;
  const fwd = forward(tl.fwdFrom);
  if (fwd) message.forward = fwd;
  if (tl.groupedId !== undefined && tl.groupedId !== null) message.groupedId = idString(tl.groupedId);
  if (tl.viaBotId !== undefined && tl.viaBotId !== null) message.viaBotId = optionalId(tl.viaBotId);
  if (typeof tl.postAuthor === 'string') message.postAuthor = tl.postAuthor;
  if (typeof tl.views === 'number') message.views = tl.views;
  if (typeof tl.forwards === 'number') message.forwards = tl.forwards;
  if (typeof tl.editDate === 'number' && tl.editDate > 0) message.editDate = isoDate(tl.editDate);
  if (isService) message.service = mapServiceAction(tl.action);
  const observation: Mutable<MessageObservation> = {
    kind: 'message',
    message,
    reactions: mapReactions(tl.reactions),
    meta: meta(context, tl),
  };
  if (!isService) observation.pinned = Boolean(tl.pinned);
  if (media?.location) observation.mediaLocation = media.location;
  return observation;
}

/** The message and whatever else it announces (a migration). */
export function mapMessageObservations(tl: any, context: MapContext): Observation[] {
  const observation = mapMessage(tl, context);
  if (!observation) return [];
  const migration = migrationOf(tl, observation.message.chat, context);
  return migration ? [observation, migration] : [observation];
}

/**
 * UpdateShortMessage / UpdateShortChatMessage: a text message without media, reactions or pin state
 * (those stay unknown, so deciders leave them alone).
 */
export function mapShortMessage(tl: any, context: MapContext): MessageObservation | undefined {
  let chat: PeerRef;
  let sender: PeerRef;
  if (tl?.className === 'UpdateShortMessage') {
    chat = peer('user', idString(tl.userId));
    sender = tl.out ? peer('user', context.selfId) : chat;
  } else if (tl?.className === 'UpdateShortChatMessage') {
    chat = peer('group', idString(tl.chatId));
    sender = peer('user', idString(tl.fromId));
  } else return undefined;
  const message: Mutable<MessageCreatedV1> = {
    chat,
    messageId: tl.id,
    date: isoDate(tl.date),
    sender,
    outgoing: Boolean(tl.out),
    text: tl.message ?? '',
    entities: mapEntities(tl.entities),
  };
  const reply = replyTo(tl.replyTo);
  if (reply) message.replyTo = reply;
  const fwd = forward(tl.fwdFrom);
  if (fwd) message.forward = fwd;
  if (tl.viaBotId !== undefined && tl.viaBotId !== null) message.viaBotId = optionalId(tl.viaBotId);
  return { kind: 'message', message, meta: meta(context, tl) };
}
