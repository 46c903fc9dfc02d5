// ForwardOrigin: where a forwarded message first came from.
import type { ForwardOrigin } from '../../../events/payloads.ts';
import { peerKey } from '../../../events/peers.ts';
import { builder } from '../builder.ts';
import { DateTimeScalar } from './date-time.ts';
import { SenderUnion, senderKey } from './sender.ts';

export interface ForwardShape {
  readonly origin: ForwardOrigin;
  readonly account: string;
}

export const ForwardOriginRef = builder.objectRef<ForwardShape>('ForwardOrigin').implement({
  fields: (t) => ({
    from: t.field({
      type: SenderUnion,
      nullable: true,
      description: 'The original author, when the archive knows them',
      resolve: ({ origin, account }) => (origin.from ? senderKey(account, peerKey(origin.from)) : null),
    }),
    fromPeerId: t.string({
      nullable: true,
      description: 'Typed peer id of the original author',
      resolve: ({ origin }) => (origin.from ? peerKey(origin.from) : null),
    }),
    fromName: t.string({
      nullable: true,
      description: 'The name shown for authors who hide their account',
      resolve: ({ origin }) => origin.fromName ?? null,
    }),
    date: t.field({
      type: DateTimeScalar,
      description: 'When the original was sent',
      resolve: ({ origin }) => new Date(origin.date),
    }),
    channelPostId: t.int({ nullable: true, resolve: ({ origin }) => origin.channelPostId ?? null }),
    postAuthor: t.string({ nullable: true, resolve: ({ origin }) => origin.postAuthor ?? null }),
  }),
});
