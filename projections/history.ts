// "The chat as of time T": each message's version that was current at T, leaving out messages
// deleted by then, in one SQL query over message_versions (validFrom <= T < validTo), reached
// through the chat's messages (the messages (chat, message id) index, then the version key).
import type { MediaDescriptor, MessageEntity } from '../src/events/payloads.ts';
import type { ReadModelCopy } from './db/open.ts';
import { decodeValue } from './db/tables.ts';

export interface MessageAsOf {
  /** messages.id */
  readonly message: number;
  readonly messageId: number;
  readonly date: Date | null;
  readonly senderPeer: string | null;
  readonly versionNo: number;
  readonly text: string;
  readonly entities: readonly MessageEntity[];
  readonly media: MediaDescriptor | null;
  readonly editDate: Date | null;
  /** The deletion, when it happened after T (the message was still there at T). */
  readonly deletedAt: Date | null;
}

export interface ChatAsOfOptions {
  /** Chat key `<account>.<peer>`. */
  readonly chat: string;
  readonly at: Date;
  /** Newest first; default 50. */
  readonly limit?: number;
  /** Page on: only messages older than this Telegram message id. */
  readonly beforeMessageId?: number;
}

const toDate = (value: unknown): Date | null => {
  const ms = decodeValue('date', value) as number | null;
  return ms === null ? null : new Date(ms);
};

export async function chatAsOf(copy: ReadModelCopy, options: ChatAsOfOptions): Promise<MessageAsOf[]> {
  const t = copy.tables;
  const sqlite = copy.dialect === 'sqlite';
  const at = sqlite ? options.at.getTime() : options.at.toISOString();
  const p = (n: number) => (sqlite ? '?' : `$${n}`);
  const params: unknown[] = [options.chat, at, at, at];
  let before = '';
  if (options.beforeMessageId !== undefined) {
    params.push(options.beforeMessageId);
    before = ` and m.message_id < ${p(params.length)}`;
  }
  params.push(options.limit ?? 50);
  const rows = await copy.query<Record<string, unknown>>(
    `select v.message_pk, v.message_id, v.version_no, v.text, v.entities, v.media, v.edit_date,
            m.date, m.sender_peer, m.deleted_at
     from ${t.messages.sql} m join ${t.messageVersions.sql} v on v.message_pk = m.id
     where m.chat_id = ${p(1)} and v.valid_from <= ${p(2)} and (v.valid_to is null or v.valid_to > ${p(3)})
       and (m.deleted_at is null or m.deleted_at > ${p(4)})${before}
     order by m.message_id desc limit ${p(params.length)}`,
    params,
  );
  return rows.map((r) => ({
    message: Number(r.message_pk),
    messageId: Number(r.message_id),
    date: toDate(r.date),
    senderPeer: (r.sender_peer as string | null) ?? null,
    versionNo: Number(r.version_no),
    text: String(r.text),
    entities: decodeValue('json', r.entities) as MessageEntity[],
    media: decodeValue('json', r.media) as MediaDescriptor | null,
    editDate: toDate(r.edit_date),
    deletedAt: toDate(r.deleted_at),
  }));
}
