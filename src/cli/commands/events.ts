// `telegram-archive events …`: look into the event log (tail, show), move it around (export,
// import, copy between SQLite, PostgreSQL and EventStoreDB). This file holds the command line and
// help; the work is loaded on use from ../events/, so other commands start without it.
import type { Command } from '../command.ts';

const tail: Command = {
  name: 'tail',
  summary: 'Follow new events as they are appended',
  description:
    'Prints events appended after it starts (or all of them with --from-start) and keeps waiting for more until Ctrl-C.',
  options: {
    jsonl: { type: 'boolean', description: 'One JSON envelope per line instead of a readable line' },
    'from-start': { type: 'boolean', description: 'Print the whole log first, then follow' },
    type: { type: 'string', multiple: true, valueName: 'EventType', description: 'Only events of this type' },
    'stream-prefix': {
      type: 'string',
      valueName: 'prefix',
      description: 'Only streams starting with this, e.g. chat-',
    },
  },
  examples: [
    'telegram-archive events tail',
    'telegram-archive events tail --from-start --type MessageEdited --type MessageDeleted',
    'telegram-archive events tail --stream-prefix message- --jsonl | jq .data.text',
  ],
  run: async (context) => (await import('../events/run.ts')).runTail(context),
};

const show: Command = {
  name: 'show',
  summary: "Print one stream's events",
  options: {
    stream: {
      type: 'string',
      valueName: 'stream',
      description: 'The stream, e.g. message-123.c456.789 (required)',
    },
    backwards: { type: 'boolean', description: 'Newest first' },
    'from-version': {
      type: 'string',
      valueName: 'n',
      description: 'Start at this stream version (inclusive)',
    },
    limit: { type: 'string', valueName: 'n', description: 'At most this many events' },
    jsonl: { type: 'boolean', description: 'One JSON envelope per line instead of a readable line' },
  },
  examples: [
    'telegram-archive events show --stream message-123.c456.789',
    'telegram-archive events show --stream chat-123.c456 --backwards --limit 1 --jsonl',
  ],
  run: async (context) => (await import('../events/run.ts')).runShow(context),
};

const exportCommand: Command = {
  name: 'export',
  summary: 'Write the whole log to a JSONL file, one envelope per line',
  description:
    'The file appears only when complete (written to FILE.tmp-<pid>, then renamed). Use - for standard output.',
  options: {
    jsonl: { type: 'string', valueName: 'FILE', description: 'Where to write (required; - for stdout)' },
  },
  examples: ['telegram-archive events export --jsonl backup.jsonl'],
  run: async (context) => (await import('../events/run.ts')).runExport(context),
};

const importCommand: Command = {
  name: 'import',
  summary: 'Append the events of a JSONL export to the configured store',
  description:
    'Every line is checked first; one bad line (named by number) means nothing is written. Events keep their ids, streams, versions and order; ids already in the store are skipped, so importing twice is harmless.',
  options: {
    jsonl: {
      type: 'string',
      valueName: 'FILE',
      description: 'The file written by `events export` (required)',
    },
    'batch-size': { type: 'string', valueName: 'n', description: 'Events per append (default 1000)' },
  },
  examples: ['telegram-archive events import --jsonl backup.jsonl'],
  run: async (context) => (await import('../events/run.ts')).runImport(context),
};

const copy: Command = {
  name: 'copy',
  summary: 'Copy a whole log from one store to another (SQLite, PostgreSQL, EventStoreDB)',
  description: [
    'Locations: a SQLite file path (or sqlite:PATH), postgres://user:pass@host/db, esdb://host:2113?tls=false.',
    'Events keep their ids, streams, versions and global order. A checkpoint file (default: DATA_DIR/copy-<pair>.checkpoint.json)',
    'is updated after every batch: run the same command again after a kill or Ctrl-C and it continues; events already in',
    'the target are skipped by id. At the end both logs are compared event by event.',
  ].join('\n'),
  options: {
    from: { type: 'string', valueName: 'location', description: 'The source store (required)' },
    to: { type: 'string', valueName: 'location', description: 'The target store (required)' },
    checkpoint: { type: 'string', valueName: 'FILE', description: 'Where the resume position is kept' },
    restart: { type: 'boolean', description: 'Ignore an existing checkpoint and start from the first event' },
    'batch-size': {
      type: 'string',
      valueName: 'n',
      description: 'Events per read and append (default 1000)',
    },
    'max-events': {
      type: 'string',
      valueName: 'n',
      description: 'Stop after this many events; the next run continues',
    },
    'skip-verify': { type: 'boolean', description: 'Do not compare the two logs at the end' },
  },
  examples: [
    'telegram-archive events copy --from data/events.sqlite --to postgres://archive@db/archive',
    "telegram-archive events copy --from postgres://archive@db/archive --to 'esdb://localhost:2113?tls=false'",
  ],
  run: async (context) => (await import('../events/run.ts')).runCopy(context),
};

export const eventsCommand: Command = {
  name: 'events',
  summary: 'Inspect, export, import and copy the event log',
  subcommands: [tail, show, exportCommand, importCommand, copy],
};
