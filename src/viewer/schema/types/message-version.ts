// MessageVersion: one content of a message and the interval the archive held it as current.
import type { MessageRow, VersionRow } from '../../queries/rows.ts';
import { builder } from '../builder.ts';
import { DateTimeScalar } from './date-time.ts';
import { EventSourceEnum } from './event-source.ts';
import { MediaRef, mediaShape } from './media.ts';
import { MessageEntityRef } from './message-entity.ts';

/** A version together with its message's current row (for the downloaded file of its media). */
export interface VersionView {
  readonly version: VersionRow;
  readonly row: MessageRow;
}

export const MessageVersionRef = builder.objectRef<VersionView>('MessageVersion').implement({
  description: 'A version of the content: [validFrom, validTo) is when the archive held it as current',
  fields: (t) => ({
    versionNo: t.int({
      description: '0 for the content first seen, then 1, 2, …',
      resolve: (v) => v.version.versionNo,
    }),
    text: t.string({ resolve: (v) => v.version.text }),
    entities: t.field({ type: [MessageEntityRef], resolve: (v) => v.version.entities }),
    media: t.field({
      type: MediaRef,
      nullable: true,
      resolve: ({ version, row }) => (version.media ? mediaShape(version.media, row) : null),
    }),
    editDate: t.field({
      type: DateTimeScalar,
      nullable: true,
      description: "Telegram's edit date of this version, when it sent one",
      resolve: (v) => v.version.editDate,
    }),
    validFrom: t.field({ type: DateTimeScalar, resolve: (v) => v.version.validFrom }),
    validTo: t.field({
      type: DateTimeScalar,
      nullable: true,
      description: 'Null for the current version',
      resolve: (v) => v.version.validTo,
    }),
    source: t.field({
      type: EventSourceEnum,
      resolve: (v) => v.version.source as 'live' | 'difference' | 'backfill' | 'import',
    }),
  }),
});
