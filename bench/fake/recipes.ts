// Worlds for benchmarks, built inside the fake's worker thread. Each returns what the benchmark
// needs to know about it (usernames, counts).
import { randomBytes } from 'node:crypto';
import type { FakeTelegram } from '../../test/support/fake-telegram/index.ts';

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
} as const;
