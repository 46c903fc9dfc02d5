// `telegram-archive demo`: the whole archive running against a SIMULATED Telegram. A fake Telegram
// server on 127.0.0.1 (test/support/fake-telegram) holds a generated world of chats with a few
// thousand messages and photos; run mode archives it, and a seeded stream of new messages, edits,
// deletions and reactions keeps arriving until Ctrl-C. Nothing here talks to the real Telegram.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FakeChat, FakeMessage, World } from '../../test/support/fake-telegram/index.ts';
import { loadConfig } from '../config/index.ts';
import { createLogger, type LogLevel } from '../log/logger.ts';
import { writeSession } from '../telegram/session-file.ts';
import { encodeGlobalId } from '../viewer/ids.ts';
import { type CommandContext, stringOption, UsageError } from './command.ts';
import { parsePortOption } from './commands/serve.ts';
import { CliFailure } from './run-cli.ts';
import { runArchive } from './run-mode.ts';

/** Marks a data directory the demo made, so a later --data-dir may reuse it but never a real one. */
const MARKER = 'SIMULATED-DEMO.txt';
const DEMO_API_HASH = '0123456789abcdef0123456789abcdef';

function positiveInteger(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got '${value}'.`, 'demo');
  return n;
}

function rate(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < 0 || n > 100)
    throw new UsageError(
      `--rate must be a number of events per second from 0 to 100, got '${value}'.`,
      'demo',
    );
  return n;
}

/** The data directory: a fresh temporary one, or the given one if it is empty or an earlier demo's. */
function demoDataDir(given: string | undefined): { dir: string; temporary: boolean } {
  if (given === undefined)
    return { dir: mkdtempSync(join(tmpdir(), 'telegram-archive-demo-')), temporary: true };
  const dir = resolve(given);
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, MARKER))) {
    throw new CliFailure(
      `${dir} is not empty and was not made by the demo: the demo would replace its Telegram session. ` +
        'Pass an empty or new directory to --data-dir, or leave it out for a temporary one.',
    );
  }
  mkdirSync(dir, { recursive: true });
  return { dir, temporary: false };
}

const WORDS =
  'the archive keeps every message edit deletion and reaction as an immutable event so nothing is ever lost'.split(
    ' ',
  );
const REACTIONS = ['👍', '❤', '🔥', '😂', '🎉'];

export interface LiveStats {
  created: number;
  edited: number;
  deleted: number;
  reactions: number;
}

/** One simulated change to the world: mostly new messages, then reactions, edits and deletions. */
export function simulateActivity(
  world: World,
  chats: readonly FakeChat[],
  rnd: () => number,
  stats: LiveStats,
): void {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const sentence = () => Array.from({ length: 3 + Math.floor(rnd() * 8) }, () => pick(WORDS)).join(' ');
  const chat = pick(chats);
  const recent: FakeMessage[] = world
    .messagesOf(chat)
    .slice(-20)
    .filter((m) => !m.action);
  const roll = rnd();
  if (roll < 0.55 || recent.length === 0) {
    const contacts = [...world.users.values()].filter((u) => !u.self);
    const broadcast = chat.kind === 'channel' && chat.broadcast;
    world.sendMessage(chat, {
      text: sentence(),
      from: chat.kind === 'user' || broadcast ? undefined : pick(contacts),
      replyTo: recent.length > 0 && rnd() < 0.2 ? pick(recent).id : undefined,
      media:
        rnd() < 0.1
          ? { kind: 'photo', bytes: Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rnd() * 256))) }
          : undefined,
    });
    stats.created += 1;
  } else if (roll < 0.75) {
    world.setReactions(pick(recent), [{ reaction: pick(REACTIONS), count: 1 + Math.floor(rnd() * 9) }]);
    stats.reactions += 1;
  } else if (roll < 0.9) {
    const message = pick(recent);
    world.editMessage(message, { text: `${message.text} (edited: ${pick(WORDS)})` });
    stats.edited += 1;
  } else {
    world.deleteMessages(chat, [pick(recent).id]);
    stats.deleted += 1;
  }
}

export async function runDemo(context: CommandContext): Promise<number> {
  const port = parsePortOption(stringOption(context.options, 'port'), 'demo') ?? 8080;
  const perChat = positiveInteger(
    stringOption(context.options, 'messages-per-chat'),
    'messages-per-chat',
    600,
    20_000,
  );
  const seed = positiveInteger(stringOption(context.options, 'seed'), 'seed', 42, 2 ** 31);
  const eventsPerSecond = rate(stringOption(context.options, 'rate'));
  const { dir, temporary } = demoDataDir(context.globals.dataDir);
  writeFileSync(
    join(dir, MARKER),
    'Made by `telegram-archive demo`: everything here comes from a simulated Telegram.\n',
  );

  const { startFakeTelegram, populateDemoWorld, seededRandom } = await import(
    '../../test/support/fake-telegram/index.ts'
  );
  const fake = await startFakeTelegram();
  const world = populateDemoWorld(fake.world, {
    seed,
    messagesPerChat: perChat,
    since: Math.floor(Date.now() / 1000) - perChat * 400,
  });
  writeSession(join(dir, 'session'), fake.sessionString);
  const { config } = loadConfig({
    cwd: dir, // no .env of the user's: the demo configures itself
    env: {
      DATA_DIR: dir,
      TELEGRAM_API_ID: '12345',
      TELEGRAM_API_HASH: DEMO_API_HASH,
      TELEGRAM_TEST_SERVER: fake.address,
      VIEWER_HOST: '127.0.0.1',
      VIEWER_PORT: String(port),
      REQUESTS_PER_SECOND: '50',
      LOG_LEVEL: context.globals.logLevel ?? 'warn',
    },
  });
  const logger = createLogger({ level: config.logLevel as LogLevel, destination: context.stderr });
  const out = (text: string) => context.stdout.write(`${text}\n`);
  const stats: LiveStats = { created: 0, edited: 0, deleted: 0, reactions: 0 };
  const rnd = seededRandom(seed + 1);
  let live: NodeJS.Timeout | undefined;
  const family = world.chats.find((c) => c.kind === 'group');
  const familyId = family ? encodeGlobalId('Chat', `${fake.world.me.id}.g${family.id}`) : undefined;

  out('');
  out('*** SIMULATED: this demo talks to a fake Telegram server on 127.0.0.1, never to Telegram. ***');
  out(`    ${world.chats.length} generated chats with ${perChat} messages each; data in ${dir}`);
  try {
    await runArchive({
      config,
      logger,
      signal: context.signal,
      onViewer: (viewer) => {
        out('');
        out(`GraphiQL: ${viewer.graphqlUrl}   (open it in a browser; the example query is ready)`);
        out('');
        out('Try, in GraphiQL:');
        out('  { stats { chatCount messageCount deletedCount editedCount } }');
        out('  { search(query: "immutable event") { edges { node { snippet { html } chat { title } } } } }');
        if (familyId) {
          out(
            `  { chat(id: "${familyId}") { messages(first: 20, filter: { onlyDeleted: true }) { edges { node { text deletion { deletedAt matchedBy } } } } } }`,
          );
          out(`  subscription { chatActivity(chatId: "${familyId}") { kind message { text } } }`);
        }
        out('');
      },
      onListening: () => {
        if (eventsPerSecond > 0) {
          live = setInterval(
            () => simulateActivity(fake.world, world.chats, rnd, stats),
            1000 / eventsPerSecond,
          );
          out(
            `Simulating ${eventsPerSecond} change(s) per second: new messages, edits, deletions, reactions.`,
          );
        }
        out('Press Ctrl-C to stop.');
      },
    });
  } finally {
    if (live) clearInterval(live);
    await fake.close();
    if (temporary) rmSync(dir, { recursive: true, force: true });
  }
  out(
    `Stopped. Simulated ${stats.created} new messages, ${stats.edited} edits, ${stats.deleted} deletions and ${stats.reactions} reaction changes.`,
  );
  if (!temporary) out(`The archive stays in ${dir}.`);
  return 0;
}
