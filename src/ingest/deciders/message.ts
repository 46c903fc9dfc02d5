// Deciders for one message: (current state, observation) -> the events that record a real change.
// They do not care where the observation came from (live update, difference, history page): the
// same fact gives the same event id, so listener and backfiller never record it twice.
import type { NewEvent } from '../../events/envelope.ts';
import type { MessageObservation, ObservationMeta, ReactionsSnapshot } from '../../events/observations.ts';
import type { DeletionMatch, MessageEditedV1 } from '../../events/payloads.ts';
import { type PeerRef, streams } from '../../events/peers.ts';
import { EMPTY_REACTIONS_HASH, type MessageState, messageContentHash, reactionsHash } from '../state.ts';
import { newEvent } from './events.ts';

const time = (iso: string | undefined): number => (iso === undefined ? 0 : Date.parse(iso));

/** A whole message seen: created, edited, reactions and pin state, each only when it changed. */
export function decideMessage(
  account: string,
  state: MessageState,
  observation: MessageObservation,
): NewEvent[] {
  const { message, meta } = observation;
  const stream = streams.message(account, message.chat, message.messageId);
  const events: NewEvent[] = [];
  let version = state.version;
  const next = () => `v${++version}`;
  if (!state.created) {
    events.push(newEvent(stream, 'MessageCreated', '', message, meta));
    version += 1;
  } else if (!state.deleted) {
    const hash = messageContentHash(message);
    // An observation older than what we hold (a history page read before a live edit) is not an edit.
    const notOlder = time(message.editDate) >= time(state.editDate);
    if (hash !== state.contentHash && notOlder) {
      const edited: MessageEditedV1 = {
        chat: message.chat,
        messageId: message.messageId,
        text: message.text,
        entities: message.entities,
        ...(message.media ? { media: message.media } : {}),
        ...(message.editDate ? { editDate: message.editDate } : {}),
        contentHash: hash,
      };
      events.push(newEvent(stream, 'MessageEdited', `${message.editDate ?? ''}:${hash}`, edited, meta));
      version += 1;
    }
  }
  if (state.deleted) return events;
  const currentReactions = state.reactionsHash ?? EMPTY_REACTIONS_HASH;
  if (observation.reactions && reactionsHash(observation.reactions) !== currentReactions) {
    events.push(reactionsEvent(stream, message.chat, message.messageId, observation.reactions, meta, next()));
  }
  if (observation.pinned !== undefined && observation.pinned !== state.pinned) {
    const type = observation.pinned ? 'MessagePinned' : 'MessageUnpinned';
    events.push(newEvent(stream, type, next(), { chat: message.chat, messageId: message.messageId }, meta));
  }
  return events;
}

function reactionsEvent(
  stream: string,
  chat: PeerRef,
  messageId: number,
  snapshot: ReactionsSnapshot,
  meta: ObservationMeta,
  position: string,
): NewEvent {
  const snapshotHash = reactionsHash(snapshot);
  // The snapshot hash alone would make A -> B -> A collide with the first A; the stream position
  // keeps each change distinct while a replay of the same change (same state) gets the same id.
  return newEvent(
    stream,
    'MessageReactionsChanged',
    `${position}:${snapshotHash}`,
    {
      chat,
      messageId,
      reactions: snapshot.reactions,
      ...(snapshot.recent ? { recent: snapshot.recent } : {}),
      snapshotHash,
    },
    meta,
  );
}

/** A reaction snapshot for one message (UpdateMessageReactions). */
export function decideReactions(
  account: string,
  state: MessageState,
  chat: PeerRef,
  messageId: number,
  snapshot: ReactionsSnapshot,
  meta: ObservationMeta,
): NewEvent[] {
  if (state.deleted) return [];
  if (reactionsHash(snapshot) === (state.reactionsHash ?? EMPTY_REACTIONS_HASH)) return [];
  const stream = streams.message(account, chat, messageId);
  return [reactionsEvent(stream, chat, messageId, snapshot, meta, `v${state.version + 1}`)];
}

export function decidePin(
  account: string,
  state: MessageState,
  chat: PeerRef,
  messageId: number,
  pinned: boolean,
  meta: ObservationMeta,
): NewEvent[] {
  if (state.deleted || state.pinned === pinned) return [];
  const stream = streams.message(account, chat, messageId);
  const type = pinned ? 'MessagePinned' : 'MessageUnpinned';
  return [newEvent(stream, type, `v${state.version + 1}`, { chat, messageId }, meta)];
}

/** A deletion is recorded once, whether or not the message itself was ever seen. */
export function decideDeletion(
  account: string,
  state: MessageState,
  chat: PeerRef,
  messageId: number,
  matchedBy: DeletionMatch,
  meta: ObservationMeta,
): NewEvent[] {
  if (state.deleted) return [];
  const stream = streams.message(account, chat, messageId);
  return [
    newEvent(stream, 'MessageDeleted', '', { chat, messageId, observedAt: meta.observedAt, matchedBy }, meta),
  ];
}
