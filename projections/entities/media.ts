// Downloaded files, content-addressed by SHA-256, and which messages carry them: a file forwarded
// to ten chats is one media row and ten message_media rows.
import { defineEntity, p } from '@mikro-orm/core';
import { Message } from './messages.ts';

const MediaSchema = defineEntity({
  name: 'Media',
  tableName: 'media',
  properties: {
    sha256: p.string().primary(),
    size: p.bigint('number'),
    mimeType: p.string(),
    /** Without the dot: the file lives at media/<sha256[0..2]>/<sha256>.<extension>. */
    extension: p.string(),
    width: p.integer().nullable(),
    height: p.integer().nullable(),
    durationSeconds: p.double().nullable(),
    firstSeenAt: p.datetime(),
  },
});
export class Media extends MediaSchema.class {}
MediaSchema.setClass(Media);

const MessageMediaSchema = defineEntity({
  name: 'MessageMedia',
  tableName: 'message_media',
  properties: {
    message: () =>
      p.manyToOne(Message).createForeignKeyConstraint(false).joinColumn('message_pk').index(false).primary(),
    media: () => p.manyToOne(Media).createForeignKeyConstraint(false).joinColumn('sha256').primary(),
    /** The original file name: kept here, never in the stored path. */
    fileName: p.text().nullable(),
    downloadedAt: p.datetime(),
  },
  indexes: [{ properties: ['media'] }],
});
export class MessageMedia extends MessageMediaSchema.class {}
MessageMediaSchema.setClass(MessageMedia);
