// The live plumbing behind chatActivity: per-subscriber streams and the checkpoint follower used
// when the projector runs in another process.
import { describe, expect, it } from '@jest/globals';
import { silentLogger } from '../../../src/log/logger.ts';
import { activityStream, MAX_QUEUED_NOTICES } from '../../../src/viewer/activity-stream.ts';
import type { ActivityListener, ActivityNotice, LiveFeed } from '../../../src/viewer/live.ts';
import { factOf, followCheckpoints } from '../../../src/viewer/live-follow.ts';
import { chatKey, createViewerWorld, events, general } from '../../support/viewer-world.ts';
import { waitFor } from '../../support/wait.ts';

function fakeFeed() {
  const listeners = new Set<ActivityListener>();
  const feed: LiveFeed = {
    subscribe(listener) {
      listeners.add(listener);
      return { ready: Promise.resolve(), close: () => listeners.delete(listener) };
    },
  };
  const emit = (...notices: ActivityNotice[]) => {
    for (const listener of listeners) listener(notices);
  };
  return { feed, emit, listeners };
}

const notice = (chat: string, messageId: number): ActivityNotice => ({
  kind: 'created',
  chat,
  messageId,
  eventId: `e${messageId}`,
  globalPosition: String(messageId),
  appliedAt: new Date(),
});

describe('activityStream', () => {
  it("delivers the chat's notices in order, queued until read, and unsubscribes on return", async () => {
    const { feed, emit, listeners } = fakeFeed();
    const stream = await activityStream(feed, '777.c1');
    emit(notice('777.c1', 1), notice('777.c2', 2), notice('777.c1', 3));
    expect((await stream.next()).value.messageId).toBe(1);
    expect((await stream.next()).value.messageId).toBe(3);
    const pending = stream.next();
    emit(notice('777.c1', 4));
    expect((await pending).value.messageId).toBe(4);
    await stream.return!();
    expect(listeners.size).toBe(0);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('ends a subscriber that falls too far behind with a typed error', async () => {
    const { feed, emit, listeners } = fakeFeed();
    const stream = await activityStream(feed, '777.c1');
    emit(...Array.from({ length: MAX_QUEUED_NOTICES + 1 }, (_, i) => notice('777.c1', i + 1)));
    expect(listeners.size).toBe(0);
    for (let i = 0; i < MAX_QUEUED_NOTICES; i++) await stream.next();
    await expect(stream.next()).rejects.toMatchObject({ extensions: { code: 'SUBSCRIBER_TOO_SLOW' } });
  });
});

describe('followCheckpoints', () => {
  it('reads the message streams of events that the checkpoint moved over', () => {
    expect(
      factOf({ id: 'a', type: 'MessageEdited', stream: 'message-777.c1001.5', globalPosition: '9' } as any),
    ).toEqual({ id: 'a', type: 'MessageEdited', position: '9', chat: '777.c1001', messageId: 5 });
    expect(
      factOf({ id: 'b', type: 'ChatObserved', stream: 'chat-777.c1001', globalPosition: '10' } as any),
    ).toEqual({
      id: 'b',
      type: 'ChatObserved',
      position: '10',
    });
  });

  it('hears what a projector applied after subscribing, and stops polling when nobody listens', async () => {
    const world = await createViewerWorld();
    try {
      await world.project(
        events.chat(general, 'General', 'channel'),
        events.created(general, 1, { text: 'old', minute: 1 }),
      );
      const feed = followCheckpoints({
        readModel: () => world.copy,
        store: world.store,
        logger: silentLogger,
        intervalMs: 10,
      });
      const heard: ActivityNotice[] = [];
      const subscription = feed.subscribe((notices) => heard.push(...notices));
      await subscription.ready;
      await world.project(
        events.created(general, 2, { text: 'new', minute: 2 }),
        events.edited(general, 1, 'old, edited', 3),
      );
      await waitFor(() => heard.length >= 2, 'two notices');
      expect(heard.map((n) => [n.kind, n.chat, n.messageId])).toEqual([
        ['created', chatKey(general), 2],
        ['edited', chatKey(general), 1],
      ]);
      subscription.close();
      feed.close();
    } finally {
      await world.close();
    }
  });
});
