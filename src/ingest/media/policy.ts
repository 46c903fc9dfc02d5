// Which media we download: per-kind toggles (MEDIA_TYPES), a size limit (MAX_MEDIA_SIZE_MB) and a
// per-chat opt-out (MEDIA_EXCLUDE_CHATS). Pure, so the listener and the backfiller decide alike.
import {
  DOWNLOADABLE_MEDIA,
  type MediaDescriptor,
  type MediaKind,
  type MediaSkipReason,
} from '../../events/payloads.ts';
import type { PeerRef } from '../../events/peers.ts';
import { chatInList } from '../chat-ids.ts';

export interface MediaSettings {
  readonly types: readonly MediaKind[];
  /** Bytes; files larger than this are skipped. */
  readonly maxBytes: number;
  /** Bot API chat ids whose media is never downloaded. */
  readonly excludeChats: readonly string[];
}

export type MediaDecision =
  | { readonly action: 'download' }
  | { readonly action: 'skip'; readonly reason: MediaSkipReason; readonly detail: string }
  /** Not a file (a poll, a location, a link preview…): nothing to download and nothing to record. */
  | { readonly action: 'none' };

export const MIB = 1024 * 1024;

export function mediaSettingsFromConfig(config: {
  readonly mediaTypes: readonly MediaKind[];
  readonly maxMediaSizeMb: number;
  readonly mediaExcludeChats: readonly string[];
}): MediaSettings {
  return {
    types: config.mediaTypes,
    maxBytes: Math.floor(config.maxMediaSizeMb * MIB),
    excludeChats: config.mediaExcludeChats,
  };
}

export function decideMedia(chat: PeerRef, media: MediaDescriptor, settings: MediaSettings): MediaDecision {
  if (!DOWNLOADABLE_MEDIA.includes(media.kind)) return { action: 'none' };
  if (chatInList(chat, settings.excludeChats))
    return { action: 'skip', reason: 'chat-opted-out', detail: 'chat is listed in MEDIA_EXCLUDE_CHATS' };
  if (!settings.types.includes(media.kind))
    return { action: 'skip', reason: 'type-disabled', detail: `${media.kind} is not in MEDIA_TYPES` };
  if (media.size !== undefined && media.size > settings.maxBytes)
    return { action: 'skip', reason: 'too-large', detail: tooLargeDetail(media.size, settings.maxBytes) };
  if (media.fileId === undefined)
    return { action: 'skip', reason: 'unavailable', detail: 'the message carries no file location' };
  return { action: 'download' };
}

export function tooLargeDetail(size: number, maxBytes: number): string {
  const mb = (n: number) => (n / MIB).toFixed(n < MIB ? 3 : 1);
  return `${mb(size)} MB is over MAX_MEDIA_SIZE_MB=${mb(maxBytes)}`;
}
