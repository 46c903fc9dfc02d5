// Tells the recorder which messages are certainly new, so a page of a catch-up costs no stream
// reads: while a chat is backfilled, every id absent from its archive index has no stream yet. If
// someone else (the listener) created one meanwhile, the append conflicts and the recorder reads
// the stream and decides again, so a wrong "new" costs a retry, never a wrong event.
import { type PeerRef, peerKey } from '../../events/peers.ts';
import type { MessageStateLoader } from '../recorder.ts';
import { EMPTY_MESSAGE, type MessageState } from '../state.ts';

export class NewMessageStates implements MessageStateLoader {
  private readonly chats = new Map<string, ReadonlySet<number>>();

  /** While the returned function is not called, ids of `chat` outside `present` load as new. */
  track(chat: PeerRef, present: ReadonlySet<number>): () => void {
    const key = peerKey(chat);
    this.chats.set(key, present);
    return () => {
      if (this.chats.get(key) === present) this.chats.delete(key);
    };
  }

  async load(
    messages: readonly { readonly stream: string; readonly chat: PeerRef; readonly messageId: number }[],
  ): Promise<Map<string, MessageState>> {
    const states = new Map<string, MessageState>();
    for (const { stream, chat, messageId } of messages) {
      const present = this.chats.get(peerKey(chat));
      if (present && !present.has(messageId)) states.set(stream, EMPTY_MESSAGE);
    }
    return states;
  }
}
