// Handlers for the account stream: linking, deletions that could not be matched to a chat, and
// backfill runs. GapDetected is a no-op by design: it is a signal to the backfiller, not a fact
// the read model shows (the backfill run it triggers is).
import type { StoredEventOf } from '../../src/events/envelope.ts';
import { chatKey } from '../keys.ts';
import type { AccountRow, BackfillRunRow, Millis } from '../model.ts';
import type { BatchDraft } from './draft.ts';

export type AccountEvent =
  | StoredEventOf<'AccountLinked'>
  | StoredEventOf<'DeletionUnresolved'>
  | StoredEventOf<'BackfillRunStarted'>
  | StoredEventOf<'BackfillRunCompleted'>
  | StoredEventOf<'GapDetected'>;

function emptyRun(account: string, runId: string, chatId: string): BackfillRunRow {
  return {
    runId,
    account,
    chatId,
    mode: null,
    since: null,
    until: null,
    status: 'running',
    fetched: null,
    created: null,
    edited: null,
    deleted: null,
    reason: null,
    resumeFromMessageId: null,
    startedAt: null,
    completedAt: null,
  };
}

function apply(draft: BatchDraft, row: AccountRow, event: AccountEvent, observedAt: Millis): void {
  switch (event.type) {
    case 'AccountLinked':
      row.firstName = event.data.firstName ?? null;
      row.username = event.data.username ?? null;
      row.linkedAt ??= observedAt;
      return;
    case 'DeletionUnresolved': {
      const ids = [...new Set(event.data.messageIds)];
      const at = Date.parse(event.data.observedAt);
      for (const messageId of ids)
        draft.addUnresolved({
          eventId: event.id,
          messageId,
          account: row.id,
          observedAt: at,
          reason: event.data.reason,
        });
      row.unresolvedDeletionCount += ids.length;
      return;
    }
    case 'BackfillRunStarted': {
      const d = event.data;
      const run = draft.findBackfillRun(d.runId) ?? emptyRun(row.id, d.runId, chatKey(row.id, d.chat));
      run.mode = d.mode;
      run.since = d.since === undefined ? null : Date.parse(d.since);
      run.until = d.until === undefined ? null : Date.parse(d.until);
      run.startedAt = observedAt;
      draft.putBackfillRun(run);
      return;
    }
    case 'BackfillRunCompleted': {
      const d = event.data;
      const run = draft.findBackfillRun(d.runId) ?? emptyRun(row.id, d.runId, chatKey(row.id, d.chat));
      Object.assign(run, {
        status: d.status,
        fetched: d.fetched,
        created: d.created,
        edited: d.edited,
        deleted: d.deleted,
        reason: d.reason ?? null,
        resumeFromMessageId: d.resumeFromMessageId ?? null,
        completedAt: observedAt,
      });
      draft.putBackfillRun(run);
      return;
    }
    case 'GapDetected':
      return;
  }
}

export function accountEvent(
  draft: BatchDraft,
  account: string,
  event: AccountEvent,
  observedAt: Millis,
): boolean {
  const row = draft.account(account);
  if (event.streamVersion <= row.streamVersion) return false;
  apply(draft, row, event, observedAt);
  row.streamVersion = event.streamVersion;
  draft.touchAccount(row);
  return true;
}
