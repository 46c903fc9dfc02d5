// Case-insensitive substring matching that SQLite and PostgreSQL both run (SQLite has no ILIKE).
// LIKE wildcards in the text only widen the match; they cannot reach beyond the given columns.
import { type FilterQuery, raw } from '@mikro-orm/core';

export function containsIgnoringCase<T extends object>(
  columns: readonly string[],
  text: string,
): FilterQuery<T> {
  const pattern = `%${text.toLowerCase()}%`;
  return {
    $or: columns.map((column) => ({
      [raw((alias: string) => `lower(${alias}.${column})`)]: { $like: pattern },
    })),
  } as FilterQuery<T>;
}
