// The raw TL object as plain JSON for event metadata: gramjs's own bookkeeping dropped, 64-bit ids as
// decimal strings, bytes as base64. A later projection can read fields we ignore today.
import bigInt from 'big-integer';

const SKIPPED = new Set(['CONSTRUCTOR_ID', 'SUBCLASS_OF_ID', 'classType', 'originalArgs', 'flags', 'flags2']);

export function rawJson(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return undefined;
  if (depth > 12) return '[too deep]';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((item) => rawJson(item, depth + 1) ?? null);
  if (bigInt.isInstance(value)) return value.toString();
  const object = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (typeof object.className === 'string') out._ = object.className;
  for (const [key, field] of Object.entries(object)) {
    if (key === 'className' || key.startsWith('_') || SKIPPED.has(key)) continue;
    const mapped = rawJson(field, depth + 1);
    if (mapped !== undefined) out[key] = mapped;
  }
  return out;
}
