// MessageVersion: one content of a message and the interval the archive held it as current.
import { MessageVersion } from '../../../../projections/index.ts';
import { builder } from '../builder.ts';
import { DateTimeScalar } from './date-time.ts';
import { EventSourceEnum } from './event-source.ts';
import { MediaRef, mediaShape } from './media.ts';
import { MessageEntityRef } from './message-entity.ts';

export const MessageVersionRef = builder.objectType(MessageVersion, {
  name: 'MessageVersion',
  description: 'A version of the content: [validFrom, validTo) is when the archive held it as current',
  fields: (t) => ({
    versionNo: t.exposeInt('versionNo', { description: '0 for the content first seen, then 1, 2, …' }),
    text: t.exposeString('text'),
    entities: t.field({ type: [MessageEntityRef], resolve: (v) => v.entities }),
    media: t.field({
      type: MediaRef,
      nullable: true,
      resolve: (v) => (v.media ? mediaShape(v.media, v.message) : null),
    }),
    editDate: t.field({
      type: DateTimeScalar,
      nullable: true,
      description: "Telegram's edit date of this version, when it sent one",
      resolve: (v) => v.editDate ?? null,
    }),
    validFrom: t.field({ type: DateTimeScalar, resolve: (v) => v.validFrom }),
    validTo: t.field({
      type: DateTimeScalar,
      nullable: true,
      description: 'Null for the current version',
      resolve: (v) => v.validTo ?? null,
    }),
    source: t.field({
      type: EventSourceEnum,
      resolve: (v) => v.source as 'live' | 'difference' | 'backfill' | 'import',
    }),
  }),
});
