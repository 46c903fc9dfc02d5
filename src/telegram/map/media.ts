// Message media: a descriptor for the event payload and, for files, the location to download from.
import type { MediaLocation } from '../../events/observations.ts';
import type { MediaDescriptor, MediaKind } from '../../events/payloads.ts';
import { idString, lowerCamelAfter, primitiveFields } from './common.ts';

export interface MappedMedia {
  readonly descriptor: MediaDescriptor;
  readonly location?: MediaLocation;
}

const numberOf = (value: unknown): number | undefined =>
  value === undefined || value === null ? undefined : Number(String(value));

/** The biggest downloadable size of a photo (progressive sizes report their largest step). */
function largestPhotoSize(
  sizes: readonly any[],
): { type: string; w: number; h: number; size?: number } | undefined {
  let best: { type: string; w: number; h: number; size?: number } | undefined;
  for (const size of sizes ?? []) {
    let bytes: number | undefined;
    if (size.className === 'PhotoSize') bytes = size.size;
    else if (size.className === 'PhotoSizeProgressive') bytes = Math.max(...(size.sizes as number[]));
    else if (size.className === 'PhotoCachedSize') bytes = size.bytes?.length;
    else continue; // stripped and path thumbnails are not files
    if (!best || size.w * size.h > best.w * best.h)
      best = { type: size.type, w: size.w, h: size.h, size: bytes };
  }
  return best;
}

function photo(tl: any): MappedMedia {
  const p = tl.photo;
  if (p?.className !== 'Photo') return { descriptor: { kind: 'photo' } };
  const size = largestPhotoSize(p.sizes);
  return {
    descriptor: {
      kind: 'photo',
      fileId: idString(p.id),
      size: size?.size,
      mimeType: 'image/jpeg',
      width: size?.w,
      height: size?.h,
    },
    location: {
      location: 'photo',
      id: idString(p.id),
      accessHash: idString(p.accessHash),
      fileReference: Buffer.from(p.fileReference ?? []).toString('base64'),
      dcId: p.dcId,
      thumbSize: size?.type ?? '',
      size: size?.size,
    },
  };
}

function documentKind(media: any, attributes: readonly any[]): MediaKind {
  const has = (name: string) => attributes.find((a) => a.className === name);
  const video = has('DocumentAttributeVideo');
  const audio = has('DocumentAttributeAudio');
  if (media.round || video?.roundMessage) return 'round';
  if (media.voice || audio?.voice) return 'voice';
  if (has('DocumentAttributeSticker') || has('DocumentAttributeCustomEmoji')) return 'sticker';
  if (has('DocumentAttributeAnimated')) return 'animation';
  if (video || media.video) return 'video';
  if (audio) return 'audio';
  return 'document';
}

function document(tl: any): MappedMedia {
  const d = tl.document;
  if (d?.className !== 'Document') return { descriptor: { kind: 'document' } };
  const attributes: any[] = d.attributes ?? [];
  const find = (name: string) => attributes.find((a) => a.className === name);
  const video = find('DocumentAttributeVideo');
  const audio = find('DocumentAttributeAudio');
  const image = find('DocumentAttributeImageSize');
  const duration = numberOf(video?.duration ?? audio?.duration);
  const size = numberOf(d.size);
  return {
    descriptor: {
      kind: documentKind(tl, attributes),
      fileId: idString(d.id),
      size,
      mimeType: d.mimeType,
      fileName: find('DocumentAttributeFilename')?.fileName,
      width: video?.w ?? image?.w,
      height: video?.h ?? image?.h,
      durationSeconds: duration,
    },
    location: {
      location: 'document',
      id: idString(d.id),
      accessHash: idString(d.accessHash),
      fileReference: Buffer.from(d.fileReference ?? []).toString('base64'),
      dcId: d.dcId,
      thumbSize: '',
      size,
    },
  };
}

const textOf = (value: any): string | undefined => (typeof value === 'string' ? value : value?.text);

export function mapMedia(tl: any): MappedMedia | undefined {
  switch (tl?.className) {
    case undefined:
    case 'MessageMediaEmpty':
      return undefined;
    case 'MessageMediaPhoto':
      return photo(tl);
    case 'MessageMediaDocument':
      return document(tl);
    case 'MessageMediaGeo':
    case 'MessageMediaGeoLive':
      return {
        descriptor: { kind: 'geo', details: { lat: tl.geo?.lat ?? null, long: tl.geo?.long ?? null } },
      };
    case 'MessageMediaVenue':
      return {
        descriptor: {
          kind: 'geo',
          details: {
            lat: tl.geo?.lat ?? null,
            long: tl.geo?.long ?? null,
            title: tl.title,
            address: tl.address,
          },
        },
      };
    case 'MessageMediaContact':
      return {
        descriptor: {
          kind: 'contact',
          details: {
            firstName: tl.firstName,
            lastName: tl.lastName,
            phoneNumber: tl.phoneNumber,
            userId: idString(tl.userId),
          },
        },
      };
    case 'MessageMediaPoll':
      return {
        descriptor: {
          kind: 'poll',
          details: {
            question: textOf(tl.poll?.question) ?? '',
            answers: (tl.poll?.answers ?? []).map((a: any) => textOf(a.text) ?? '').join('\n'),
            quiz: Boolean(tl.poll?.quiz),
            closed: Boolean(tl.poll?.closed),
          },
        },
      };
    case 'MessageMediaWebPage': {
      const page = tl.webpage;
      return {
        descriptor: {
          kind: 'webpage',
          details: { url: page?.url ?? null, title: page?.title ?? null, siteName: page?.siteName ?? null },
        },
      };
    }
    case 'MessageMediaDice':
      return { descriptor: { kind: 'dice', details: { emoticon: tl.emoticon, value: tl.value } } };
    default:
      return {
        descriptor: {
          kind: 'other',
          details: { type: lowerCamelAfter('MessageMedia', tl.className), ...primitiveFields(tl) },
        },
      };
  }
}
