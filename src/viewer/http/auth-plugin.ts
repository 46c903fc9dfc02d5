// Yoga plugin that guards every route except the health check with the configured credentials.
// (The GraphiQL page is rendered before plugins run; app.ts applies the same check to it.)
import type { Plugin } from 'graphql-yoga';
import { type AuthSettings, authorize } from './auth.ts';

export const HEALTH_PATH = '/health';

export function useViewerAuth(settings: AuthSettings): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname === HEALTH_PATH || request.method === 'OPTIONS') return;
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

/**
 * Whether the GraphiQL page may be shown. With a bearer token only, a browser cannot send
 * credentials for the page itself, so the page (static HTML, no data) loads freely and asks for
 * the token in its headers editor; otherwise the page needs the same credentials as the data.
 */
export function graphiqlAllowed(request: Request, settings: AuthSettings): boolean {
  if (settings.token !== undefined && settings.basic === undefined) return true;
  return authorize(request.headers.get('authorization'), settings).ok;
}
