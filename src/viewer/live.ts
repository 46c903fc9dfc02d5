// Live activity for subscriptions: the projector announces each committed batch in-process, and
// every open chatActivity subscription hears the message-level changes among its events.
import type { AppliedBatch, ProjectionNotifier } from '../../projections/notifications.ts';

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

export type ActivityListener = (notices: readonly ActivityNotice[]) => void;

export interface LiveSubscription {
  /** Resolves once every change applied from now on will reach the listener. */
  readonly ready: Promise<void>;
  close(): void;
}

export interface LiveFeed {
  subscribe(listener: ActivityListener): LiveSubscription;
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

/**
 * The projector's notifier as a feed. A listener's failure is reported, never thrown: the
 * notification is emitted from inside the projector's loop, which must not stop for a subscriber.
 */
export function liveFeedFrom(
  notifier: ProjectionNotifier,
  onListenerError: (error: unknown) => void = () => {},
  now: () => Date = () => new Date(),
): LiveFeed {
  return {
    subscribe(listener) {
      const onBatch = (batch: AppliedBatch) => {
        try {
          const notices = noticesFrom(batch.events, now());
          if (notices.length > 0) listener(notices);
        } catch (error) {
          onListenerError(error);
        }
      };
      notifier.on('batch', onBatch);
      return { ready: Promise.resolve(), close: () => notifier.off('batch', onBatch) };
    },
  };
}
