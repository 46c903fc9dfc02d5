// Message: one message with everything the archive knows about it: content (current, or as of a
// past moment), sender, reply, forward, media, reactions, every version, the deletion's
// provenance, and the raw events behind it all.
import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { parsePeerKey, streams } from '../../../events/peers.ts';
import type { ViewerContext } from '../../context.ts';
import { contentOf, deletedAt, type MessageView } from '../../queries/message-view.ts';
import { momentKey } from '../../queries/moment-keys.ts';
import { loadPinnedAsOf } from '../../queries/pins.ts';
import { loadReactions } from '../../queries/reactions.ts';
import type { MessageRow, VersionRow } from '../../queries/rows.ts';
import { rowsWithKeys } from '../../queries/sql.ts';
import { builder } from '../builder.ts';
import { ArchiveEventRef } from './archive-event.ts';
import { ChatNode } from './chat.ts';
import { DateTimeScalar } from './date-time.ts';
import { DeletionRef } from './deletion.ts';
import { ForwardOriginRef } from './forward-origin.ts';
import { MediaRef, mediaShape } from './media.ts';
import { MessageEntityRef } from './message-entity.ts';
import { MessageVersionRef } from './message-version.ts';
import { ReactionRef } from './reaction.ts';
import { ReplyToRef } from './reply-to.ts';
import { SenderUnion, senderKey } from './sender.ts';
import { ServiceActionRef } from './service-action.ts';

export const MessageNode = builder.loadableNodeRef<MessageView, string>('Message', {
  id: { resolve: (view) => view.row.id },
  load: async (ids: string[], { sql }) =>
    (await rowsWithKeys<MessageRow>(sql, 'messages', 'id', ids.map(Number))).map((row) => ({ row })),
  sort: (view) => String(view.row.id),
});

MessageNode.implement({
  description: 'A message; under `asOf` its fields show it as it was at that moment',
  fields: (t) => ({
    messageId: t.int({
      description: "Telegram's message id within the chat",
      resolve: (v) => v.row.messageId,
    }),
    chat: t.field({ type: ChatNode, resolve: (v) => v.row.chat }),
    date: t.field({
      type: DateTimeScalar,
      nullable: true,
      description: 'When it was sent; null when only later facts of the message reached the archive',
      resolve: (v) => v.row.date ?? null,
    }),
    asOf: t.field({
      type: DateTimeScalar,
      nullable: true,
      description: 'The moment this view shows, when it is not the present',
      resolve: (v) => v.asOf ?? null,
    }),
    text: t.string({ resolve: (v) => contentOf(v).text }),
    entities: t.field({ type: [MessageEntityRef], resolve: (v) => contentOf(v).entities }),
    media: t.field({
      type: MediaRef,
      nullable: true,
      resolve: (v) => {
        const media = contentOf(v).media;
        return media ? mediaShape(media, v.row) : null;
      },
    }),
    senderPeerId: t.string({
      nullable: true,
      description: 'Typed peer id of the sender (u<id>, c<id>); null for unsigned channel posts',
      resolve: (v) => v.row.senderPeer ?? null,
    }),
    sender: t.field({
      type: SenderUnion,
      nullable: true,
      description: 'The sender, when the archive has observed them',
      resolve: (v) => (v.row.senderPeer ? senderKey(v.row.account, v.row.senderPeer) : null),
    }),
    outgoing: t.boolean({ description: 'Sent by the archived account', resolve: (v) => v.row.outgoing }),
    replyTo: t.field({
      type: ReplyToRef,
      nullable: true,
      resolve: (v) => (v.row.replyToMessageId != null || v.row.replyQuote != null ? v : null),
    }),
    forward: t.field({
      type: ForwardOriginRef,
      nullable: true,
      resolve: (v) => (v.row.forward ? { origin: v.row.forward, account: v.row.account } : null),
    }),
    service: t.field({ type: ServiceActionRef, nullable: true, resolve: (v) => v.row.service ?? null }),
    topicId: t.int({ nullable: true, description: 'Forum topic', resolve: (v) => v.row.topicId ?? null }),
    groupedId: t.string({
      nullable: true,
      description: 'Album id shared by grouped media',
      resolve: (v) => v.row.groupedId ?? null,
    }),
    viaBotId: t.string({ nullable: true, resolve: (v) => v.row.viaBotId ?? null }),
    postAuthor: t.string({
      nullable: true,
      description: 'Signature of a channel post',
      resolve: (v) => v.row.postAuthor ?? null,
    }),
    views: t.int({ nullable: true, resolve: (v) => v.row.views ?? null }),
    forwards: t.int({ nullable: true, resolve: (v) => v.row.forwards ?? null }),
    edited: t.boolean({ resolve: (v) => editCount(v) > 0 }),
    editCount: t.int({ description: 'Edits observed (up to asOf)', resolve: editCount }),
    editDate: t.field({
      type: DateTimeScalar,
      nullable: true,
      description: 'When the content shown was last edited',
      resolve: (v) =>
        v.version
          ? v.version.versionNo > 0
            ? (v.version.editDate ?? v.version.validFrom)
            : null
          : (v.row.lastEditedAt ?? null),
    }),
    deleted: t.boolean({ resolve: (v) => deletedAt(v) !== undefined }),
    deletion: t.field({
      type: DeletionRef,
      nullable: true,
      description: 'When, how and from which source the deletion was observed; null while the message exists',
      resolve: (v) => (deletedAt(v) !== undefined ? v.row : null),
    }),
    pinned: t.boolean({
      description: 'Pinned in its chat (at asOf: per the pin history)',
      resolve: (v, _args, context) =>
        v.asOf === undefined ? v.row.pinned : pinnedAsOf(context).load(momentKey(v.row.id, v.asOf)),
    }),
    reactions: t.loadableList({
      type: ReactionRef,
      description: 'Reaction counts, most frequent first (at asOf: the snapshot in force then)',
      load: (keys: string[], { sql }) => loadReactions(sql, keys),
      resolve: (v) => momentKey(v.row.id, v.asOf),
    }),
    reactionCount: t.int({
      description: 'Current total of all reactions',
      resolve: (v) => v.row.reactionsTotal,
    }),
    versions: t.field({
      type: [MessageVersionRef],
      description: 'Every version of the content, oldest first, with its validity interval',
      complexity: { field: 2, multiplier: 5 },
      resolve: async (v, _args, context) =>
        (await versionsOf(context).load(v.row.id)).map((version) => ({ version, row: v.row })),
    }),
    events: t.field({
      type: [ArchiveEventRef],
      description: "The raw audit trail: every event of this message's stream, oldest first",
      complexity: { field: 20, multiplier: 5 },
      resolve: (v, _args, { events }) => {
        const chat = parsePeerKey(v.row.chatPeer);
        if (!chat) throw new Error(`Message ${v.row.id} has a malformed chat peer`);
        return events.readStream(streams.message(v.row.account, chat, v.row.messageId));
      },
    }),
  }),
});

/** All versions of a page of messages in one query, oldest first per message. */
const versionsOf = createContextCache(
  ({ sql }: ViewerContext) =>
    new DataLoader<number, VersionRow[]>(async (pks) => {
      const rows = await rowsWithKeys<VersionRow>(
        sql,
        'messageVersions',
        'message_pk',
        pks,
        'message_pk, version_no',
      );
      const byMessage = new Map<number, VersionRow[]>();
      for (const row of rows) byMessage.set(row.message, [...(byMessage.get(row.message) ?? []), row]);
      return pks.map((pk) => byMessage.get(pk) ?? []);
    }),
);

const pinnedAsOf = createContextCache(
  ({ sql }: ViewerContext) => new DataLoader<string, boolean>((keys) => loadPinnedAsOf(sql, keys)),
);

function editCount(view: MessageView): number {
  return view.version ? view.version.versionNo : view.row.editCount;
}
