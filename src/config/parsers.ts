// Small parsers for environment values. Each returns the value or says what was expected, so the
// loader can report every problem at once instead of stopping at the first.
import { Cron } from 'croner';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; expected: string };
/** `raw` is undefined when the variable is unset; an empty string counts as unset too. */
export type Parser<T> = (raw: string | undefined) => ParseResult<T>;

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(expected: string): ParseResult<T> => ({ ok: false, expected });
const blank = (raw: string | undefined): raw is undefined => raw === undefined || raw.trim() === '';

function required<T>(expected: string, parse: (raw: string) => T | undefined): Parser<T> {
  return (raw) => {
    if (blank(raw)) return fail(`${expected} (it is required)`);
    const value = parse(raw.trim());
    return value === undefined ? fail(expected) : ok(value);
  };
}

export const parsers = {
  optional<T>(inner: Parser<T>): Parser<T | undefined> {
    return (raw) => (blank(raw) ? ok(undefined) : inner(raw));
  },
  text(opts: { minLength?: number } = {}): Parser<string> {
    const min = opts.minLength ?? 1;
    return required(min > 1 ? `text of at least ${min} characters` : 'text', (s) =>
      s.length >= min ? s : undefined,
    );
  },
  pattern(re: RegExp, expected: string): Parser<string> {
    return required(expected, (s) => (re.test(s) ? s : undefined));
  },
  integer(opts: { min?: number; max?: number } = {}): Parser<number> {
    const range = describeRange(opts);
    return required(`a whole number${range}`, (s) => {
      if (!/^-?\d+$/.test(s)) return undefined;
      const n = Number(s);
      return Number.isSafeInteger(n) && inRange(n, opts) ? n : undefined;
    });
  },
  number(opts: { min?: number; max?: number } = {}): Parser<number> {
    return required(`a number${describeRange(opts)}`, (s) => {
      const n = Number(s);
      return /^-?\d+(\.\d+)?$/.test(s) && inRange(n, opts) ? n : undefined;
    });
  },
  boolean(): Parser<boolean> {
    return required('true or false', (s) => {
      const lower = s.toLowerCase();
      if (['true', '1', 'yes'].includes(lower)) return true;
      if (['false', '0', 'no'].includes(lower)) return false;
      return undefined;
    });
  },
  oneOf<const T extends string>(choices: readonly T[]): Parser<T> {
    return required(`one of ${choices.join(', ')}`, (s) => choices.find((c) => c === s.toLowerCase()));
  },
  /** A comma-separated list; unset or empty gives []. */
  list<T>(item: Parser<T>): Parser<T[]> {
    return (raw) => {
      if (blank(raw)) return ok([]);
      const values: T[] = [];
      for (const part of raw.split(',').map((x) => x.trim())) {
        if (part === '') continue;
        const parsed = item(part);
        if (!parsed.ok) return fail(`a comma-separated list of ${parsed.expected} ('${part}' is not)`);
        values.push(parsed.value);
      }
      return ok(values);
    };
  },
  /** Telegram chat ids as the Bot API writes them: positive users, negative groups, -100… channels. */
  chatId(): Parser<string> {
    return required('a numeric chat id', (s) => (/^-?\d{1,20}$/.test(s) ? s : undefined));
  },
  path(): Parser<string> {
    return required('a file system path', (s) => (s.includes('\0') ? undefined : s));
  },
  url(protocols: readonly string[]): Parser<string> {
    return required(`a URL starting with ${protocols.map((x) => `${x}//`).join(' or ')}`, (s) => {
      try {
        return protocols.includes(new URL(s).protocol) ? s : undefined;
      } catch {
        return undefined;
      }
    });
  },
  cron(): Parser<string> {
    return required('a cron expression such as "0 */6 * * *"', (s) => {
      try {
        new Cron(s, { paused: true }).stop();
        return s;
      } catch {
        return undefined;
      }
    });
  },
};

function inRange(n: number, { min, max }: { min?: number; max?: number }): boolean {
  return (min === undefined || n >= min) && (max === undefined || n <= max);
}

function describeRange({ min, max }: { min?: number; max?: number }): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}
