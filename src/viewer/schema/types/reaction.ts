// Reaction: how many people reacted with one emoji (or custom emoji, or a paid star).
import { builder } from '../builder.ts';

export interface ReactionShape {
  readonly reaction: string;
  readonly count: number;
  readonly chosenByMe?: boolean | null;
}

export const ReactionRef = builder.objectRef<ReactionShape>('Reaction').implement({
  fields: (t) => ({
    reaction: t.exposeString('reaction', {
      description: 'An emoji, custom:<documentId> for a custom emoji, or paid',
    }),
    emoji: t.string({
      nullable: true,
      description: 'The emoji, when it is a plain one',
      resolve: (r) => (r.reaction === 'paid' || r.reaction.startsWith('custom:') ? null : r.reaction),
    }),
    customEmojiId: t.string({
      nullable: true,
      resolve: (r) => (r.reaction.startsWith('custom:') ? r.reaction.slice('custom:'.length) : null),
    }),
    count: t.exposeInt('count'),
    chosenByMe: t.boolean({ resolve: (r) => r.chosenByMe ?? false }),
  }),
});
