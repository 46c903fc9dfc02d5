// Deciders for chats and users: a new fact only when what is known differs from the last one.
// Observations that do not know a field (about, participant count, bot flag) keep the last value.
import type { NewEvent } from '../../events/envelope.ts';
import { canonicalJson, contentHash } from '../../events/ids.ts';
import type { ChatObservation, MigrationObservation, UserObservation } from '../../events/observations.ts';
import type { ChatObservedV1, UserObservedV1 } from '../../events/payloads.ts';
import { peerKey, streams } from '../../events/peers.ts';
import type { ChatState, UserState } from '../state.ts';
import { newEvent } from './events.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function decideChat(account: string, state: ChatState, observation: ChatObservation): NewEvent[] {
  const last = state.observed;
  const next: Mutable<ChatObservedV1> = {
    chat: observation.chat,
    chatType: observation.chatType,
    title: observation.title,
    forum: observation.forum,
  };
  if (observation.username) next.username = observation.username;
  if (observation.photoId) next.photoId = observation.photoId;
  const about = observation.about ?? last?.about;
  if (about !== undefined) next.about = about;
  const participants = observation.participantCount ?? last?.participantCount;
  if (participants !== undefined) next.participantCount = participants;
  if (last && canonicalJson(last) === canonicalJson(next)) return [];
  const stream = streams.chat(account, observation.chat);
  // The position keeps title A -> B -> A as three facts; a replay from the same state gets the same id.
  return [
    newEvent(stream, 'ChatObserved', `v${state.version + 1}:${contentHash(next)}`, next, observation.meta),
  ];
}

export function decideMigration(
  account: string,
  state: ChatState,
  observation: MigrationObservation,
): NewEvent[] {
  const { migration } = observation;
  if (state.migratedTo && peerKey(state.migratedTo) === peerKey(migration.to)) return [];
  const stream = streams.chat(account, migration.from);
  return [newEvent(stream, 'ChatMigrated', peerKey(migration.to), migration, observation.meta)];
}

export function decideUser(account: string, state: UserState, observation: UserObservation): NewEvent[] {
  const last = state.observed;
  const next: Mutable<UserObservedV1> = {
    userId: observation.userId,
    bot: observation.bot ?? last?.bot ?? false,
  };
  if (observation.firstName) next.firstName = observation.firstName;
  if (observation.lastName) next.lastName = observation.lastName;
  if (observation.username) next.username = observation.username;
  const deleted = observation.deleted ?? last?.deleted;
  if (deleted) next.deleted = true;
  if (last && canonicalJson(last) === canonicalJson(next)) return [];
  const stream = streams.user(account, observation.userId);
  return [
    newEvent(stream, 'UserObserved', `v${state.version + 1}:${contentHash(next)}`, next, observation.meta),
  ];
}
