// Connection arguments and opaque cursors. Page sizes are bounded (MAX_PAGE_SIZE) and rejected,
// not silently clamped, when over; cursors are typed by kind so one connection's cursor cannot be
// replayed against another.
import { ViewerInputError } from './errors.ts';

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

export interface ConnectionArgs {
  readonly first?: number | null;
  readonly last?: number | null;
  readonly after?: string | null;
  readonly before?: string | null;
}

/**
 * The cost multiplier of a connection field: the page size asked for. Sizes past the maximum count
 * as the maximum, so that the resolver, not the cost rule, tells the client the size is wrong.
 */
export function pageComplexity(args: { first?: number | null; last?: number | null }, field = 2) {
  const size = args.first ?? args.last ?? DEFAULT_PAGE_SIZE;
  return { field, multiplier: Math.max(0, Math.min(size, MAX_PAGE_SIZE)) };
}

export function validatePageArgs(args: ConnectionArgs): void {
  for (const name of ['first', 'last'] as const) {
    const value = args[name];
    if (value === null || value === undefined) continue;
    if (value < 0 || value > MAX_PAGE_SIZE) {
      throw new ViewerInputError(`'${name}' must be between 0 and ${MAX_PAGE_SIZE}, got ${value}`, {
        argument: name,
        max: MAX_PAGE_SIZE,
      });
    }
  }
  if (args.first != null && args.last != null) {
    throw new ViewerInputError("Pass either 'first' or 'last', not both", { argument: 'last' });
  }
}

export function encodeCursor(kind: string, parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([kind, ...parts]), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor of the expected kind whose parts match `shape` ('n' integer, 's' string).
 * Anything else is a BAD_USER_INPUT naming the argument.
 */
export function decodeCursor(
  cursor: string,
  kind: string,
  shape: readonly ('n' | 's')[],
  argument: string,
): (string | number)[] {
  const invalid = () =>
    new ViewerInputError(`Invalid cursor in '${argument}': pass a cursor from this connection's pageInfo`, {
      argument,
    });
  if (cursor.length === 0 || cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed[0] !== kind || parsed.length !== shape.length + 1) throw invalid();
  const parts = parsed.slice(1) as unknown[];
  shape.forEach((type, i) => {
    const part = parts[i];
    const ok = type === 'n' ? Number.isSafeInteger(part) : typeof part === 'string';
    if (!ok) throw invalid();
  });
  return parts as (string | number)[];
}
