// The viewer as one fetch handler: auth, then /media/<sha256>, then GraphQL (Yoga) with GraphiQL,
// SSE subscriptions, query limits and masked errors. Tests call app.fetch directly; `serve` and
// `run` put it behind a Node HTTP server (listen.ts).
import { randomUUID } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/sqlite';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { Media, MessageMedia } from '../../projections/index.ts';
import type { EventStore } from '../eventstore/port.ts';
import type { Logger } from '../log/logger.ts';
import { createContext, type ReadModelSource, type ViewerContext } from './context.ts';
import { maskViewerError } from './errors.ts';
import { DEFAULT_QUERY } from './graphiql.ts';
import type { AuthSettings } from './http/auth.ts';
import { graphiqlAllowed, HEALTH_PATH, useViewerAuth } from './http/auth-plugin.ts';
import { DEFAULT_LIMITS, type QueryLimits, useQueryLimits } from './http/limits.ts';
import { useMediaRoute } from './http/media-plugin.ts';
import type { MediaLookup } from './http/media-route.ts';
import type { LiveFeed } from './live.ts';
import { type MediaRow, type MessageMediaRow, selectRows } from './queries/rows.ts';
import { schema } from './schema/index.ts';

export const GRAPHQL_PATH = '/graphql';

export interface ViewerDependencies {
  /** The read-model copy to serve; asked once per request. */
  readonly readModel: ReadModelSource;
  readonly events: Pick<EventStore, 'readStream'>;
  readonly live: LiveFeed;
  readonly mediaDir: string;
  /** Which stored files exist; defaults to the read model's media table. */
  readonly mediaLookup?: MediaLookup;
  readonly logger: Logger;
}

export interface ViewerSettings {
  readonly auth: AuthSettings;
  /** Origins allowed by CORS; empty: same origin only. */
  readonly corsOrigins: readonly string[];
  readonly limits?: QueryLimits;
}

export type ViewerApp = YogaServerInstance<Record<string, unknown>, ViewerContext>;

export function createViewerApp(deps: ViewerDependencies, settings: ViewerSettings): ViewerApp {
  const log = deps.logger.child({ component: 'viewer' });
  const mediaLookup = deps.mediaLookup ?? readModelMediaLookup(deps.readModel);
  const graphiql = {
    title: 'telegram-archive',
    defaultQuery: DEFAULT_QUERY,
    subscriptionsProtocol: 'SSE' as const,
    ...(settings.auth.token !== undefined && settings.auth.basic === undefined
      ? { headers: JSON.stringify({ Authorization: 'Bearer <VIEWER_TOKEN>' }) }
      : {}),
  };
  return createYoga<Record<string, unknown>, ViewerContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    healthCheckEndpoint: HEALTH_PATH,
    landingPage: false,
    batching: false,
    maxRequestBodySize: 1024 * 1024,
    // The complexity rule depends on each request's variables, so validation results are not cached.
    parserAndValidationCache: { validationCache: false },
    cors:
      settings.corsOrigins.length === 0
        ? false
        : {
            origin: [...settings.corsOrigins],
            credentials: true,
            allowedHeaders: ['authorization', 'content-type'],
          },
    // Returning false lets the request go on to the auth plugin, which answers 401 with a challenge.
    graphiql: (request) => (graphiqlAllowed(request, settings.auth) ? graphiql : false),
    logging: {
      debug: (...args) => log.debug({ yoga: args.map(String) }, 'yoga'),
      info: (...args) => log.info({ yoga: args.map(String) }, 'yoga'),
      warn: (...args) => log.warn({ yoga: args.map(String) }, 'yoga'),
      error: (...args) => log.error({ yoga: args.map(String) }, 'yoga'),
    },
    maskedErrors: {
      errorMessage: 'Unexpected error',
      maskError: (error, message) =>
        maskViewerError(error, message, (cause) => {
          const reference = randomUUID();
          log.error({ err: cause, reference }, 'unexpected error in a GraphQL request');
          return reference;
        }),
    },
    plugins: [
      useViewerAuth(settings.auth),
      useMediaRoute(deps.mediaDir, mediaLookup),
      useQueryLimits(settings.limits ?? DEFAULT_LIMITS),
    ],
    context: () => createContext(deps.readModel, deps.events, deps.live),
  });
}

function readModelMediaLookup(readModel: ReadModelSource): MediaLookup {
  return async (sha256) => {
    const em = (await readModel()).orm.em.fork() as SqlEntityManager;
    const [media] = await selectRows<MediaRow, Media>(em, Media, { where: { sha256 }, limit: 1 });
    if (!media) return undefined;
    const [link] = await selectRows<MessageMediaRow, MessageMedia>(em, MessageMedia, {
      where: { media: sha256 },
      orderBy: { downloadedAt: 'asc' },
      limit: 1,
    });
    return {
      sha256: media.sha256,
      extension: media.extension,
      mimeType: media.mimeType,
      fileName: link?.fileName ?? null,
    };
  };
}
