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
  return formatUuid(digest);
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** Where each of the 16 bytes' two hex digits go in the 36 characters, between the dashes. */
const DIGIT_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
// Reused by every call: ids are made one at a time, and decoding copies the text out.
const scratch = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');

/**
 * The first 16 bytes as a lowercase UUID. Written into a buffer and decoded once, the id is one
 * flat string; joined from slices it would be a tree of pieces that every later use (the store's
 * checks, map keys, binding) first copies into one.
 */
function formatUuid(bytes: Buffer): string {
  for (let i = 0; i < 16; i++) {
    const byte = bytes[i]!;
    const at = DIGIT_AT[i]!;
    scratch[at] = HEX_DIGITS[byte >>> 4]!;
    scratch[at + 1] = HEX_DIGITS[byte & 15]!;
  }
  return scratch.toString('latin1', 0, 36);
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
