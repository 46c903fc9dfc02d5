// DeletionMatch: how a deletion was tied to its chat.
import { builder } from '../builder.ts';

export const DeletionMatchEnum = builder.enumType('DeletionMatch', {
  values: {
    PEER: { value: 'peer', description: 'Telegram named the chat in the update' },
    LOOKUP: {
      value: 'lookup',
      description: 'Telegram sent only message ids; the chat was found in the archive',
    },
    VERIFY: { value: 'verify', description: 'A backfill verification found the message gone' },
  } as const,
});
