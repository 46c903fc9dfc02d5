// Recognising Telegram's FLOOD_WAIT wherever it comes from, and the typed error for a wait too long
// to sit through. The gateway may map errors to its own classes; duck typing keeps this module
// independent of them and of gramjs.

/** A FLOOD_WAIT longer than MAX_FLOOD_WAIT_SECONDS: this chat's run ends here and the next run resumes. */
export class FloodWaitTooLongError extends Error {
  readonly method: string;
  readonly seconds: number;
  /** When the method may be called again (ms since the epoch). */
  readonly retryAt: number;
  readonly limitSeconds: number;
  constructor(method: string, seconds: number, retryAt: number, limitSeconds: number) {
    super(
      `Telegram asked to wait ${seconds} s before calling ${method} again, more than MAX_FLOOD_WAIT_SECONDS=${limitSeconds}; ` +
        `stopping here, the next run resumes after ${new Date(retryAt).toISOString()}`,
    );
    this.name = 'FloodWaitTooLongError';
    this.method = method;
    this.seconds = seconds;
    this.retryAt = retryAt;
    this.limitSeconds = limitSeconds;
  }
}

const FLOOD_MESSAGE = /\bFLOOD_(?:PREMIUM_)?WAIT_(\d+)\b|A wait of (\d+) seconds is required/;

/** The number of seconds a FLOOD_WAIT error asks for, or undefined when `error` is something else. */
export function floodWaitSeconds(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as {
    name?: unknown;
    floodWaitSeconds?: unknown;
    seconds?: unknown;
    errorMessage?: unknown;
    message?: unknown;
    code?: unknown;
  };
  if (typeof e.floodWaitSeconds === 'number') return e.floodWaitSeconds;
  // The gateway gives up on a FLOOD_WAIT over the caller's limit with this error and the seconds.
  if (e.name === 'FloodWaitTooLongError' && typeof e.seconds === 'number') return e.seconds;
  if (typeof e.seconds === 'number' && typeof e.errorMessage === 'string' && /FLOOD/.test(e.errorMessage))
    return e.seconds;
  // Telegram's 420 family (FLOOD_WAIT, SLOWMODE_WAIT, ...) as gramjs raises it, with the seconds parsed.
  if (typeof e.seconds === 'number' && e.code === 420) return e.seconds;
  for (const text of [e.errorMessage, e.message]) {
    if (typeof text !== 'string') continue;
    const m = FLOOD_MESSAGE.exec(text);
    if (m) return Number(m[1] ?? m[2]);
  }
  return undefined;
}
