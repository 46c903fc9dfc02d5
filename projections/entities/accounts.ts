// The archiving accounts and what their account stream says about them: who is linked, which
// deletions could not be matched to a chat, and the backfill runs the archiver made.
import { defineEntity, p } from '@mikro-orm/core';

const AccountSchema = defineEntity({
  name: 'Account',
  tableName: 'accounts',
  properties: {
    /** The archiving account's Telegram user id. */
    id: p.string().primary(),
    firstName: p.string().nullable(),
    username: p.string().nullable(),
    /** When AccountLinked was observed; null while the account is only known from its streams. */
    linkedAt: p.datetime().nullable(),
    unresolvedDeletionCount: p.integer(),
    /** Version of the last applied event of `account-<id>`: the idempotency guard. */
    streamVersion: p.integer(),
  },
});
export class Account extends AccountSchema.class {}
AccountSchema.setClass(Account);

const UnresolvedDeletionSchema = defineEntity({
  name: 'UnresolvedDeletion',
  tableName: 'unresolved_deletions',
  properties: {
    eventId: p.string().primary(),
    messageId: p.integer().primary(),
    account: p.string(),
    observedAt: p.datetime(),
    reason: p.text(),
  },
  indexes: [{ properties: ['account', 'messageId'] }],
});
export class UnresolvedDeletion extends UnresolvedDeletionSchema.class {}
UnresolvedDeletionSchema.setClass(UnresolvedDeletion);

const BackfillRunSchema = defineEntity({
  name: 'BackfillRun',
  tableName: 'backfill_runs',
  properties: {
    runId: p.string().primary(),
    account: p.string(),
    /** Chat key `<account>.<peer>` (see keys.ts). */
    chatId: p.string(),
    mode: p.string().nullable(),
    since: p.datetime().nullable(),
    until: p.datetime().nullable(),
    /** running | completed | interrupted | failed */
    status: p.string(),
    fetched: p.integer().nullable(),
    created: p.integer().nullable(),
    edited: p.integer().nullable(),
    deleted: p.integer().nullable(),
    reason: p.text().nullable(),
    resumeFromMessageId: p.integer().nullable(),
    startedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ['chatId', 'startedAt'] }],
});
export class BackfillRun extends BackfillRunSchema.class {}
BackfillRunSchema.setClass(BackfillRun);
