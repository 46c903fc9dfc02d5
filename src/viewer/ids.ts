// Global object ids (Relay): base64url of `<Type>:<key>`. Decoding checks the encoding, the type
// and the shape of the key, so a malformed id is a BAD_USER_INPUT error rather than a failure
// deep inside a resolver or a query for something that cannot exist.
import { ViewerInputError } from './errors.ts';

/** The node types and the shape of their read-model keys. */
export const NODE_KEYS = {
  /** `<account>.<peer>`, e.g. 777.c1001 */
  Chat: /^[0-9]{1,20}\.[ugc][0-9]{1,20}$/,
  /** `<account>.<userId>` */
  User: /^[0-9]{1,20}\.[0-9]{1,20}$/,
  /** The message row's surrogate key. */
  Message: /^[1-9][0-9]{0,14}$/,
} as const;

export type NodeTypeName = keyof typeof NODE_KEYS;

const BASE64URL = /^[A-Za-z0-9_-]{1,200}$/;

export function encodeGlobalId(typename: string, key: string | number | bigint): string {
  return Buffer.from(`${typename}:${key}`, 'utf8').toString('base64url');
}

export function decodeGlobalId(globalId: string): { typename: NodeTypeName; id: string } {
  const invalid = (why: string) =>
    new ViewerInputError(`Invalid id '${globalId.slice(0, 80)}': ${why}`, { argument: 'id' });
  if (!BASE64URL.test(globalId)) throw invalid('not an id issued by this archive');
  const text = Buffer.from(globalId, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  const typename = text.slice(0, Math.max(0, colon));
  const id = text.slice(colon + 1);
  if (colon < 0 || encodeGlobalId(typename, id) !== globalId)
    throw invalid('not an id issued by this archive');
  if (!Object.hasOwn(NODE_KEYS, typename)) throw invalid(`'${typename.slice(0, 40)}' is not a type with ids`);
  if (!NODE_KEYS[typename as NodeTypeName].test(id)) throw invalid(`malformed ${typename} key`);
  return { typename: typename as NodeTypeName, id };
}

/** Decodes an id that must name an object of one type; returns its read-model key. */
export function keyOf(globalId: string, typename: NodeTypeName, argument = 'id'): string {
  const decoded = decodeGlobalId(globalId);
  if (decoded.typename !== typename) {
    throw new ViewerInputError(`'${argument}' must be a ${typename} id, got a ${decoded.typename} id`, {
      argument,
    });
  }
  return decoded.id;
}
