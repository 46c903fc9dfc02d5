import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import {
  createProgress,
  etaSeconds,
  formatCount,
  formatDuration,
  renderBar,
} from '../../src/cli/progress.ts';
import { createLogger } from '../../src/log/logger.ts';

class Capture extends Writable {
  text = '';
  isTTY?: boolean;
  columns?: number;
  constructor(tty: boolean, columns?: number) {
    super();
    if (tty) this.isTTY = true;
    if (columns) this.columns = columns;
  }
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

const clock = () => {
  let t = 1_000_000;
  return { now: () => t, tick: (ms: number) => (t += ms) };
};

describe('progress formatting', () => {
  it('formats counts and durations for people', () => {
    expect(formatCount(1234567.4)).toBe('1,234,567');
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(45)).toBe('0:45');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('--:--');
  });

  it('estimates the time left from the rate', () => {
    expect(etaSeconds({ label: 'x', done: 250, total: 1000, unit: 'e', rate: 50, elapsedMs: 5000 })).toBe(15);
    expect(etaSeconds({ label: 'x', done: 250, unit: 'e', rate: 50, elapsedMs: 5000 })).toBeUndefined();
    expect(etaSeconds({ label: 'x', done: 0, total: 10, unit: 'e', elapsedMs: 0 })).toBeUndefined();
  });

  it('renders a bar with percentage, counts, rate and ETA within the width', () => {
    const line = renderBar(
      { label: 'copy', done: 500, total: 2000, unit: 'events', rate: 100, elapsedMs: 5000 },
      90,
    );
    expect(line).toMatch(/^copy \[#+-+\] {2}25% 500\/2,000 events {2}100\/s {2}ETA 0:15$/);
    expect(line.length).toBeLessThanOrEqual(90);
    expect(
      renderBar({ label: 'copy', done: 500, total: 2000, unit: 'events', elapsedMs: 0 }, 30).length,
    ).toBeLessThanOrEqual(30);
  });

  it('renders a counter without a bar when the total is unknown', () => {
    expect(renderBar({ label: 'tail', done: 42, unit: 'events', elapsedMs: 1 })).toBe('tail 42 events');
  });
});

describe('createProgress', () => {
  it('redraws one terminal line at most once per interval and ends with a summary', () => {
    const out = new Capture(true, 100);
    const { now, tick } = clock();
    const progress = createProgress({
      label: 'export',
      total: 1000,
      unit: 'events',
      stream: out,
      now,
      intervalMs: 100,
    });
    progress.advance(10); // first draw is immediate
    tick(50);
    progress.advance(10); // too soon: no redraw
    const draws = out.text.split('\r\x1b[2K').length - 1;
    expect(draws).toBe(1);
    tick(1000);
    progress.advance(480);
    expect(out.text).toContain('500/1,000 events');
    expect(out.text).toMatch(/ETA 0:0\d/);
    const summary = progress.finish();
    expect(summary).toBe('export: 500 events in 0:01 (476/s)');
    expect(out.text.endsWith(`\r\x1b[2K${summary}\n`)).toBe(true);
    expect(progress.finish()).toBe('');
  });

  it('writes periodic structured log lines when not on a terminal', () => {
    const sink = new Capture(false);
    const logger = createLogger({ level: 'info', destination: sink, pretty: false });
    const { now, tick } = clock();
    const progress = createProgress({
      label: 'copy',
      total: 100,
      unit: 'events',
      stream: new Capture(false),
      logger,
      now,
    });
    progress.advance(1);
    tick(1000);
    progress.advance(1); // within the 5 s default: no line
    tick(5000);
    progress.update(60);
    progress.finish();
    const lines = sink.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ progress: 'copy', done: 1, total: 100 });
    expect(lines[1]).toMatchObject({
      progress: 'copy',
      done: 60,
      total: 100,
      ratePerSecond: 10,
      etaSeconds: 4,
    });
    expect(lines[2]).toMatchObject({ progress: 'copy', done: 60, finished: true });
    expect(sink.text).not.toContain('\r');
  });

  it('falls back to plain lines without a logger', () => {
    const out = new Capture(false);
    const progress = createProgress({ label: 'import', stream: out, unit: 'lines' });
    progress.advance(3);
    progress.finish('import: done');
    expect(out.text).toBe('import 3 lines\nimport: done\n');
  });
});
