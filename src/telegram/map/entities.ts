// Text formatting entities: TL MessageEntity* to our MessageEntity.
import type { MessageEntity } from '../../events/payloads.ts';
import { lowerCamelAfter, optionalId } from './common.ts';

export function mapEntity(tl: any): MessageEntity {
  const entity: {
    -readonly [K in keyof MessageEntity]: MessageEntity[K];
  } = {
    type: lowerCamelAfter('MessageEntity', String(tl.className)),
    offset: tl.offset,
    length: tl.length,
  };
  if (typeof tl.url === 'string') entity.url = tl.url;
  if (tl.userId !== undefined) entity.userId = optionalId(tl.userId);
  if (typeof tl.language === 'string' && tl.language !== '') entity.language = tl.language;
  if (tl.documentId !== undefined) entity.customEmojiId = optionalId(tl.documentId);
  return entity;
}

export const mapEntities = (list: readonly any[] | undefined): MessageEntity[] => (list ?? []).map(mapEntity);
