// SQLite stream-prefix reads: what the backfiller does per chat, readAll({streamPrefix}) over one
// chat's message streams, paged by 1,000, in a log of 200,000 events over hundreds of chats. Only
// the reads are timed; the figure is milliseconds per chat, so it grows with the table when the
// read scans it and stays flat when it searches the stream index.
import { join } from 'node:path';
import type { GlobalPosition } from '../../src/events/envelope.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import type { Measurement, ScenarioContext } from '../scenario.ts';
import { appendBatches, Stopwatch } from '../support.ts';

export const name = 'sqlite-prefix-read';
export const description = "SQLite readAll({streamPrefix}) of one chat's message streams, 200,000 events";

const TOTAL = 200_000;
const CHATS = 20;
const MESSAGE_STREAM = /^message-([0-9]+\.[ugc][0-9]+)\./;

export async function run(context: ScenarioContext): Promise<Measurement> {
  const store = openSqliteEventStore({ path: join(context.tmpDir, 'events.sqlite') });
  try {
    for (const batch of appendBatches(TOTAL, 1000, 'bench-prefix')) await store.appendBatch(batch);
    const perChat = new Map<string, number>();
    for (const event of await store.readAll({ limit: TOTAL })) {
      const chat = MESSAGE_STREAM.exec(event.stream)?.[1];
      if (chat !== undefined) perChat.set(chat, (perChat.get(chat) ?? 0) + 1);
    }
    // Chats spread from the smallest to the largest, so both ends count.
    const sorted = [...perChat].sort((a, b) => a[1] - b[1]);
    const step = Math.max(1, Math.floor(sorted.length / CHATS));
    const picked = sorted.filter((_, i) => i % step === 0).slice(0, CHATS);
    context.log(`${TOTAL} events over ${perChat.size} chats written; reading ${picked.length} chats`);
    const watch = new Stopwatch();
    let read = 0;
    for (const [chat, expected] of picked) {
      let count = 0;
      let after: GlobalPosition | undefined;
      for (;;) {
        const page = await watch.time(() =>
          store.readAll({ streamPrefix: `message-${chat}.`, after, limit: 1000 }),
        );
        count += page.length;
        if (page.length < 1000) break;
        after = page.at(-1)!.globalPosition;
      }
      if (count !== expected) throw new Error(`chat ${chat}: read ${count} events, expected ${expected}`);
      read += count;
    }
    return {
      value: Math.round((watch.seconds * 1000 * 100) / picked.length) / 100,
      unit: 'ms/chat',
      better: 'lower',
      details: {
        events: TOTAL,
        chats: perChat.size,
        chatsRead: picked.length,
        eventsRead: read,
        seconds: watch.seconds,
      },
    };
  } finally {
    await store.close();
  }
}
