// MediaKind: the kind of attachment a message carries.
import { builder } from '../builder.ts';

const kinds = [
  'photo',
  'video',
  'document',
  'voice',
  'audio',
  'sticker',
  'animation',
  'round',
  'webpage',
  'geo',
  'contact',
  'poll',
  'dice',
  'other',
] as const;

export const MediaKindEnum = builder.enumType('MediaKind', {
  values: Object.fromEntries(kinds.map((kind) => [kind.toUpperCase(), { value: kind }])) as Record<
    Uppercase<(typeof kinds)[number]>,
    { value: (typeof kinds)[number] }
  >,
});
