// Handlers for chat and user streams: the chat as last observed, migrations between a basic group
// and its supergroup, and users with their name history.
import type { StoredEventOf } from '../../src/events/envelope.ts';
import type { PeerRef } from '../../src/events/peers.ts';
import { userKey } from '../keys.ts';
import type { Millis } from '../model.ts';
import type { BatchDraft } from './draft.ts';

/** Returns false when the event was already applied (redelivery). */
export function chatObserved(
  draft: BatchDraft,
  account: string,
  event: StoredEventOf<'ChatObserved'>,
  observedAt: Millis,
): boolean {
  const d = event.data;
  const chat = draft.chat(account, d.chat);
  if (event.streamVersion <= chat.streamVersion) return false;
  chat.type = d.chatType;
  chat.title = d.title;
  // A username or photo that is absent was removed; about and the participant count come from a
  // separate full-info request, so an observation without them leaves the last known values.
  chat.username = d.username ?? null;
  chat.photoId = d.photoId ?? null;
  chat.about = d.about ?? chat.about;
  chat.participantCount = d.participantCount ?? chat.participantCount;
  chat.forum = d.forum;
  chat.firstObservedAt ??= observedAt;
  chat.observedAt = observedAt;
  chat.streamVersion = event.streamVersion;
  draft.touchChat(chat);
  return true;
}

export function chatMigrated(
  draft: BatchDraft,
  account: string,
  streamChat: PeerRef,
  event: StoredEventOf<'ChatMigrated'>,
): boolean {
  const guard = draft.chat(account, streamChat);
  if (event.streamVersion <= guard.streamVersion) return false;
  const from = draft.chat(account, event.data.from);
  const to = draft.chat(account, event.data.to);
  from.migratedTo = to.id;
  to.migratedFrom = from.id;
  guard.streamVersion = event.streamVersion;
  for (const chat of [guard, from, to]) draft.touchChat(chat);
  return true;
}

export function userObserved(
  draft: BatchDraft,
  account: string,
  event: StoredEventOf<'UserObserved'>,
  observedAt: Millis,
): boolean {
  const d = event.data;
  const id = userKey(account, d.userId);
  const names = {
    firstName: d.firstName ?? null,
    lastName: d.lastName ?? null,
    username: d.username ?? null,
  };
  const user = draft.findUser(id);
  if (user && event.streamVersion <= user.streamVersion) return false;
  if (!user) {
    draft.addName({ id: event.id, user: id, ...names, validFrom: observedAt, validTo: null });
    draft.putUser({
      id,
      account,
      userId: d.userId,
      ...names,
      bot: d.bot,
      deleted: d.deleted ?? false,
      firstObservedAt: observedAt,
      observedAt,
      currentNameId: event.id,
      nameSince: observedAt,
      streamVersion: event.streamVersion,
    });
    return true;
  }
  if (
    user.firstName !== names.firstName ||
    user.lastName !== names.lastName ||
    user.username !== names.username
  ) {
    const since = Math.max(observedAt, user.nameSince);
    draft.closeName(user.currentNameId, since);
    draft.addName({ id: event.id, user: id, ...names, validFrom: since, validTo: null });
    Object.assign(user, names, { currentNameId: event.id, nameSince: since });
  }
  user.bot = d.bot;
  user.deleted = d.deleted ?? false;
  user.observedAt = observedAt;
  user.streamVersion = event.streamVersion;
  draft.putUser(user);
  return true;
}
