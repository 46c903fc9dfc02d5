// Pacing of Telegram requests: one request budget per process that the gateway, the backfill and the
// media archive share, FLOOD_WAIT pauses per method, and a clock that tests can drive. It lives
// outside src/telegram so the domain owns the budget and the gateway only receives it. Backoff for
// services that are down (the store, Kafka, Telegram reconnects, failed downloads) lives here too.
export { abortable, abortReason, type Clock, systemClock } from './clock.ts';
export { FloodWaitTooLongError, floodWaitSeconds } from './flood-wait.ts';
export { requestPacer } from './from-config.ts';
export {
  type CallLimits,
  type FloodWaitEvent,
  Pacer,
  type PacerOptions,
  type PacerStats,
  TokenBucket,
} from './pacer.ts';
