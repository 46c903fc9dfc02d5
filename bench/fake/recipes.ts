// Worlds for benchmarks, built inside the fake's worker thread. Each returns what the benchmark
// needs to know about it (usernames, counts).
import { randomBytes } from 'node:crypto';
import type { FakeTelegram } from '../../test/support/fake-telegram/index.ts';
import { messageBytes } from '../../test/support/fake-telegram/tl.ts';

export const recipes = {
  /** 200 private-chat messages carrying a 1 MiB document each. */
  'media-200': (fake: FakeTelegram) => {
    const owner = fake.world.addUser({ firstName: 'Files', username: 'files_owner' });
    fake.world.addHistory(
      owner,
      Array.from({ length: 200 }, (_, i) => ({
        media: { kind: 'document' as const, bytes: randomBytes(1024 * 1024), fileName: `file-${i}.bin` },
      })),
    );
    return { username: 'files_owner', files: 200 };
  },
  /** A channel with 100,000 text messages of typical length, one a minute. */
  'channel-100k': (fake: FakeTelegram) => {
    const channel = fake.world.addChannel({ title: 'Big channel', username: 'big_channel' });
    const words = 'the archive keeps every message edit and reaction as an immutable event for later'.split(
      ' ',
    );
    const history = fake.world.addHistory(
      channel,
      Array.from({ length: 100_000 }, (_, i) => ({
        text: Array.from({ length: 8 + (i % 17) }, (_, w) => words[(i + w * 7) % words.length]).join(' '),
        date: 1_600_000_000 + i * 60,
      })),
    );
    // Stored as a server stores them, serialised: Telegram's servers do not spend our CPU on it.
    for (const message of history) messageBytes(message);
    return { username: 'big_channel', messages: 100_000 };
  },
} as const;
