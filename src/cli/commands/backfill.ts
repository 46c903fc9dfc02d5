// `telegram-archive backfill`: fetch history that is not archived yet (or all of it, or re-check it)
// for chosen chats or every dialog. The work loads on use, so other commands start fast.
import type { Command } from '../command.ts';

export const backfillCommand: Command = {
  name: 'backfill',
  summary: 'Fetch missing history (or all of it, or re-check it) for chosen chats or every dialog',
  description:
    'By default catches each chat up to its newest message, then fills the holes in what is archived; ' +
    'a run that is stopped or killed continues where it stopped next time. Files go to DATA_DIR/media ' +
    'as they are found (MEDIA_TYPES, MAX_MEDIA_SIZE_MB, MEDIA_EXCLUDE_CHATS). Requests stay within ' +
    'REQUESTS_PER_SECOND; a FLOOD_WAIT pauses only the method that got it, and one longer than ' +
    'MAX_FLOOD_WAIT_SECONDS ends that chat for this run. A chat that cannot be found or read is ' +
    'reported and the others still run. Exit code 0 when every chat completed, 1 otherwise.',
  options: {
    chat: {
      type: 'string',
      multiple: true,
      valueName: 'id|@username|title',
      description:
        'A chat by Bot API id (users 123, groups -123, channels -100123), @username or exact title',
    },
    all: {
      type: 'boolean',
      description:
        'Every dialog that CHATS_INCLUDE, CHATS_EXCLUDE and CHAT_TYPES allow, plus pending gap requests',
    },
    full: { type: 'boolean', description: 'Fetch the whole history again, archived or not' },
    verify: {
      type: 'boolean',
      description:
        'Re-read what is archived: record edits, deletions (matched by verify) and reaction changes',
    },
    since: {
      type: 'string',
      valueName: 'date',
      description: 'Only messages from this day (YYYY-MM-DD, UTC) or time (ISO 8601) on',
    },
    until: {
      type: 'string',
      valueName: 'date',
      description: 'Only messages up to the end of this day (YYYY-MM-DD, UTC) or this time (ISO 8601)',
    },
  },
  examples: [
    'telegram-archive backfill --chat @durov',
    'telegram-archive backfill --chat -1001234567890 --chat "Family" --since 2024-01-01',
    'telegram-archive backfill --all',
    'telegram-archive backfill --all --verify --since 2024-05-01',
    'npm run backfill -- --chat @somechannel --full',
  ],
  run: async (context) => (await import('../../ingest/backfill/command.ts')).runBackfillCommand(context),
};
