// EventSource: how the archive came to observe a fact.
import { builder } from '../builder.ts';

export const EventSourceEnum = builder.enumType('EventSource', {
  values: {
    LIVE: { value: 'live', description: 'Pushed by Telegram as it happened' },
    DIFFERENCE: { value: 'difference', description: 'Recovered after a gap or a restart (getDifference)' },
    BACKFILL: { value: 'backfill', description: 'Found while walking the history' },
    IMPORT: { value: 'import', description: 'Imported from an export file' },
  } as const,
});
