// Small conversions every mapper needs: Telegram dates, 64-bit ids, peers.
import bigInt from 'big-integer';
import type { EventSource } from '../../events/envelope.ts';
import type { ObservationMeta } from '../../events/observations.ts';
import type { IsoDate } from '../../events/payloads.ts';
import { type PeerRef, peer } from '../../events/peers.ts';
import { rawJson } from './raw.ts';

export interface MapContext {
  /** The archiving account's user id. */
  readonly selfId: string;
  readonly source: EventSource;
  readonly observedAt: IsoDate;
  readonly layer?: number;
  /** Keep the raw TL object in the metadata (default true). */
  readonly keepRaw?: boolean;
}

export const isoDate = (unixSeconds: number): IsoDate => new Date(unixSeconds * 1000).toISOString();

/** 64-bit ids (big-integer, bigint, number) as decimal strings. */
export const idString = (value: unknown): string => String(value);

export const optionalId = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : String(value);

export function meta(context: MapContext, raw: unknown): ObservationMeta {
  return {
    source: context.source,
    observedAt: context.observedAt,
    layer: context.layer,
    raw: context.keepRaw === false ? undefined : rawJson(raw),
  };
}

/** Telegram Peer (PeerUser / PeerChat / PeerChannel) to our typed peer; undefined for anything else. */
export function peerOf(tl: any): PeerRef | undefined {
  switch (tl?.className) {
    case 'PeerUser':
      return peer('user', idString(tl.userId));
    case 'PeerChat':
      return peer('group', idString(tl.chatId));
    case 'PeerChannel':
      return peer('channel', idString(tl.channelId));
    default:
      return undefined;
  }
}

/** The primitive fields of a TL object, for `details` maps (nested objects and bytes left out). */
export function primitiveFields(
  tl: any,
  skip: readonly string[] = [],
): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(tl ?? {})) {
    if (key === 'className' || key.startsWith('_') || skip.includes(key)) continue;
    if (['CONSTRUCTOR_ID', 'SUBCLASS_OF_ID', 'classType', 'originalArgs', 'flags', 'flags2'].includes(key))
      continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out[key] = value;
    else if (typeof value === 'bigint') out[key] = value.toString();
    else if (bigInt.isInstance(value)) out[key] = value.toString();
    else if (
      Array.isArray(value) &&
      value.every((v) => typeof v !== 'object' || (v as any)?.isSmall !== undefined)
    )
      out[key] = value.map(String).join(',');
  }
  return out;
}

/** `MessageActionChatEditTitle` -> `chatEditTitle`; `MessageEntityTextUrl` -> `textUrl`. */
export function lowerCamelAfter(prefix: string, className: string): string {
  const rest = className.startsWith(prefix) ? className.slice(prefix.length) : className;
  return rest.charAt(0).toLowerCase() + rest.slice(1);
}
