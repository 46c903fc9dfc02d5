// Starting the viewer from the configuration: credentials and the exposure rule, the media
// directory, the app, and the listening server. `serve` and `run` both start it this way.
import { join } from 'node:path';
import type { Config } from '../config/index.ts';
import type { EventStore } from '../eventstore/port.ts';
import type { Logger } from '../log/logger.ts';
import { createViewerApp, GRAPHQL_PATH } from './app.ts';
import type { ReadModelSource } from './context.ts';
import type { AuthSettings } from './http/auth.ts';
import { assertSafeBinding } from './http/binding.ts';
import type { MediaLookup } from './http/media-route.ts';
import { listenViewer, type RunningViewer } from './listen.ts';
import type { LiveFeed } from './live.ts';

export type ViewerConfig = Pick<
  Config,
  | 'dataDir'
  | 'viewerHost'
  | 'viewerPort'
  | 'viewerToken'
  | 'viewerBasicAuth'
  | 'allowAnonymousViewer'
  | 'viewerCorsOrigins'
>;

export const authFrom = (config: ViewerConfig): AuthSettings => ({
  ...(config.viewerToken !== undefined ? { token: config.viewerToken } : {}),
  ...(config.viewerBasicAuth !== undefined ? { basic: config.viewerBasicAuth } : {}),
});

export const mediaDirectory = (config: Pick<Config, 'dataDir'>): string => join(config.dataDir, 'media');

export interface StartViewerOptions {
  readonly config: ViewerConfig;
  readonly readModel: ReadModelSource;
  readonly events: Pick<EventStore, 'readStream'>;
  readonly live: LiveFeed;
  readonly logger: Logger;
  /** Overrides of VIEWER_HOST / VIEWER_PORT (command-line flags). */
  readonly host?: string;
  readonly port?: number;
  readonly mediaLookup?: MediaLookup;
}

export interface StartedViewer extends RunningViewer {
  readonly graphqlUrl: string;
  readonly auth: AuthSettings;
}

/** Throws UnsafeBindingError before opening any socket when the exposure rule is broken. */
export async function startViewer(options: StartViewerOptions): Promise<StartedViewer> {
  const { config } = options;
  const host = options.host ?? config.viewerHost;
  const port = options.port ?? config.viewerPort;
  const auth = authFrom(config);
  assertSafeBinding(host, auth, config.allowAnonymousViewer);
  const app = createViewerApp(
    {
      readModel: options.readModel,
      events: options.events,
      live: options.live,
      mediaDir: mediaDirectory(config),
      ...(options.mediaLookup ? { mediaLookup: options.mediaLookup } : {}),
      logger: options.logger,
    },
    { auth, corsOrigins: config.viewerCorsOrigins },
  );
  const running = await listenViewer(app, host, port);
  options.logger.info(
    { url: running.url, auth: auth.token ? 'token' : auth.basic ? 'basic' : 'none' },
    'viewer listening',
  );
  return { ...running, graphqlUrl: `${running.url}${GRAPHQL_PATH}`, auth };
}
