// Live activity for a viewer running apart from the projector (`serve` next to `projections run`):
// while someone is subscribed, watch the read model's checkpoint and, when it moves, read the
// events it moved over from the event store. Subscribers hear a change only once the read model
// shows it, exactly as with the in-process notification of run mode.
import { Checkpoint } from '../../projections/index.ts';
import type { StoredEvent } from '../events/envelope.ts';
import { parseStream, peerKey } from '../events/peers.ts';
import type { EventStore } from '../eventstore/port.ts';
import type { Logger } from '../log/logger.ts';
import type { ReadModelSource } from './context.ts';
import { type ActivityListener, type AppliedEventFact, type LiveFeed, noticesFrom } from './live.ts';

export interface FollowOptions {
  readonly readModel: ReadModelSource;
  readonly store: Pick<EventStore, 'readAll'>;
  readonly logger: Logger;
  readonly intervalMs?: number;
  /** A checkpoint that moved further than this (a rebuild, a long outage) is taken as the new start. */
  readonly maxEventsPerStep?: number;
}

export interface FollowingFeed extends LiveFeed {
  close(): void;
}

export function factOf(event: StoredEvent): AppliedEventFact {
  const base = { id: event.id, type: event.type, position: event.globalPosition };
  try {
    const parsed = parseStream(event.stream);
    if (parsed.category === 'message') {
      return { ...base, chat: `${parsed.account}.${peerKey(parsed.chat)}`, messageId: parsed.messageId };
    }
  } catch {
    // Not a stream we know: no message activity in it.
  }
  return base;
}

export function followCheckpoints(options: FollowOptions): FollowingFeed {
  const listeners = new Set<ActivityListener>();
  const intervalMs = options.intervalMs ?? 250;
  const maxEvents = options.maxEventsPerStep ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  let seen: string | null | undefined;
  let running: Promise<void> | undefined;
  let baseline: Promise<void> = Promise.resolve();

  const position = async (): Promise<string | null> => {
    const copy = await options.readModel();
    const checkpoints = await copy.orm.em
      .fork()
      .find(Checkpoint, {}, { orderBy: { eventCount: 'desc' }, limit: 1 });
    return checkpoints[0]?.position ?? null;
  };

  const step = async () => {
    const now = await position();
    if (seen === undefined || now === seen) {
      seen = now;
      return;
    }
    const facts: AppliedEventFact[] = [];
    let after = seen;
    let reached = false;
    while (!reached && facts.length < maxEvents) {
      const page = await options.store.readAll({ ...(after === null ? {} : { after }), limit: 1000 });
      if (page.length === 0) break;
      for (const event of page) {
        facts.push(factOf(event));
        if (event.globalPosition === now) {
          reached = true;
          break;
        }
      }
      after = page.at(-1)!.globalPosition;
    }
    seen = now;
    if (!reached) {
      options.logger.warn(
        { checkpoint: now },
        'live feed lost track of the read model checkpoint; following from here',
      );
      return;
    }
    const notices = noticesFrom(facts, new Date());
    if (notices.length === 0) return;
    for (const listener of listeners) {
      try {
        listener(notices);
      } catch (error) {
        options.logger.error({ err: error }, 'a live subscriber failed');
      }
    }
  };

  const tick = (): Promise<void> => {
    running ??= step()
      .catch((error) =>
        options.logger.warn({ err: error }, 'live feed could not read the checkpoint; retrying'),
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    seen = undefined;
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!timer) {
        // The baseline: changes applied after it reach the subscriber.
        baseline = tick();
        timer = setInterval(() => void tick(), intervalMs);
        timer.unref();
      }
      return {
        ready: baseline,
        close: () => {
          if (!listeners.delete(listener)) return;
          if (listeners.size === 0) stop();
        },
      };
    },
    close() {
      listeners.clear();
      stop();
    },
  };
}
