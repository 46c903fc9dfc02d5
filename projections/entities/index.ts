// The read model's MikroORM entities (defineEntity, no decorators). Every table is derived from the
// event log and can be rebuilt; the projector writes them set-based, readers use the ORM.
// Relations carry no foreign-key constraints: the projector creates every referenced row first
// (placeholders included), the equivalence test checks there are no orphans, and constraint checks
// would cost a lookup per written row on every batch.
import { Account, BackfillRun, UnresolvedDeletion } from './accounts.ts';
import { Checkpoint, SkippedEvent } from './bookkeeping.ts';
import { Chat, User, UserName } from './chats.ts';
import { Media, MessageMedia } from './media.ts';
import { Message, MessageVersion, Pin, Reaction, ReactionSnapshot } from './messages.ts';

export { Account, BackfillRun, UnresolvedDeletion } from './accounts.ts';
export { Checkpoint, SkippedEvent } from './bookkeeping.ts';
export { Chat, User, UserName } from './chats.ts';
export { Media, MessageMedia } from './media.ts';
export { Message, MessageVersion, Pin, Reaction, ReactionSnapshot } from './messages.ts';

export const entities = [
  Account,
  UnresolvedDeletion,
  BackfillRun,
  Chat,
  User,
  UserName,
  Message,
  MessageVersion,
  Reaction,
  ReactionSnapshot,
  Pin,
  Media,
  MessageMedia,
  Checkpoint,
  SkippedEvent,
];
