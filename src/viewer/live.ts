// Live activity for subscriptions: the projector announces each applied batch in-process, and this
// hub fans the message-level changes out to every open chatActivity subscription.

export type ActivityKind = 'created' | 'edited' | 'deleted' | 'reactions' | 'media';

/** One message-level change the projector has just made visible in the read model. */
export interface ActivityNotice {
  readonly kind: ActivityKind;
  /** Read-model chat key, `<account>.<peer>`. */
  readonly chat: string;
  /** Telegram's message id within the chat. */
  readonly messageId: number;
  readonly eventId: string;
  readonly globalPosition: string;
  /** When the projector's transaction committed it. */
  readonly appliedAt: Date;
}

const KINDS: Readonly<Record<string, ActivityKind>> = {
  MessageCreated: 'created',
  MessageEdited: 'edited',
  MessageDeleted: 'deleted',
  MessageReactionsChanged: 'reactions',
  MediaDownloaded: 'media',
};

/** What the projector reports per applied event (see projections/notifications.ts). */
export interface AppliedEventFact {
  readonly id: string;
  readonly type: string;
  readonly position: string;
  readonly chat?: string;
  readonly messageId?: number;
}

/** The message-level changes among a batch of applied events, in log order. */
export function noticesFrom(events: readonly AppliedEventFact[], appliedAt: Date): ActivityNotice[] {
  const notices: ActivityNotice[] = [];
  for (const event of events) {
    const kind = KINDS[event.type];
    if (!kind || event.chat === undefined || event.messageId === undefined) continue;
    notices.push({
      kind,
      chat: event.chat,
      messageId: event.messageId,
      eventId: event.id,
      globalPosition: event.position,
      appliedAt,
    });
  }
  return notices;
}

export type ActivityListener = (notices: readonly ActivityNotice[]) => void;

export interface LiveFeed {
  /** Returns the unsubscribe function. */
  subscribe(listener: ActivityListener): () => void;
}

export interface LiveHub extends LiveFeed {
  publish(notices: readonly ActivityNotice[]): void;
  readonly listenerCount: number;
}

export function createLiveHub(onListenerError: (error: unknown) => void = () => {}): LiveHub {
  const listeners = new Set<ActivityListener>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish(notices) {
      if (notices.length === 0) return;
      for (const listener of listeners) {
        // One broken subscriber must not starve the others or the projector that publishes.
        try {
          listener(notices);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    get listenerCount() {
      return listeners.size;
    },
  };
}
