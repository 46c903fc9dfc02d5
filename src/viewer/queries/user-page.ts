// A page of users ordered by key, optionally narrowed by a name or username match.
import type { FilterQuery } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sqlite';
import { User } from '../../../projections/index.ts';
import { selectRows, type UserRow } from './rows.ts';
import { containsIgnoringCase } from './text-match.ts';

export interface UserWindow {
  readonly after?: string;
  readonly before?: string;
  readonly limit: number;
  readonly reversed: boolean;
}

export async function loadUserPage(
  em: SqlEntityManager,
  search: string | undefined,
  window: UserWindow,
): Promise<UserRow[]> {
  const conditions: FilterQuery<User>[] = [];
  const text = search?.trim().replace(/^@/, '');
  if (text) {
    conditions.push(containsIgnoringCase<User>(['first_name', 'last_name', 'username'], text));
  }
  if (window.after !== undefined) conditions.push({ id: { $gt: window.after } });
  if (window.before !== undefined) conditions.push({ id: { $lt: window.before } });
  return selectRows<UserRow, User>(em, User, {
    where: { $and: conditions },
    orderBy: { id: window.reversed ? 'desc' : 'asc' },
    limit: window.limit,
  });
}
