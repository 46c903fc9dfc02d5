// Finds the chat of a message id in the account's shared id space (private chats and basic groups),
// for deletions Telegram reports without a peer. This one reads MessageCreated events from the event
// store (incrementally, after the first scan), so it also knows messages appended a moment ago that
// no projection has processed yet. The read model's lookup can stand in once a projector runs.
import type { GlobalPosition } from '../events/envelope.ts';
import { type PeerRef, parsePeerKey, parseStream, peerKey } from '../events/peers.ts';
import type { EventStore } from '../eventstore/port.ts';

export interface MessageLocator {
  /** The chat of each id that names exactly one known message; unknown or ambiguous ids are absent. */
  findChats(messageIds: readonly number[]): Promise<Map<number, PeerRef>>;
}

const PAGE = 5000;
const AMBIGUOUS = '?';

export class EventStoreMessageLocator implements MessageLocator {
  private readonly store: EventStore;
  private readonly prefix: string;
  private readonly index = new Map<number, string>();
  private checkpoint: GlobalPosition | undefined;
  private catchingUp: Promise<void> | undefined;

  constructor(store: EventStore, account: string) {
    this.store = store;
    this.prefix = `message-${account}.`;
  }

  async findChats(messageIds: readonly number[]): Promise<Map<number, PeerRef>> {
    await this.catchUp();
    const found = new Map<number, PeerRef>();
    for (const id of messageIds) {
      const key = this.index.get(id);
      const chat = key && key !== AMBIGUOUS ? parsePeerKey(key) : undefined;
      if (chat) found.set(id, chat);
    }
    return found;
  }

  /** One catch-up at a time; concurrent callers share it. */
  private catchUp(): Promise<void> {
    this.catchingUp ??= this.readNew().finally(() => {
      this.catchingUp = undefined;
    });
    return this.catchingUp;
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const page = await this.store.readAll({
        after: this.checkpoint,
        limit: PAGE,
        types: ['MessageCreated'],
        streamPrefix: this.prefix,
      });
      for (const event of page) {
        const parsed = parseStream(event.stream);
        if (parsed.category !== 'message' || parsed.chat.kind === 'channel') continue;
        const key = peerKey(parsed.chat);
        const known = this.index.get(parsed.messageId);
        this.index.set(parsed.messageId, known === undefined || known === key ? key : AMBIGUOUS);
      }
      if (page.length > 0) this.checkpoint = page.at(-1)!.globalPosition;
      if (page.length < PAGE) return;
    }
  }
}
