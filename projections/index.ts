// The read model: MikroORM tables derived from the event log by set-based projector handlers, kept
// in step with the log by a checkpointed runner, rebuildable into a fresh copy at any time.
// Readers (viewer, listener) open the active copy here; `projections run` keeps it current.
export { CheckpointConflictError, ProjectionHaltedError } from './apply.ts';
export { type ReadModelCopy, type ReadModelLocation, ReadModelUnavailableError } from './db/open.ts';
export * from './entities/index.ts';
export { type ChatAsOfOptions, chatAsOf, type MessageAsOf } from './history.ts';
export { chatKey, messageKey, parseChatKey, userKey } from './keys.ts';
export { findChatsForMessageIds, loadMessageStates, type MessageState } from './lookup.ts';
export {
  type CopyStatus,
  cleanupReadModel,
  ReadModelCommandError,
  readModelStatus,
  rebuildReadModel,
  runProjections,
  switchReadModel,
} from './manage.ts';
export type { AppliedEvent } from './model.ts';
export { type AppliedBatch, type CopySwitched, ProjectionNotifier } from './notifications.ts';
export { ActiveReadModel, openReadModel, readModelLocation } from './read-model.ts';
export { ProjectionRunner, type RunnerStatus } from './runner.ts';
export {
  InvalidSearchError,
  type SearchHit,
  type SearchOptions,
  type SearchPage,
  searchMessages,
} from './search/query.ts';
export type { Snippet } from './search/snippet.ts';
export { PROJECTIONS } from './versions.ts';
