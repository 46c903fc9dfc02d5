// Ingest: turning what Telegram shows into events. The listener follows live updates (with the
// update-state tracker for gap recovery); the backfiller reads history; both record through the same
// recorder and deciders, so the same fact is stored once whichever saw it first.
export * from './deciders/index.ts';
export { type ListenerOptions, type ListenerSummary, runListener } from './listener.ts';
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
