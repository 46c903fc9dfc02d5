// Facts on the account stream: the account linked, deletions that matched no message, gaps found.
import type { NewEvent } from '../../events/envelope.ts';
import type { ObservationMeta } from '../../events/observations.ts';
import type { AccountLinkedV1, GapDetectedV1 } from '../../events/payloads.ts';
import { peerKey, streams } from '../../events/peers.ts';
import { newEvent } from './events.ts';

export function decideAccountLinked(
  account: string,
  alreadyLinked: boolean,
  linked: AccountLinkedV1,
  meta: ObservationMeta,
): NewEvent[] {
  if (alreadyLinked) return [];
  return [newEvent(streams.account(account), 'AccountLinked', linked.userId, linked, meta)];
}

/** Ids of a peerless deletion that match no known message: kept, never dropped. */
export function decideUnresolvedDeletion(
  account: string,
  messageIds: readonly number[],
  reason: string,
  meta: ObservationMeta,
): NewEvent[] {
  if (messageIds.length === 0) return [];
  const ids = [...new Set(messageIds)].sort((a, b) => a - b);
  // Message ids of the common box are never reused, so the ids alone identify this deletion.
  return [
    newEvent(
      streams.account(account),
      'DeletionUnresolved',
      ids.join(','),
      { messageIds: ids, observedAt: meta.observedAt, reason },
      meta,
    ),
  ];
}

export function decideGap(account: string, gap: GapDetectedV1, meta: ObservationMeta): NewEvent[] {
  const discriminator = [
    gap.reason,
    gap.chat ? peerKey(gap.chat) : '*',
    gap.fromPts ?? '',
    gap.toPts ?? '',
  ].join(':');
  return [newEvent(streams.account(account), 'GapDetected', discriminator, gap, meta)];
}
