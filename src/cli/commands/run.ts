// `telegram-archive run`: the embedded default, every role in one process on the files in DATA_DIR
// (see run-mode.ts). `npm start` runs it.
import { UpdateStateFileError } from '../../ingest/index.ts';
import { MissingCredentialsError, NotAuthorizedError, SessionFileError } from '../../telegram/index.ts';
import { UnsafeBindingError, ViewerListenError } from '../../viewer/index.ts';
import { type Command, stringOption } from '../command.ts';
import { CliFailure } from '../run-cli.ts';
import { runArchive } from '../run-mode.ts';
import { parsePortOption } from './serve.ts';

export const runCommand: Command = {
  name: 'run',
  summary: 'Archive and serve in one process: listener, scheduled backfill, projector and viewer',
  description:
    'The embedded default on SQLite files under DATA_DIR. Records live updates, backfills on SCHEDULE ' +
    '(and once at start, and whenever the listener reports a gap), keeps the read model current and ' +
    'serves GraphiQL at /graphql with live subscriptions. Needs a session from `telegram-archive auth`. ' +
    'Ctrl-C stops every part in order, recording what is already queued.',
  options: {
    host: { type: 'string', valueName: 'address', description: 'Viewer address (overrides VIEWER_HOST)' },
    port: {
      type: 'string',
      valueName: 'number',
      description: 'Viewer port, 0 for any (overrides VIEWER_PORT)',
    },
  },
  examples: ['telegram-archive run', 'npm start', 'telegram-archive run --port 8081 --log-level debug'],
  run: async (context) => {
    const { config } = context.config();
    const logger = context.logger();
    if (!config.telegramApiId || !config.telegramApiHash)
      throw new CliFailure(new MissingCredentialsError().message);
    const port = parsePortOption(stringOption(context.options, 'port'), 'run');
    try {
      await runArchive({
        config,
        logger,
        signal: context.signal,
        host: stringOption(context.options, 'host'),
        port,
        onViewer: (viewer) => context.stdout.write(`GraphiQL: ${viewer.graphqlUrl}\n`),
        onListening: (account) =>
          context.stdout.write(`Archiving as user ${account.userId}. Press Ctrl-C to stop.\n`),
      });
      context.stdout.write('Stopped.\n');
      return 0;
    } catch (error) {
      if (
        error instanceof UnsafeBindingError ||
        error instanceof ViewerListenError ||
        error instanceof NotAuthorizedError ||
        error instanceof SessionFileError ||
        error instanceof UpdateStateFileError
      )
        throw new CliFailure(error.message);
      throw error;
    }
  },
};
