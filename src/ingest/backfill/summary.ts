// The end-of-run report: one row per chat and a total, as a plain-text table for the terminal and as
// fields for the log line. Pure, so the numbers a user reads are the numbers the tests check.

export type ChatRunStatus = 'completed' | 'interrupted' | 'failed' | 'skipped';

export interface ChatRunSummary {
  /** How the user knows the chat: title or @username, with its id. */
  readonly chat: string;
  readonly mode: string;
  readonly status: ChatRunStatus;
  readonly fetched: number;
  readonly created: number;
  readonly edited: number;
  readonly deleted: number;
  readonly floodWaits: number;
  readonly durationMs: number;
  /** Why it did not complete. */
  readonly reason?: string;
}

export interface MediaSummary {
  readonly downloaded: number;
  readonly deduplicated: number;
  readonly skipped: number;
  readonly deferred: number;
  readonly bytes: number;
}

export interface RunSummary {
  readonly chats: readonly ChatRunSummary[];
  readonly media: MediaSummary;
  readonly floodWaits: number;
  readonly durationMs: number;
}

export function totals(summary: RunSummary) {
  const sum = (pick: (c: ChatRunSummary) => number) => summary.chats.reduce((n, c) => n + pick(c), 0);
  const count = (status: ChatRunStatus) => summary.chats.filter((c) => c.status === status).length;
  return {
    chats: summary.chats.length,
    completed: count('completed'),
    interrupted: count('interrupted'),
    failed: count('failed'),
    fetched: sum((c) => c.fetched),
    created: sum((c) => c.created),
    edited: sum((c) => c.edited),
    deleted: sum((c) => c.deleted),
    floodWaits: summary.floodWaits,
    mediaDownloaded: summary.media.downloaded,
    mediaSkipped: summary.media.skipped,
    mediaDeferred: summary.media.deferred,
    mediaBytes: summary.media.bytes,
    durationMs: summary.durationMs,
  };
}

const COLUMNS = ['chat', 'mode', 'status', 'fetched', 'created', 'edited', 'deleted', 'flood waits', 'time'];

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The table printed after a backfill, with failures explained below it. */
export function renderSummaryTable(summary: RunSummary): string {
  const t = totals(summary);
  const rows = summary.chats.map((c) => [
    c.chat,
    c.mode,
    c.status,
    String(c.fetched),
    String(c.created),
    String(c.edited),
    String(c.deleted),
    String(c.floodWaits),
    formatSeconds(c.durationMs),
  ]);
  const total = [
    `total (${t.chats} chat${t.chats === 1 ? '' : 's'})`,
    '',
    `${t.completed} ok`,
    String(t.fetched),
    String(t.created),
    String(t.edited),
    String(t.deleted),
    String(t.floodWaits),
    formatSeconds(t.durationMs),
  ];
  const all = [COLUMNS, ...rows, total];
  const widths = COLUMNS.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const numeric = (i: number) => i >= 3;
  const line = (r: string[]) =>
    r
      .map((cell, i) => (numeric(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [line(COLUMNS), rule, ...rows.map(line), rule, line(total)];
  const m = summary.media;
  out.push(
    '',
    `media: ${m.downloaded} downloaded (${formatBytes(m.bytes)}, ${m.deduplicated} already archived), ` +
      `${m.skipped} skipped, ${m.deferred} left for the next run`,
  );
  const problems = summary.chats.filter((c) => c.reason && c.status !== 'completed');
  if (problems.length > 0) {
    out.push('', 'not completed:');
    for (const c of problems) out.push(`  ${c.chat}: ${c.status}: ${c.reason}`);
  }
  return `${out.join('\n')}\n`;
}
