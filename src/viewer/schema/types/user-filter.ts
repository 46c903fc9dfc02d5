// UserFilter: narrows the user list by a case-insensitive name or username match.
import { builder } from '../builder.ts';

export const UserFilterInput = builder.inputType('UserFilter', {
  fields: (t) => ({
    search: t.string({ required: false, description: 'Substring of the first name, last name or @username' }),
  }),
});
