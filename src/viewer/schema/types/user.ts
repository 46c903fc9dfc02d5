// User: a person or bot the archive has seen, with every name it went by.
import type { UserNameRow, UserRow } from '../../queries/rows.ts';
import { rowsWithKeys } from '../../queries/sql.ts';
import { builder } from '../builder.ts';
import { DateTimeScalar } from './date-time.ts';
import { UserNameRef } from './user-name.ts';

export const displayName = (u: {
  firstName?: string | null;
  lastName?: string | null;
  username?: string | null;
}): string | null =>
  [u.firstName, u.lastName].filter(Boolean).join(' ') || (u.username ? `@${u.username}` : null);

export const UserNode = builder.loadableNodeRef<UserRow, string>('User', {
  id: { resolve: (user) => user.id },
  load: (ids: string[], { sql }) => rowsWithKeys<UserRow>(sql, 'users', 'id', ids),
  sort: (user) => user.id,
});

UserNode.implement({
  fields: (t) => ({
    userId: t.exposeString('userId', { description: "Telegram's user id" }),
    firstName: t.string({ nullable: true, resolve: (u) => u.firstName ?? null }),
    lastName: t.string({ nullable: true, resolve: (u) => u.lastName ?? null }),
    username: t.string({ nullable: true, resolve: (u) => u.username ?? null }),
    displayName: t.string({
      nullable: true,
      description: 'First and last name, else @username',
      resolve: displayName,
    }),
    bot: t.exposeBoolean('bot'),
    deleted: t.exposeBoolean('deleted', { description: 'The account was deleted from Telegram' }),
    firstObservedAt: t.field({ type: DateTimeScalar, resolve: (u) => u.firstObservedAt }),
    observedAt: t.field({ type: DateTimeScalar, description: 'Last observed', resolve: (u) => u.observedAt }),
    nameHistory: t.loadableGroup({
      type: UserNameRef,
      description: 'Every name the user went by, oldest first',
      load: (ids: string[], { sql }) =>
        rowsWithKeys<UserNameRow>(sql, 'userNames', 'user_pk', ids, 'user_pk, valid_from'),
      group: (name) => name.user,
      resolve: (user) => user.id,
    }),
  }),
});
