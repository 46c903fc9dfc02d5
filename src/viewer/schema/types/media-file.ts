// MediaFile: a downloaded file, stored once per content hash and served at /media/<sha256>.

import { MEDIA_PREFIX } from '../../http/media-route.ts';
import type { MediaRow } from '../../queries/rows.ts';
import { rowsWithKeys } from '../../queries/sql.ts';
import { builder } from '../builder.ts';
import { DateTimeScalar } from './date-time.ts';

export const MediaFileRef = builder.loadableObjectRef<MediaRow, string>('MediaFile', {
  load: (hashes: string[], { sql }) => rowsWithKeys<MediaRow>(sql, 'media', 'sha256', hashes),
  sort: (media) => media.sha256,
});

MediaFileRef.implement({
  description: 'File bytes the archive holds; identical files are stored once',
  fields: (t) => ({
    sha256: t.exposeString('sha256'),
    url: t.string({
      description: 'Path of the bytes on this server (same credentials; supports Range requests)',
      resolve: (media) => `${MEDIA_PREFIX}${media.sha256}`,
    }),
    size: t.float({ description: 'Bytes', resolve: (media) => Number(media.size) }),
    mimeType: t.exposeString('mimeType'),
    extension: t.exposeString('extension'),
    width: t.int({ nullable: true, resolve: (media) => media.width ?? null }),
    height: t.int({ nullable: true, resolve: (media) => media.height ?? null }),
    durationSeconds: t.float({
      nullable: true,
      resolve: (media) => (media.durationSeconds == null ? null : Number(media.durationSeconds)),
    }),
    firstSeenAt: t.field({ type: DateTimeScalar, resolve: (media) => media.firstSeenAt }),
  }),
});
