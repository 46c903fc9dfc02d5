// Progress for long CLI work: a redrawn bar with count, rate and ETA on a terminal; periodic
// structured log lines anywhere else (CI, containers, pipes), where a bar would be noise.
// Redraws happen inside advance() when due, so no timer keeps the process alive.
import type { Logger } from '../log/logger.ts';

export interface ProgressOptions {
  /** What is being done, e.g. "copy". */
  readonly label: string;
  /** Omit when unknown: no percentage and no ETA. */
  readonly total?: number;
  /** Counted things, e.g. "events". */
  readonly unit?: string;
  /** Where the bar is drawn (stderr, so stdout stays clean for data). */
  readonly stream: NodeJS.WritableStream;
  /** Receives the periodic lines when the stream is not a terminal. */
  readonly logger?: Logger;
  /** Override terminal detection. */
  readonly tty?: boolean;
  /** Minimum time between redraws (terminal) or log lines (otherwise). */
  readonly intervalMs?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

export interface Progress {
  /** Count `n` more done. */
  advance(n?: number): void;
  /** Set the absolute count (e.g. when resuming). */
  update(done: number): void;
  setTotal(total: number | undefined): void;
  /** Draw the last state and end the line; returns the summary it printed. */
  finish(summary?: string): string;
  readonly done: number;
}

export interface ProgressState {
  readonly label: string;
  readonly done: number;
  readonly total?: number;
  readonly unit: string;
  /** Per second; undefined until measurable. */
  readonly rate?: number;
  readonly elapsedMs: number;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 45 s → "0:45", 3725 s → "1:02:05". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function etaSeconds(state: ProgressState): number | undefined {
  if (state.total === undefined || !state.rate || state.rate <= 0) return undefined;
  return Math.max(0, state.total - state.done) / state.rate;
}

/** One line of at most `width` columns: label, bar (when the total is known), counts, rate, ETA. */
export function renderBar(state: ProgressState, width = 80): string {
  const counts =
    state.total === undefined
      ? `${formatCount(state.done)} ${state.unit}`
      : `${formatCount(state.done)}/${formatCount(state.total)} ${state.unit}`;
  const rate = state.rate === undefined ? '' : `  ${formatCount(state.rate)}/s`;
  const eta = etaSeconds(state);
  const tail = `${counts}${rate}${eta === undefined ? '' : `  ETA ${formatDuration(eta)}`}`;
  if (state.total === undefined || state.total <= 0) return `${state.label} ${tail}`.slice(0, width);
  const fraction = Math.min(1, state.done / state.total);
  const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`;
  const room = width - state.label.length - percent.length - tail.length - 6;
  const barWidth = Math.max(0, Math.min(40, room));
  const filled = Math.round(fraction * barWidth);
  const bar = barWidth > 0 ? ` [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]` : '';
  return `${state.label}${bar} ${percent} ${tail}`.slice(0, width);
}

const RATE_WINDOW_MS = 10_000;

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const tty = options.tty ?? Boolean((options.stream as { isTTY?: boolean }).isTTY);
  const interval = options.intervalMs ?? (tty ? 100 : 5000);
  const unit = options.unit ?? 'items';
  const started = now();
  let total = options.total;
  let done = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let finished = false;
  // Recent samples give the current rate, so the ETA follows speed changes.
  const samples: [number, number][] = [[started, 0]];

  const state = (): ProgressState => {
    const t = now();
    while (samples.length > 2 && t - samples[1]![0] > RATE_WINDOW_MS) samples.shift();
    const [t0, d0] = samples[0]!;
    const rate = t - t0 >= 200 ? ((done - d0) * 1000) / (t - t0) : undefined;
    return {
      label: options.label,
      done,
      unit,
      elapsedMs: t - started,
      ...(total !== undefined ? { total } : {}),
      ...(rate !== undefined ? { rate } : {}),
    };
  };

  // A pseudo-terminal may report 0 columns.
  const columns = () => (options.stream as { columns?: number }).columns || 80;

  const draw = (force: boolean) => {
    const t = now();
    if (!force && t - lastDraw < interval) return;
    lastDraw = t;
    samples.push([t, done]);
    const current = state();
    if (tty) {
      options.stream.write(`\r\x1b[2K${renderBar(current, columns() - 1)}`);
    } else {
      const eta = etaSeconds(current);
      const fields = {
        progress: current.label,
        done: current.done,
        ...(current.total !== undefined ? { total: current.total } : {}),
        ...(current.rate !== undefined ? { ratePerSecond: Math.round(current.rate) } : {}),
        ...(eta !== undefined ? { etaSeconds: Math.round(eta) } : {}),
      };
      const line = renderBar(current, 200);
      if (options.logger) options.logger.info(fields, line);
      else options.stream.write(`${line}\n`);
    }
  };

  return {
    get done() {
      return done;
    },
    advance(n = 1) {
      done += n;
      draw(false);
    },
    update(value) {
      done = value;
      draw(false);
    },
    setTotal(value) {
      total = value;
    },
    finish(summary) {
      if (finished) return '';
      finished = true;
      const elapsed = (now() - started) / 1000;
      const average = elapsed > 0 ? done / elapsed : undefined;
      const text =
        summary ??
        `${options.label}: ${formatCount(done)} ${unit} in ${formatDuration(elapsed)}${average ? ` (${formatCount(average)}/s)` : ''}`;
      if (tty) options.stream.write(`\r\x1b[2K${text}\n`);
      else if (options.logger) options.logger.info({ progress: options.label, done, finished: true }, text);
      else options.stream.write(`${text}\n`);
      return text;
    },
  };
}
