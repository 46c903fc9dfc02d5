// The GraphQL viewer: a read-only window on the archive. Yoga + Pothos over the read model
// (projections/), the raw events from the event store, live changes over SSE, and /media files.
export {
  createViewerApp,
  GRAPHQL_PATH,
  type ViewerApp,
  type ViewerDependencies,
  type ViewerSettings,
} from './app.ts';
export type { ReadModelSource, ViewerContext } from './context.ts';
export { UnsafeBindingError } from './http/binding.ts';
export { ViewerListenError } from './listen.ts';
export { type LiveFeed, liveFeedFrom } from './live.ts';
export { followCheckpoints } from './live-follow.ts';
export { printViewerSchema } from './schema/index.ts';
export { authFrom, mediaDirectory, type StartedViewer, startViewer } from './start.ts';
