// MessageFilter: which of a chat's messages to list. Contradictory combinations are rejected with
// BAD_USER_INPUT rather than silently answered with nothing.

import { ViewerInputError } from '../../errors.ts';
import { decodeGlobalId } from '../../ids.ts';
import type { MessageFilter } from '../../queries/message-page.ts';
import { builder } from '../builder.ts';
import { DateTimeScalar } from './date-time.ts';
import { MediaKindEnum } from './media-kind.ts';

export const MessageFilterInput = builder.inputType('MessageFilter', {
  fields: (t) => ({
    includeDeleted: t.boolean({
      required: false,
      defaultValue: true,
      description: 'Include messages deleted from Telegram (default true: the archive keeps them)',
    }),
    onlyDeleted: t.boolean({ required: false, defaultValue: false, description: 'Only deleted messages' }),
    onlyEdited: t.boolean({
      required: false,
      defaultValue: false,
      description: 'Only messages edited at least once',
    }),
    hasMedia: t.boolean({ required: false, description: 'With (true) or without (false) an attachment' }),
    mediaType: t.field({ type: MediaKindEnum, required: false, description: 'Only this kind of attachment' }),
    from: t.id({ required: false, description: 'Only messages sent by this User or Chat (a global id)' }),
    since: t.field({ type: DateTimeScalar, required: false, description: 'Sent at or after this instant' }),
    until: t.field({ type: DateTimeScalar, required: false, description: 'Sent at or before this instant' }),
  }),
});

type FilterArgs = typeof MessageFilterInput.$inferInput;

export function parseMessageFilter(input: FilterArgs | null | undefined): MessageFilter {
  const includeDeleted = input?.includeDeleted ?? true;
  const onlyDeleted = input?.onlyDeleted ?? false;
  if (onlyDeleted && !includeDeleted) {
    throw new ViewerInputError("'onlyDeleted: true' contradicts 'includeDeleted: false'", {
      argument: 'filter.onlyDeleted',
    });
  }
  const since = input?.since ?? undefined;
  const until = input?.until ?? undefined;
  if (since && until && since.getTime() > until.getTime()) {
    throw new ViewerInputError("'since' is after 'until'", { argument: 'filter.since' });
  }
  return {
    includeDeleted,
    onlyDeleted,
    onlyEdited: input?.onlyEdited ?? false,
    hasMedia: input?.hasMedia ?? undefined,
    mediaType: input?.mediaType ?? undefined,
    senderPeer: input?.from == null ? undefined : senderPeerOf(String(input.from)),
    since,
    until,
  };
}

/** The typed peer key stored in messages.sender_peer for a User or Chat global id. */
function senderPeerOf(globalId: string): string {
  const { typename, id } = decodeGlobalId(globalId);
  if (typename === 'User') return `u${id.slice(id.indexOf('.') + 1)}`;
  if (typename === 'Chat') return id.slice(id.indexOf('.') + 1);
  throw new ViewerInputError("'from' must be a User or Chat id", { argument: 'filter.from' });
}
