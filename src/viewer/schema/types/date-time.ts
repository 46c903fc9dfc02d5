// DateTime: an ISO-8601 instant in UTC on the way out; ISO-8601 with an explicit zone on the way in.
import { GraphQLError, Kind } from 'graphql';
import { builder } from '../builder.ts';

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parse(value: unknown): Date {
  if (typeof value === 'string' && ISO_WITH_ZONE.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new GraphQLError(
    `DateTime must be an ISO-8601 string with a time zone, e.g. 2024-05-01T12:00:00Z; got ${JSON.stringify(value)?.slice(0, 60)}`,
    { extensions: { code: 'BAD_USER_INPUT' } },
  );
}

export const DateTimeScalar = builder.scalarType('DateTime', {
  description: 'An instant as an ISO-8601 string, e.g. 2024-05-01T12:00:00.000Z',
  serialize: (value) => {
    const date = value instanceof Date ? value : new Date(value as string | number);
    if (Number.isNaN(date.getTime())) throw new Error(`Cannot serialize ${String(value)} as DateTime`);
    return date.toISOString();
  },
  parseValue: parse,
  parseLiteral: (node) => parse(node.kind === Kind.STRING ? node.value : undefined),
});
