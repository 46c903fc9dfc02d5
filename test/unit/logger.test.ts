import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createLogger, type LogLevel } from '../../src/log/logger.ts';

function capture(level: LogLevel) {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (d) => (out += d));
  const logger = createLogger({ level, destination: stream, pretty: false });
  return { logger, output: () => out };
}

describe('createLogger', () => {
  it('keeps message text and phone numbers out of info-level logs', () => {
    const { logger, output } = capture('info');
    logger.info(
      {
        chat: 'c42',
        text: 'my secret message',
        phone: '+4912345678',
        nested: { caption: 'private caption' },
      },
      'message archived',
    );
    const line = JSON.parse(output());
    expect(line.msg).toBe('message archived');
    expect(line.chat).toBe('c42');
    expect(output()).not.toContain('my secret message');
    expect(output()).not.toContain('+4912345678');
    expect(output()).not.toContain('private caption');
  });

  it('shows text at debug level but still never the phone number', () => {
    const { logger, output } = capture('debug');
    logger.debug({ text: 'visible when debugging', phone: '+4912345678' }, 'observed');
    expect(output()).toContain('visible when debugging');
    expect(output()).not.toContain('+4912345678');
  });

  it('writes JSON lines when not on a terminal', () => {
    const { logger, output } = capture('warn');
    logger.info('dropped');
    logger.warn('kept');
    const lines = output()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
  });
});
