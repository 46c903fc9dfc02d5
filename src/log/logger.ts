// pino logging: pretty on a terminal, JSON lines otherwise. Message text and phone numbers are
// private: they are censored at info and above, and only a deliberate debug/trace level shows text.
import type { Writable } from 'node:stream';
import pino, { type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';

export type Logger = PinoLogger;
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Field names that may carry message content; censored unless the level is debug or lower. */
const CONTENT_FIELDS = ['text', 'message', 'caption', 'entities', 'raw'];
/** Field names that are always censored, whatever the level. */
const ALWAYS_SECRET = ['phone', 'phoneNumber', 'password', 'apiHash', 'token', 'session', 'authorization'];

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Defaults to stderr; tests pass their own stream. */
  readonly destination?: NodeJS.WritableStream;
  /** Defaults to whether the destination is a TTY. */
  readonly pretty?: boolean;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? process.stderr;
  const showContent = options.level === 'debug' || options.level === 'trace';
  const censored = [...ALWAYS_SECRET, ...(showContent ? [] : CONTENT_FIELDS)];
  const paths = censored.flatMap((f) => [f, `*.${f}`]);
  const usePretty = options.pretty ?? Boolean((destination as { isTTY?: boolean }).isTTY);
  const stream = usePretty
    ? pretty({
        destination: destination as Writable,
        colorize: true,
        translateTime: 'SYS:HH:MM:ss.l',
        sync: true,
      })
    : destination;
  return pino(
    {
      level: options.level,
      redact: { paths, censor: '[private]' },
      base: { pid: process.pid },
      // The log line's own message key must not be censored by the `message` content rule.
      messageKey: 'msg',
    },
    stream,
  );
}

/** A logger that drops everything, for library code called without one. */
export const silentLogger: Logger = pino({ level: 'silent' });
