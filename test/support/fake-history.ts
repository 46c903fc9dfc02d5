// Stand-ins for the backfiller's Telegram port and capture step in unit tests: chat histories with
// getHistory paging semantics, scripted failures, and a capture that behaves like the deciders for
// the simple cases (new message: created; changed text: edited; proven gone: deleted).
import type { NewEvent } from '../../src/events/envelope.ts';
import { contentHash, eventId } from '../../src/events/ids.ts';
import type { MediaDescriptor } from '../../src/events/payloads.ts';
import { type PeerRef, peerKey, streams } from '../../src/events/peers.ts';
import type {
  BackfillTelegram,
  CaptureCounts,
  CaptureInput,
  ChatInfo,
  HistoryQuery,
  PageCapture,
  PageEntity,
} from '../../src/ingest/backfill/ports.ts';
import type { HookedEventStore } from './hooked-event-store.ts';

export interface FakeMessage {
  readonly id: number;
  /** unix seconds */
  readonly date: number;
  text: string;
  media?: MediaDescriptor;
}

export interface TestMessage {
  readonly message: {
    readonly chat: PeerRef;
    readonly messageId: number;
    readonly date: string;
    readonly text: string;
    readonly media?: MediaDescriptor;
  };
}

export type TestEntity = PageEntity;

export class FakeHistory implements BackfillTelegram<TestMessage, TestEntity> {
  readonly histories = new Map<string, FakeMessage[]>();
  readonly infos: ChatInfo[] = [];
  readonly entities = new Map<string, TestEntity[]>();
  readonly queries: { chat: string; query: HistoryQuery }[] = [];
  /** Throw from this to fail a history call. */
  beforeHistory: (chat: PeerRef, query: HistoryQuery, call: number) => void | Promise<void> = () => undefined;

  addChat(
    info: Omit<ChatInfo, 'topMessageId'>,
    count: number,
    dated = (id: number) => 1_700_000_000 + id * 60,
  ) {
    const messages: FakeMessage[] = Array.from({ length: count }, (_, i) => ({
      id: i + 1,
      date: dated(i + 1),
      text: `m${i + 1}`,
    }));
    this.histories.set(peerKey(info.chat), messages);
    this.infos.push({ ...info });
    return messages;
  }

  info(chat: PeerRef): ChatInfo {
    const base = this.infos.find((i) => peerKey(i.chat) === peerKey(chat))!;
    return { ...base, topMessageId: this.histories.get(peerKey(chat))?.at(-1)?.id ?? base.topMessageId ?? 0 };
  }

  async *dialogs(): AsyncIterable<readonly ChatInfo[]> {
    yield this.infos.map((i) => this.info(i.chat));
  }

  async resolveUsername(username: string): Promise<ChatInfo | undefined> {
    const found = this.infos.find((i) => i.username === username);
    return found ? this.info(found.chat) : undefined;
  }

  async history(chat: PeerRef, query: HistoryQuery) {
    this.queries.push({ chat: peerKey(chat), query });
    await this.beforeHistory(chat, query, this.queries.length - 1);
    const all = this.histories.get(peerKey(chat));
    if (!all) throw Object.assign(new Error('400: CHANNEL_PRIVATE'), { errorMessage: 'CHANNEL_PRIVATE' });
    const messages = [...all]
      .sort((a, b) => b.id - a.id)
      .filter((m) => (!query.offsetId || m.id < query.offsetId) && m.id > query.minId)
      .slice(0, query.limit)
      .map((m) => ({
        message: {
          chat,
          messageId: m.id,
          date: new Date(m.date * 1000).toISOString(),
          text: m.text,
          media: m.media,
        },
      }));
    return { messages, entities: this.entities.get(peerKey(chat)) ?? [] };
  }
}

/** Appends MessageCreated/Edited/Deleted like the deciders would for text-only changes. */
export class FakeCapture implements PageCapture<TestMessage, TestEntity> {
  readonly calls: CaptureInput<TestMessage, TestEntity>[] = [];
  private readonly store: HookedEventStore;
  private readonly account: string;
  private readonly texts = new Map<string, string>();

  constructor(store: HookedEventStore, account: string) {
    this.store = store;
    this.account = account;
  }

  async capture(input: CaptureInput<TestMessage, TestEntity>): Promise<CaptureCounts> {
    this.calls.push(input);
    const counts = { created: 0, edited: 0, deleted: 0 };
    const meta = { source: 'backfill' as const, observedAt: new Date().toISOString(), runId: input.runId };
    for (const { message } of input.messages) {
      const stream = streams.message(this.account, input.chat, message.messageId);
      const known = this.texts.get(stream) ?? (await this.lastText(stream));
      let event: NewEvent | undefined;
      if (known === undefined) {
        event = {
          id: eventId(stream, 'MessageCreated'),
          type: 'MessageCreated',
          data: { ...message, outgoing: false, entities: [] },
          metadata: meta,
        };
        counts.created++;
      } else if (known !== message.text) {
        const hash = contentHash({ text: message.text });
        event = {
          id: eventId(stream, 'MessageEdited', hash),
          type: 'MessageEdited',
          data: {
            chat: input.chat,
            messageId: message.messageId,
            text: message.text,
            entities: [],
            contentHash: hash,
          },
          metadata: meta,
        };
        counts.edited++;
      }
      this.texts.set(stream, message.text);
      if (event) await this.store.append(stream, [event]);
    }
    for (const messageId of input.deletedIds) {
      const stream = streams.message(this.account, input.chat, messageId);
      await this.store.append(stream, [
        {
          id: eventId(stream, 'MessageDeleted'),
          type: 'MessageDeleted',
          data: { chat: input.chat, messageId, observedAt: meta.observedAt, matchedBy: 'verify' },
          metadata: meta,
        },
      ]);
      counts.deleted++;
    }
    return counts;
  }

  private async lastText(stream: string): Promise<string | undefined> {
    const events = await this.store.readStream(stream);
    let text: string | undefined;
    for (const e of events) if (e.type === 'MessageCreated' || e.type === 'MessageEdited') text = e.data.text;
    return text;
  }
}
