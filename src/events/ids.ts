// Deterministic event ids: UUIDv5 of (stream, type, discriminator). When the listener and the
// backfiller observe the same fact they compute the same id, and the store keeps one copy.
import { hash } from 'node:crypto';
import type { EventType } from './catalogue.ts';

/** Our UUIDv5 namespace (a fixed random UUID; changing it would change every event id). */
export const EVENT_ID_NAMESPACE = '3f0c6b0e-9a51-4d7b-8f2a-6a4e2b1c9d70';

const uuidBytes = (uuid: string): Buffer => Buffer.from(uuid.replaceAll('-', ''), 'hex');
const OUR_NAMESPACE = uuidBytes(EVENT_ID_NAMESPACE);

// One-shot hashing: every recorded event gets an id and most a content hash, and a Hash object per
// call costs more than hashing these few bytes.
export function uuidV5(name: string, namespace: string = EVENT_ID_NAMESPACE): string {
  const ns = namespace === EVENT_ID_NAMESPACE ? OUR_NAMESPACE : uuidBytes(namespace);
  const digest = hash('sha1', Buffer.concat([ns, Buffer.from(name, 'utf8')]), 'buffer');
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const h = digest.toString('hex', 0, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function eventId(stream: string, type: EventType, discriminator = ''): string {
  return uuidV5(`${stream}\n${type}\n${discriminator}`);
}

/** Stable SHA-256 over a JSON value with sorted keys: equal content gives an equal hash. */
export function contentHash(value: unknown): string {
  return hash('sha256', canonicalJson(value), 'hex');
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
