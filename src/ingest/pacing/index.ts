// Pacing of Telegram requests for the backfill and the media archive: one request budget shared by
// every caller, FLOOD_WAIT pauses per method, and a clock that tests can drive.
export { abortable, abortReason, type Clock, systemClock } from './clock.ts';
export { FloodWaitTooLongError, floodWaitSeconds } from './flood-wait.ts';
export { type FloodWaitEvent, Pacer, type PacerOptions, type PacerStats, TokenBucket } from './pacer.ts';
