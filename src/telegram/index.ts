// The Telegram side of the archive: the only code that imports gramjs. It offers a gateway in our own
// types (gateway.ts), maps Telegram objects into observations (map/), and handles the session,
// reconnects and login. It paces calls through the pacer it is given (src/pacing) but owns none.

export {
  CallAbortedError,
  FloodWaitTooLongError,
  MediaUnavailableError,
  MissingCredentialsError,
  NotAuthorizedError,
  PeerUnknownError,
  TelegramRpcError,
} from './errors.ts';
export type {
  AccountInfo,
  BoxRef,
  CallOptions,
  ChannelDifferenceResult,
  ConnectionState,
  Dialog,
  DialogPage,
  DifferenceResult,
  DownloadOptions,
  GatewayEvent,
  HistoryPage,
  HistoryQuery,
  ResolvedPeer,
  TelegramGateway,
  UpdateBatch,
  UpdateItem,
  UpdateState,
} from './gateway.ts';
export { COMMON_BOX } from './gateway.ts';
export {
  CallTimeoutError,
  createTelegramGateway,
  type GatewayConfig,
  type GatewayOptions,
} from './gramjs-gateway.ts';
export { LoginClient, LoginError, type LoginFailure, type SentCode, type SignInResult } from './login.ts';
export { abortableSleep } from './pacing.ts';
export { readSession, SESSION_FILE_NAME, SessionFileError, sessionPath } from './session-file.ts';
