// Yoga plugin that answers /media/<sha256> before GraphQL sees the request.
import type { Plugin } from 'graphql-yoga';
import { MEDIA_PREFIX, type MediaLookup, serveMedia } from './media-route.ts';

export function useMediaRoute(mediaDir: string, lookup: MediaLookup): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname.startsWith(MEDIA_PREFIX)) endResponse(await serveMedia(request, mediaDir, lookup));
    },
  };
}
