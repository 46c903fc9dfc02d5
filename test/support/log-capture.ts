// A logger whose JSON lines tests can read back.
import { Writable } from 'node:stream';
import { createLogger, type Logger, type LogLevel } from '../../src/log/logger.ts';

export interface CapturedLog {
  readonly logger: Logger;
  readonly lines: Array<{ level: number; msg: string; [key: string]: unknown }>;
  /** Messages at warn (40) or above. */
  problems(): string[];
  text(): string;
}

export function captureLog(level: LogLevel = 'debug'): CapturedLog {
  const lines: CapturedLog['lines'] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
  return {
    logger: createLogger({ level, destination, pretty: false }),
    lines,
    problems: () => lines.filter((l) => l.level >= 40).map((l) => l.msg),
    text: () => lines.map((l) => JSON.stringify(l)).join('\n'),
  };
}
