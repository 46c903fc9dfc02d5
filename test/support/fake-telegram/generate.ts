// A generated, reproducible world for demos and larger tests: a few contacts, groups, a channel and a
// forum, each with a history of text, formatted text, replies, media and reactions. Same seed, same world.
import type { FakeChat, FakeUser } from './model.ts';
import type { MessageSpec, World } from './world.ts';

export interface DemoWorldOptions {
  readonly seed?: number;
  readonly contacts?: number;
  readonly messagesPerChat?: number;
  /** Oldest message date (unix seconds); messages are spread one every ~10 minutes after it. */
  readonly since?: number;
}

export interface DemoWorld {
  readonly contacts: FakeUser[];
  readonly chats: FakeChat[];
}

/** mulberry32: tiny, good enough, deterministic (the generated world and the demo's live traffic). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy'];
const WORDS = 'the archive keeps every message edit and reaction as an immutable event for later'.split(' ');

export function populateDemoWorld(world: World, options: DemoWorldOptions = {}): DemoWorld {
  const rnd = seededRandom(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const sentence = () => Array.from({ length: 3 + Math.floor(rnd() * 9) }, () => pick(WORDS)).join(' ');
  const count = options.messagesPerChat ?? 40;
  let date = options.since ?? 1_700_000_000;

  const contacts = NAMES.slice(0, options.contacts ?? 4).map((name) =>
    world.addUser({ firstName: name, username: name.toLowerCase() }),
  );
  const group = world.addGroup({ title: 'Family', members: contacts.slice(0, 3), date });
  const channel = world.addChannel({
    title: 'Release notes',
    username: 'releases',
    about: 'What shipped',
    date,
  });
  const forum = world.addSupergroup({ title: 'Builders', members: contacts, forum: true, date });
  const topics = [
    world.addTopic(forum, { title: 'General', date }),
    world.addTopic(forum, { title: 'Design', date }),
  ];
  const chats: FakeChat[] = [...contacts, group, channel, forum];

  for (const chat of chats) {
    const specs: MessageSpec[] = [];
    for (let i = 0; i < count; i++) {
      date += 60 + Math.floor(rnd() * 600);
      const text = sentence();
      const roll = rnd();
      const spec: MessageSpec = {
        text,
        date,
        out: chat.kind !== 'channel' && rnd() < 0.3,
        from:
          chat.kind === 'user'
            ? undefined
            : chat.kind === 'channel' && chat.broadcast
              ? undefined
              : pick(contacts),
        topic: chat === forum ? pick(topics) : undefined,
        entities: roll < 0.2 ? [{ type: 'bold', offset: 0, length: Math.min(4, text.length) }] : undefined,
        media:
          roll > 0.9
            ? {
                kind: 'photo',
                bytes: Buffer.from(Array.from({ length: 2048 }, () => Math.floor(rnd() * 256))),
              }
            : undefined,
        reactions:
          roll > 0.8 ? [{ reaction: pick(['👍', '❤', '🔥']), count: 1 + Math.floor(rnd() * 5) }] : undefined,
      };
      specs.push(spec);
    }
    world.addHistory(chat, specs);
  }
  return { contacts, chats };
}
