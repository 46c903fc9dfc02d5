// Reactions: TL MessageReactions to a full snapshot of counts (never a delta).
import type { ReactionsSnapshot } from '../../events/observations.ts';
import type { ReactionCount, RecentReactor } from '../../events/payloads.ts';
import { idString, isoDate, peerOf } from './common.ts';

/** An emoji, `custom:<documentId>`, `paid`; undefined for ReactionEmpty. */
export function reactionKey(tl: any): string | undefined {
  switch (tl?.className) {
    case 'ReactionEmoji':
      return tl.emoticon;
    case 'ReactionCustomEmoji':
      return `custom:${idString(tl.documentId)}`;
    case 'ReactionPaid':
      return 'paid';
    default:
      return undefined;
  }
}

export function mapReactions(tl: any): ReactionsSnapshot {
  if (!tl) return { reactions: [] };
  const reactions: ReactionCount[] = [];
  for (const result of tl.results ?? []) {
    const reaction = reactionKey(result.reaction);
    if (reaction === undefined) continue;
    reactions.push(
      result.chosenOrder !== undefined && result.chosenOrder !== null
        ? { reaction, count: result.count, chosenByMe: true }
        : { reaction, count: result.count },
    );
  }
  const recent: RecentReactor[] = [];
  for (const item of tl.recentReactions ?? []) {
    const reaction = reactionKey(item.reaction);
    const by = peerOf(item.peerId);
    if (reaction === undefined || !by) continue;
    recent.push({ reaction, peer: by, date: isoDate(item.date) });
  }
  return recent.length ? { reactions, recent } : { reactions };
}
