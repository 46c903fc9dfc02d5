// Media descriptors with realistic kinds, sizes (log-normal, a tail beyond the default 100 MB
// limit), MIME types and file names in several scripts.
import type { MediaDescriptor, MediaKind } from '../../src/events/payloads.ts';
import type { Random } from './random.ts';

const KINDS: readonly [MediaKind, number][] = [
  ['photo', 46],
  ['video', 10],
  ['document', 10],
  ['voice', 8],
  ['sticker', 9],
  ['animation', 4],
  ['audio', 2],
  ['round', 2],
  ['webpage', 6],
  ['poll', 1],
  ['geo', 1],
  ['contact', 0.5],
  ['dice', 0.5],
];
let running = 0;
const CUMULATIVE = KINDS.map(([, weight]) => (running += weight));

const DOCUMENTS: readonly [string, string][] = [
  ['report-2024.pdf', 'application/pdf'],
  ['отчёт за май.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['予定表.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['backup.tar.gz', 'application/gzip'],
  ['notes.txt', 'text/plain'],
  [
    'presentation final (2).pptx',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ],
];

const size = (rng: Random, median: number, sigma: number) =>
  Math.max(200, Math.round(rng.logNormal(median, sigma)));

export function generatePhoto(rng: Random): MediaDescriptor {
  const [width, height] = rng.pick([
    [1280, 960],
    [960, 1280],
    [2560, 1920],
    [1080, 1080],
    [800, 600],
  ] as const);
  return {
    kind: 'photo',
    fileId: rng.digits(19),
    size: size(rng, 180_000, 0.8),
    mimeType: 'image/jpeg',
    width,
    height,
  };
}

export function generateMedia(rng: Random): MediaDescriptor {
  const kind = KINDS[rng.weighted(CUMULATIVE)]![0];
  const fileId = rng.digits(19);
  switch (kind) {
    case 'photo':
      return generatePhoto(rng);
    case 'video':
      return {
        kind,
        fileId,
        size: size(rng, 12_000_000, 1.4),
        mimeType: 'video/mp4',
        width: 1280,
        height: 720,
        durationSeconds: rng.int(2, 1800),
        ...(rng.chance(0.3) ? { fileName: `VID_${rng.digits(8)}.mp4` } : {}),
      };
    case 'document': {
      const [fileName, mimeType] = rng.pick(DOCUMENTS);
      return { kind, fileId, size: size(rng, 900_000, 1.8), mimeType, fileName };
    }
    case 'voice':
      return {
        kind,
        fileId,
        size: size(rng, 60_000, 0.7),
        mimeType: 'audio/ogg',
        durationSeconds: rng.int(1, 300),
      };
    case 'audio':
      return {
        kind,
        fileId,
        size: size(rng, 6_000_000, 0.5),
        mimeType: 'audio/mpeg',
        durationSeconds: rng.int(60, 600),
        fileName: rng.pick(['song.mp3', 'песня.mp3', '歌.mp3']),
      };
    case 'sticker':
      return { kind, fileId, size: size(rng, 30_000, 0.5), mimeType: 'image/webp', width: 512, height: 512 };
    case 'animation':
      return {
        kind,
        fileId,
        size: size(rng, 1_500_000, 0.9),
        mimeType: 'video/mp4',
        width: 480,
        height: 270,
      };
    case 'round':
      return {
        kind,
        fileId,
        size: size(rng, 2_000_000, 0.6),
        mimeType: 'video/mp4',
        durationSeconds: rng.int(1, 60),
      };
    case 'webpage':
      return {
        kind,
        details: {
          url: `https://example.org/article/${rng.digits(5)}`,
          title: 'Article',
          siteName: 'Example',
        },
      };
    case 'poll':
      return {
        kind,
        details: {
          question: rng.pick(['Lunch?', 'Обед?', '昼ご飯?']),
          answers: rng.int(2, 6),
          closed: false,
        },
      };
    case 'geo':
      return {
        kind,
        details: { lat: rng.int(-80_000, 80_000) / 1000, long: rng.int(-179_000, 179_000) / 1000 },
      };
    case 'contact':
      return { kind, details: { firstName: 'Contact', userId: rng.digits(10) } };
    default:
      return { kind: 'dice', details: { emoticon: '🎲', value: rng.int(1, 6) } };
  }
}

export const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'application/pdf': 'pdf',
  'application/gzip': 'gz',
  'text/plain': 'txt',
};

export function extensionOf(media: MediaDescriptor): string {
  const fromName = media.fileName?.match(/\.([A-Za-z0-9]{1,8})$/)?.[1];
  return (fromName ?? EXTENSIONS[media.mimeType ?? ''] ?? 'bin').toLowerCase();
}
