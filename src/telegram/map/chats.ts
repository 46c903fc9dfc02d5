// Chats and users: TL Chat / Channel / User (and their forbidden forms) to observations. Min
// constructors carry partial data (no access hash, maybe no username) and are skipped.
import type {
  ChatObservation,
  MigrationObservation,
  Observation,
  UserObservation,
} from '../../events/observations.ts';
import { peer } from '../../events/peers.ts';
import { idString, type MapContext, meta } from './common.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The first active username: `username` or, for collectible usernames, the `usernames` list. */
function usernameOf(tl: any): string | undefined {
  if (typeof tl.username === 'string' && tl.username !== '') return tl.username;
  const active = (tl.usernames ?? []).find((u: any) => u.active);
  return active?.username;
}

const photoIdOf = (photo: any): string | undefined =>
  photo?.className === 'ChatPhoto' || photo?.className === 'UserProfilePhoto'
    ? idString(photo.photoId)
    : undefined;

export function mapChat(tl: any, context: MapContext): Observation[] {
  switch (tl?.className) {
    case 'Chat': {
      const observation: Mutable<ChatObservation> = {
        kind: 'chat',
        chat: peer('group', idString(tl.id)),
        chatType: 'group',
        title: tl.title ?? '',
        forum: false,
        participantCount: tl.participantsCount,
        meta: meta(context, tl),
      };
      const photoId = photoIdOf(tl.photo);
      if (photoId) observation.photoId = photoId;
      const out: Observation[] = [observation];
      if (tl.migratedTo?.channelId !== undefined) {
        const migration: MigrationObservation = {
          kind: 'migration',
          migration: { from: observation.chat, to: peer('channel', idString(tl.migratedTo.channelId)) },
          meta: meta(context, tl),
        };
        out.push(migration);
      }
      return out;
    }
    case 'ChatForbidden':
      return [
        {
          kind: 'chat',
          chat: peer('group', idString(tl.id)),
          chatType: 'group',
          title: tl.title ?? '',
          forum: false,
          meta: meta(context, tl),
        },
      ];
    case 'Channel': {
      if (tl.min) return [];
      const observation: Mutable<ChatObservation> = {
        kind: 'chat',
        chat: peer('channel', idString(tl.id)),
        chatType: tl.broadcast ? 'channel' : 'supergroup',
        title: tl.title ?? '',
        forum: Boolean(tl.forum),
        meta: meta(context, tl),
      };
      const username = usernameOf(tl);
      if (username) observation.username = username;
      const photoId = photoIdOf(tl.photo);
      if (photoId) observation.photoId = photoId;
      if (typeof tl.participantsCount === 'number') observation.participantCount = tl.participantsCount;
      return [observation];
    }
    case 'ChannelForbidden':
      return [
        {
          kind: 'chat',
          chat: peer('channel', idString(tl.id)),
          chatType: tl.broadcast ? 'channel' : 'supergroup',
          title: tl.title ?? '',
          forum: false,
          meta: meta(context, tl),
        },
      ];
    default:
      return [];
  }
}

export function mapUser(tl: any, context: MapContext): UserObservation | undefined {
  if (tl?.className !== 'User' || tl.min) return undefined;
  const observation: Mutable<UserObservation> = {
    kind: 'user',
    userId: idString(tl.id),
    bot: Boolean(tl.bot),
    deleted: Boolean(tl.deleted),
    meta: meta(context, tl),
  };
  if (typeof tl.firstName === 'string') observation.firstName = tl.firstName;
  if (typeof tl.lastName === 'string' && tl.lastName !== '') observation.lastName = tl.lastName;
  const username = usernameOf(tl);
  if (username) observation.username = username;
  return observation;
}

/** Users and chats that come with any answer or Updates container. */
export function mapEntitiesOf(
  container: { users?: readonly any[]; chats?: readonly any[] },
  context: MapContext,
): Observation[] {
  const out: Observation[] = [];
  for (const user of container.users ?? []) {
    const mapped = mapUser(user, context);
    if (mapped) out.push(mapped);
  }
  for (const chat of container.chats ?? []) out.push(...mapChat(chat, context));
  return out;
}

/** The full chat (channels.getFullChannel / messages.getFullChat): about and participant count. */
export function mapFullChat(tl: any, context: MapContext): Observation[] {
  const full = tl?.fullChat;
  const chats = mapEntitiesOf(tl ?? {}, context);
  const id = full ? idString(full.id) : undefined;
  return chats.map((observation) => {
    if (observation.kind !== 'chat' || observation.chat.id !== id) return observation;
    const enriched: Mutable<ChatObservation> = { ...observation, about: full.about ?? '' };
    if (full.className === 'ChannelFull' && typeof full.participantsCount === 'number')
      enriched.participantCount = full.participantsCount;
    if (full.className === 'ChatFull' && full.participants?.participants)
      enriched.participantCount = full.participants.participants.length;
    return enriched;
  });
}

export { privateChatOf } from '../../events/observations.ts';
