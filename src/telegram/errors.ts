// Typed failures of the Telegram side. Each says what happened and what to do, without secrets.

/** No session, or a session Telegram no longer accepts. */
export class NotAuthorizedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAuthorizedError';
  }
}

/** TELEGRAM_API_ID / TELEGRAM_API_HASH missing: nothing can connect without them. */
export class MissingCredentialsError extends Error {
  constructor() {
    super(
      'TELEGRAM_API_ID and TELEGRAM_API_HASH are required: create them at https://my.telegram.org (API development tools) and set both',
    );
    this.name = 'MissingCredentialsError';
  }
}

/** Telegram asked us to wait longer than we are willing to: the one error of the shared pacer. */
export { FloodWaitTooLongError } from '../pacing/flood-wait.ts';

/** An RPC error from Telegram that we do not handle ourselves. */
export class TelegramRpcError extends Error {
  readonly method: string;
  readonly code: number | undefined;
  readonly errorMessage: string;
  constructor(method: string, code: number | undefined, errorMessage: string) {
    super(`Telegram answered ${method} with ${code ?? '?'} ${errorMessage}`);
    this.name = 'TelegramRpcError';
    this.method = method;
    this.code = code;
    this.errorMessage = errorMessage;
  }
}

/** We know no access hash for this peer: it has not been seen in a dialog, update or history page yet. */
export class PeerUnknownError extends Error {
  readonly peer: string;
  constructor(peer: string) {
    super(
      `No access hash known for ${peer}: list the dialogs first (it must appear in one) or resolve its username`,
    );
    this.name = 'PeerUnknownError';
    this.peer = peer;
  }
}

/** The message has no downloadable file (deleted, or not a file at all). */
export class MediaUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaUnavailableError';
  }
}

/** The call was abandoned because the caller's signal aborted. */
export class CallAbortedError extends Error {
  constructor(method: string) {
    super(`${method} abandoned: shutting down`);
    this.name = 'CallAbortedError';
  }
}

/** Reads gramjs's RPC error shape: `errorMessage` (e.g. FLOOD_WAIT_3) and `code`. */
export function rpcErrorMessage(error: unknown): string | undefined {
  const message = (error as { errorMessage?: unknown } | undefined)?.errorMessage;
  return typeof message === 'string' ? message : undefined;
}

/** Seconds to wait when the error is a FLOOD_WAIT (or FLOOD_PREMIUM_WAIT), else undefined. */
export { floodWaitSeconds } from '../pacing/flood-wait.ts';
