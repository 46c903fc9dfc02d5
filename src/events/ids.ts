// Deterministic event ids: UUIDv5 of (stream, type, discriminator). When the listener and the
// backfiller observe the same fact they compute the same id, and the store keeps one copy.
import { createHash } from 'node:crypto';
import type { EventType } from './catalogue.ts';

/** Our UUIDv5 namespace (a fixed random UUID; changing it would change every event id). */
export const EVENT_ID_NAMESPACE = '3f0c6b0e-9a51-4d7b-8f2a-6a4e2b1c9d70';

export function uuidV5(name: string, namespace: string = EVENT_ID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function eventId(stream: string, type: EventType, discriminator = ''): string {
  return uuidV5(`${stream}\n${type}\n${discriminator}`);
}

/** Stable SHA-256 over a JSON value with sorted keys: equal content gives an equal hash. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
