// JSON: raw structured values as they were stored (event payloads, Telegram's own objects).
import { builder } from '../builder.ts';

export const JsonScalar = builder.scalarType('JSON', {
  description: 'Any JSON value, passed through as stored',
  serialize: (value) => value,
  parseValue: (value) => value,
});
