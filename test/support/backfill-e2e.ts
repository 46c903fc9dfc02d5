// Runs `telegram-archive backfill` against a fake Telegram, in-process through the real CLI
// dispatcher (config, lock, store, gateway, recorder, media worker) or as a real child process, and
// reads back what it stored.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { commands } from '../../src/cli/commands/index.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import type { StoredEvent } from '../../src/events/envelope.ts';
import type { PeerRef } from '../../src/events/peers.ts';
import { peerKey } from '../../src/events/peers.ts';
import type { EventStore } from '../../src/eventstore/port.ts';
import { openPostgresEventStore } from '../../src/eventstore/postgres.ts';
import { openSqliteEventStore } from '../../src/eventstore/sqlite.ts';
import { writeSession } from '../../src/telegram/session-file.ts';
import { BIN } from './cli.ts';
import type { FakeTelegram } from './fake-telegram/index.ts';
import { TEST_API_HASH } from './gateway.ts';

export interface BackfillResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class ArchiveUnderTest {
  readonly dataDir: string;
  readonly fake: FakeTelegram;
  readonly extraEnv: Record<string, string>;

  constructor(fake: FakeTelegram, extraEnv: Record<string, string> = {}) {
    this.fake = fake;
    this.dataDir = mkdtempSync(join(tmpdir(), 'backfill-e2e-'));
    this.extraEnv = extraEnv;
    writeSession(join(this.dataDir, 'session'), fake.sessionString);
  }

  get env(): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TELEGRAM_API_ID: '12345',
      TELEGRAM_API_HASH: TEST_API_HASH,
      TELEGRAM_TEST_SERVER: this.fake.address,
      DATA_DIR: this.dataDir,
      LOG_LEVEL: 'warn',
      REQUESTS_PER_SECOND: '100',
      ...this.extraEnv,
    };
  }

  /** The backfill command in this process, as a user would type it. */
  async backfill(args: readonly string[], signal?: AbortSignal): Promise<BackfillResult> {
    let stdout = '';
    let stderr = '';
    const sink = (append: (text: string) => void) =>
      new Writable({
        write(chunk, _encoding, done) {
          append(String(chunk));
          done();
        },
      });
    const code = await runCli(
      commands,
      ['backfill', ...args],
      {
        stdout: sink((t) => (stdout += t)),
        stderr: sink((t) => (stderr += t)),
        env: this.env,
        cwd: this.dataDir,
        signal,
      },
      'test',
    );
    return { code, stdout, stderr };
  }

  /** The backfill command as a real child process. */
  spawn(args: readonly string[]): {
    child: ChildProcess;
    output: () => string;
    exited: Promise<number | null>;
  } {
    const child = spawn(process.execPath, [BIN, 'backfill', ...args], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output: () => output, exited };
  }

  /** The store the command writes to, as the environment configures it. */
  async openStore(): Promise<EventStore> {
    const env = this.env;
    if (env.EVENT_STORE === 'postgres') return openPostgresEventStore({ url: env.EVENT_STORE_URL! });
    return openSqliteEventStore({ path: join(this.dataDir, 'events.sqlite') });
  }

  /** Every stored event (the store is opened and closed around the read). */
  async events(types?: StoredEvent['type'][]): Promise<StoredEvent[]> {
    const store = await this.openStore();
    try {
      const out: StoredEvent[] = [];
      for (let after: string | undefined; ; ) {
        const page = await store.readAll({ after, limit: 5000, types });
        out.push(...page);
        if (page.length < 5000) return out;
        after = page.at(-1)!.globalPosition;
      }
    } finally {
      await store.close();
    }
  }

  /** Message ids with a MessageCreated event in `chat`, sorted. */
  async createdIds(chat: PeerRef): Promise<number[]> {
    const prefix = `message-${this.fake.world.me.id}.${peerKey(chat)}.`;
    return (await this.events(['MessageCreated']))
      .filter((e) => e.stream.startsWith(prefix))
      .map((e) => (e.data as { messageId: number }).messageId)
      .sort((a, b) => a - b);
  }
}

/** Fails with the command's whole output when it did not exit 0. */
export function expectOk(result: BackfillResult): void {
  if (result.code !== 0)
    throw new Error(
      `backfill exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
}

export const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
