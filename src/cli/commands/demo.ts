// `telegram-archive demo` (and `npm run demo`): the archive end to end against a simulated Telegram.
import type { Command } from '../command.ts';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Run the whole archive against a SIMULATED Telegram, with GraphiQL to explore it',
  description:
    'Starts a fake Telegram server on 127.0.0.1 with generated chats (a few thousand messages with ' +
    'photos and reactions), archives it in run mode (listener, backfill, projector, viewer) and keeps ' +
    'simulating new messages, edits, deletions and reactions until Ctrl-C. Nothing reaches Telegram; ' +
    'your own configuration and .env are not used. Data goes to a temporary directory (removed at ' +
    'the end) unless --data-dir names an empty one.',
  options: {
    port: { type: 'string', valueName: 'number', description: 'Viewer port (default 8080, 0 for any)' },
    'messages-per-chat': {
      type: 'string',
      valueName: 'n',
      description: 'History generated per chat (default 600)',
    },
    rate: {
      type: 'string',
      valueName: 'per-second',
      description: 'Simulated changes per second (default 1, 0: none)',
    },
    seed: { type: 'string', valueName: 'n', description: 'Seed of the generated world (default 42)' },
  },
  examples: [
    'npm run demo',
    'telegram-archive demo --port 0 --rate 5',
    'telegram-archive demo --data-dir ./demo-data',
  ],
  run: async (context) => (await import('../demo.ts')).runDemo(context),
};
