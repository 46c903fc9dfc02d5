// The backfill command line as a validated request: which chats, which mode, which date window.
// Every mistake gets a message that says what was wrong and what is accepted.
import type { BackfillRequest } from './index.ts';

export class BackfillArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackfillArgumentError';
  }
}

export interface BackfillArguments {
  readonly chats: readonly string[];
  readonly all: boolean;
  readonly full: boolean;
  readonly verify: boolean;
  readonly since?: string;
  readonly until?: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A date or timestamp in ms. A bare day means the start of that day (UTC) for --since and its end
 * for --until, so `--since 2024-05-01 --until 2024-05-01` is that whole day.
 */
export function parseDate(flag: '--since' | '--until', text: string): number {
  const value = text.trim();
  const day = DAY.exec(value);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const start = Date.UTC(year, month - 1, date);
    const check = new Date(start);
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === date)
      return flag === '--since' ? start : start + 86_400_000 - 1;
  } else if (TIMESTAMP.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  throw new BackfillArgumentError(
    `${flag} '${text}' is not a date: use YYYY-MM-DD (UTC) or an ISO timestamp like 2024-05-01T12:00:00Z`,
  );
}

export function backfillRequest(args: BackfillArguments): BackfillRequest {
  if (args.chats.length === 0 && !args.all)
    throw new BackfillArgumentError('Name the chats to backfill with --chat (repeatable), or use --all');
  if (args.chats.length > 0 && args.all)
    throw new BackfillArgumentError('Use either --chat or --all, not both');
  if (args.full && args.verify)
    throw new BackfillArgumentError(
      'Use either --full (refetch everything) or --verify (re-read and compare), not both',
    );
  const since = args.since === undefined ? undefined : parseDate('--since', args.since);
  const until = args.until === undefined ? undefined : parseDate('--until', args.until);
  if (since !== undefined && until !== undefined && since > until)
    throw new BackfillArgumentError(
      `--since ${args.since} is after --until ${args.until}: the window would be empty`,
    );
  return {
    chats: args.chats,
    all: args.all,
    mode: args.full ? 'full' : args.verify ? 'verify' : 'catch-up',
    since,
    until,
  };
}
