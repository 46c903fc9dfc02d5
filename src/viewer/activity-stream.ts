// One subscriber's stream of activity in one chat: subscribed to the live feed at once, queued
// until read, and unsubscribed as soon as the client goes away (iterator return) or falls too far
// behind.
import { GraphQLError } from 'graphql';
import type { ActivityNotice, LiveFeed } from './live.ts';

export const MAX_QUEUED_NOTICES = 10_000;

export async function activityStream(
  live: LiveFeed,
  chat: string,
): Promise<AsyncIterableIterator<ActivityNotice>> {
  const queue: ActivityNotice[] = [];
  const waiting: ((result: IteratorResult<ActivityNotice>) => void)[] = [];
  let failure: Error | undefined;
  let finished = false;

  const finish = () => {
    if (finished) return;
    finished = true;
    subscription.close();
    for (const wake of waiting.splice(0)) wake({ value: undefined, done: true });
  };
  const subscription = live.subscribe((notices) => {
    for (const notice of notices) {
      if (finished || notice.chat !== chat) continue;
      const wake = waiting.shift();
      if (wake) wake({ value: notice, done: false });
      else if (queue.length < MAX_QUEUED_NOTICES) queue.push(notice);
      else {
        failure = new GraphQLError('This subscriber fell too far behind; subscribe again', {
          extensions: { code: 'SUBSCRIBER_TOO_SLOW' },
        });
        finish();
      }
    }
  });
  await subscription.ready;

  const iterator: AsyncIterableIterator<ActivityNotice> = {
    next() {
      const notice = queue.shift();
      if (notice) return Promise.resolve({ value: notice, done: false });
      if (failure) return Promise.reject(failure);
      if (finished) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => waiting.push(resolve));
    },
    return() {
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(error?: unknown) {
      finish();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
