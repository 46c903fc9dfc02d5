// `telegram-archive demo` as a user runs it: says it is simulated, serves GraphiQL over a growing
// archive of a fake Telegram, and stops cleanly on Ctrl-C.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runBin } from '../support/cli.ts';
import { startBin } from '../support/process.ts';
import { waitFor } from '../support/wait.ts';

const stats = async (base: string) => {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ stats { chatCount messageCount } }' }),
  });
  return ((await response.json()) as { data: { stats: { chatCount: number; messageCount: number } } }).data
    .stats;
};

describe('telegram-archive demo', () => {
  it('archives a simulated Telegram that keeps changing, until Ctrl-C', async () => {
    const demo = startBin(['demo', '--port', '0', '--messages-per-chat', '40', '--rate', '20']);
    try {
      await demo.waitForOutput(/Press Ctrl-C to stop/, 60_000);
      expect(demo.stdout()).toContain('SIMULATED');
      const [, base] = await demo.waitForOutput(/GraphiQL: (http:\/\/127\.0\.0\.1:\d+)\/graphql/);
      const first = await waitFor(
        async () => {
          const s = await stats(base!);
          return s.chatCount === 7 && s.messageCount >= 7 * 40 ? s : undefined;
        },
        'the generated history to be archived',
        30_000,
        100,
      );
      await waitFor(
        async () => (await stats(base!)).messageCount > first.messageCount,
        'simulated live messages to arrive',
        30_000,
        100,
      );
    } finally {
      expect(await demo.stop('SIGINT', 20_000)).toBe(0);
    }
    expect(demo.stdout()).toMatch(/Stopped\. Simulated \d+ new messages/);
  });

  it('refuses a data directory that holds something else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ta-demo-'));
    writeFileSync(join(dir, 'events.sqlite'), 'a real archive, perhaps');
    const result = await runBin(['demo', '--data-dir', dir, '--port', '0']);
    rmSync(dir, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not empty and was not made by the demo');
  });

  it('rejects bad options with usage errors', async () => {
    const result = await runBin(['demo', '--rate', 'fast']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--rate must be a number of events per second from 0 to 100, got 'fast'");
  });
});
