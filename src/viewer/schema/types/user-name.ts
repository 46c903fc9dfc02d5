// UserName: one name a user went by, and the interval the archive saw it in.
import type { UserNameRow } from '../../queries/rows.ts';
import { builder } from '../builder.ts';
import { DateTimeScalar } from './date-time.ts';

export const UserNameRef = builder.objectRef<UserNameRow>('UserName').implement({
  description: 'A name as observed, valid from validFrom until validTo (null: still current)',
  fields: (t) => ({
    firstName: t.string({ nullable: true, resolve: (n) => n.firstName ?? null }),
    lastName: t.string({ nullable: true, resolve: (n) => n.lastName ?? null }),
    username: t.string({ nullable: true, resolve: (n) => n.username ?? null }),
    validFrom: t.field({ type: DateTimeScalar, resolve: (n) => n.validFrom }),
    validTo: t.field({ type: DateTimeScalar, nullable: true, resolve: (n) => n.validTo ?? null }),
  }),
});
