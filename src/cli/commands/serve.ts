// `telegram-archive serve`: the GraphQL viewer on its own, over the active read-model copy, next to
// a projector running elsewhere (`projections run`, or another container).
import { once } from 'node:events';
import { ReadModelUnavailableError } from '../../../projections/db/open.ts';
import { ActiveReadModel } from '../../../projections/read-model.ts';
import { assertSafeBinding } from '../../viewer/http/binding.ts';
import {
  authFrom,
  followCheckpoints,
  startViewer,
  UnsafeBindingError,
  ViewerListenError,
} from '../../viewer/index.ts';
import { type Command, stringOption, UsageError } from '../command.ts';
import { openEventStoreWhenReachable } from '../open-store.ts';
import { CliFailure } from '../run-cli.ts';

export function parsePortOption(value: string | undefined, command: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65535) {
    throw new UsageError(`--port must be a port number from 0 to 65535, got '${value}'.`, command);
  }
  return port;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the GraphQL viewer (GraphiQL, SSE subscriptions, /media) over the read model',
  description:
    'Opens the active read-model copy and the event store read-only and serves GraphQL at /graphql. ' +
    'Beyond loopback it requires VIEWER_TOKEN or VIEWER_BASIC_AUTH (or ALLOW_ANONYMOUS_VIEWER=true). ' +
    'Live subscriptions follow the read model as another process projects into it. Stops on Ctrl-C.',
  options: {
    host: { type: 'string', valueName: 'address', description: 'Address to bind (overrides VIEWER_HOST)' },
    port: {
      type: 'string',
      valueName: 'number',
      description: 'Port to listen on, 0 for any (overrides VIEWER_PORT)',
    },
  },
  examples: ['telegram-archive serve', 'VIEWER_TOKEN=… telegram-archive serve --host 0.0.0.0 --port 8080'],
  run: async (context) => {
    const { config } = context.config();
    const logger = context.logger();
    const port = parsePortOption(stringOption(context.options, 'port'), 'serve');
    const host = stringOption(context.options, 'host');
    // Refuse an unsafe exposure before touching any data.
    try {
      assertSafeBinding(host ?? config.viewerHost, authFrom(config), config.allowAnonymousViewer);
    } catch (error) {
      if (error instanceof UnsafeBindingError) throw new CliFailure(error.message);
      throw error;
    }
    const store = await openEventStoreWhenReachable(config, logger, context.signal);
    if (!store) return 0; // stopped while waiting for the store
    let readModel: ActiveReadModel | undefined;
    let live: ReturnType<typeof followCheckpoints> | undefined;
    try {
      readModel = await ActiveReadModel.open(config);
      const source = () => readModel!.current();
      live = followCheckpoints({ readModel: source, store, logger });
      const viewer = await startViewer({
        config,
        readModel: source,
        events: store,
        live,
        logger,
        host,
        port,
      });
      context.stdout.write(`GraphiQL: ${viewer.graphqlUrl}\nPress Ctrl-C to stop.\n`);
      if (!context.signal.aborted) await once(context.signal, 'abort');
      context.stdout.write('Stopping the viewer…\n');
      await viewer.close();
      return 0;
    } catch (error) {
      if (error instanceof UnsafeBindingError || error instanceof ViewerListenError)
        throw new CliFailure(error.message);
      if (error instanceof ReadModelUnavailableError) {
        throw new CliFailure(`${error.message}. The viewer serves the read model; build it first.`);
      }
      throw error;
    } finally {
      live?.close();
      await readModel?.close();
      await store.close();
    }
  },
};
