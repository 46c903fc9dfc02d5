// Yoga plugin that guards every route except the health check with the configured credentials.
import type { Plugin } from 'graphql-yoga';
import { shouldRenderGraphiQL } from 'graphql-yoga';
import { type AuthSettings, authorize } from './auth.ts';

export const HEALTH_PATH = '/health';

export function useViewerAuth(settings: AuthSettings, graphqlPath: string): Plugin {
  // With a bearer token only, a browser cannot send credentials for the page itself: the GraphiQL
  // page (static HTML, no data) loads freely and asks for the token in its headers editor.
  const openShell = settings.token !== undefined && settings.basic === undefined;
  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname === HEALTH_PATH || request.method === 'OPTIONS') return;
      if (openShell && url.pathname === graphqlPath && !url.search && shouldRenderGraphiQL(request)) return;
      const decision = authorize(request.headers.get('authorization'), settings);
      if (decision.ok) return;
      endResponse(
        new Response(
          JSON.stringify({
            errors: [{ message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } }],
          }),
          {
            status: 401,
            headers: {
              'content-type': 'application/json; charset=utf-8',
              'www-authenticate': decision.challenge,
            },
          },
        ),
      );
    },
  };
}
