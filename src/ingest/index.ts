// Ingest: turning what Telegram shows into events. The listener follows live updates (with the
// update-state tracker for gap recovery); the backfiller reads history; both record through the same
// recorder and deciders, so the same fact is stored once whichever saw it first. Both share one
// request budget (src/pacing) so together they stay inside Telegram's limits.

export { FloodWaitTooLongError, Pacer } from '../pacing/index.ts';
export { type BackfillComponents, backfillComponents } from './backfill/components.ts';
export { type BackfillDeps, type BackfillRequest, runBackfill } from './backfill/index.ts';
export { type BackfillService, startScheduledBackfill } from './backfill/service.ts';
export * from './deciders/index.ts';
export { type ListenerOptions, type ListenerSummary, runListener } from './listener.ts';
export { MediaWorker } from './media/index.ts';
export { EventStoreMessageLocator, type MessageLocator } from './message-locator.ts';
export { Recorder, type RecorderOptions, type RecordOutcome } from './recorder.ts';
export { SerialQueues } from './serial-queues.ts';
export * from './state.ts';
export {
  type PersistedUpdateState,
  UpdateStateFile,
  UpdateStateFileError,
  type UpdateStateStore,
  updateStatePath,
} from './update-state/state-file.ts';
export { type TrackerOptions, type TrackerSink, UpdateTracker } from './update-state/tracker.ts';
