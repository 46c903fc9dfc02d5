// The raw TL object as plain JSON for event metadata: gramjs's own bookkeeping dropped, 64-bit ids as
// decimal strings, bytes as base64. A later projection can read fields we ignore today.
// Every archived message passes through here, so fields are walked by index and the common case (a
// primitive field) is taken without a call.
import bigInt from 'big-integer';

const SKIPPED = new Set([
  'className',
  'CONSTRUCTOR_ID',
  'SUBCLASS_OF_ID',
  'classType',
  'originalArgs',
  'flags',
  'flags2',
]);
const MAX_DEPTH = 12;
const UNDERSCORE = 95;

export function rawJson(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return undefined;
  if (depth > MAX_DEPTH) return '[too deep]';
  switch (typeof value) {
    case 'object':
      break;
    case 'bigint':
      return value.toString();
    case 'function':
      return undefined;
    default:
      return value;
  }
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64');
  if (Array.isArray(value)) return value.map((item) => rawJson(item, depth + 1) ?? null);
  if (bigInt.isInstance(value)) return value.toString();
  const object = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (typeof object.className === 'string') out._ = object.className;
  const keys = Object.keys(object);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key.charCodeAt(0) === UNDERSCORE || SKIPPED.has(key)) continue;
    const field = object[key];
    if (field === undefined || field === null) continue;
    const type = typeof field;
    if ((type === 'string' || type === 'number' || type === 'boolean') && depth < MAX_DEPTH) {
      out[key] = field;
      continue;
    }
    const mapped = rawJson(field, depth + 1);
    if (mapped !== undefined) out[key] = mapped;
  }
  return out;
}
