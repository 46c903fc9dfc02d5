// Media: the attachment a message carries as Telegram described it, and the file when downloaded.
import type { MediaDescriptor } from '../../../events/payloads.ts';
import type { MessageRow } from '../../queries/rows.ts';
import { builder } from '../builder.ts';
import { JsonScalar } from './json.ts';
import { MediaFileRef } from './media-file.ts';
import { MediaKindEnum } from './media-kind.ts';

export interface MediaShape {
  readonly descriptor: MediaDescriptor;
  readonly sha256: string | null;
  readonly skipReason: string | null;
}

/**
 * The attachment `descriptor` of a message (current or an older version). The downloaded file is
 * the message's file only when it is the same Telegram file; an older attachment's bytes are not linked.
 */
export function mediaShape(descriptor: MediaDescriptor, row: MessageRow | undefined): MediaShape {
  if (!row) return { descriptor, sha256: null, skipReason: null };
  const same = descriptor.fileId === undefined || descriptor.fileId === row.media?.fileId;
  return {
    descriptor,
    sha256: same ? (row.mediaSha256 ?? null) : null,
    skipReason: same ? (row.mediaSkipReason ?? null) : null,
  };
}

export const MediaRef = builder.objectRef<MediaShape>('Media').implement({
  description: "A message's attachment; `file` is set once the bytes were downloaded",
  fields: (t) => ({
    kind: t.field({ type: MediaKindEnum, resolve: ({ descriptor }) => descriptor.kind }),
    telegramFileId: t.string({ nullable: true, resolve: ({ descriptor }) => descriptor.fileId ?? null }),
    mimeType: t.string({ nullable: true, resolve: ({ descriptor }) => descriptor.mimeType ?? null }),
    fileName: t.string({ nullable: true, resolve: ({ descriptor }) => descriptor.fileName ?? null }),
    size: t.float({
      nullable: true,
      description: 'Bytes',
      resolve: ({ descriptor }) => descriptor.size ?? null,
    }),
    width: t.int({ nullable: true, resolve: ({ descriptor }) => descriptor.width ?? null }),
    height: t.int({ nullable: true, resolve: ({ descriptor }) => descriptor.height ?? null }),
    durationSeconds: t.float({
      nullable: true,
      resolve: ({ descriptor }) => descriptor.durationSeconds ?? null,
    }),
    details: t.field({
      type: JsonScalar,
      nullable: true,
      description: "Facts of non-file media: a poll's question, a venue, a link preview's URL…",
      resolve: ({ descriptor }) => descriptor.details ?? null,
    }),
    file: t.field({
      type: MediaFileRef,
      nullable: true,
      description: 'The downloaded bytes; null when not (yet) downloaded, see skipReason',
      resolve: ({ sha256 }) => sha256,
    }),
    skipReason: t.string({
      nullable: true,
      description:
        'Why the file was not downloaded: type-disabled, too-large, chat-opted-out, unavailable, failed',
      resolve: ({ skipReason }) => skipReason,
    }),
  }),
});
