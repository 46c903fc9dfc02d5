// Seeded generator of realistic archives, for benchmarks and tests: one account, users and chats of
// every kind and size, messages in several scripts with entities, replies, forwards, albums and
// media, then the life that follows (edits, deletions, reaction changes, pins, media downloads and
// skips, re-observed chats and users, a group migrating to a supergroup, backfill runs and gaps).
//
// The same options give the same events, byte for byte. Events come out as an iterator in the
// order of observation (metadata.observedAt never decreases), so millions of them can be streamed
// without holding them; `generateEvents` collects a small archive into an array.
import type { EventPayloads, EventType } from '../src/events/catalogue.ts';
import type { EventSource, NewEvent } from '../src/events/envelope.ts';
import { contentHash, eventId, uuidV5 } from '../src/events/ids.ts';
import type {
  ChatType,
  ForwardOrigin,
  MediaDescriptor,
  MessageCreatedV1,
  ReactionCount,
  RecentReactor,
  ReplyTo,
  ServiceAction,
} from '../src/events/payloads.ts';
import { DOWNLOADABLE_MEDIA } from '../src/events/payloads.ts';
import { type PeerRef, peer, streams } from '../src/events/peers.ts';
import type { AppendRequest } from '../src/eventstore/port.ts';
import { extensionOf, generateMedia, generatePhoto } from './generator/media.ts';
import { Random } from './generator/random.ts';
import { chatTitle, generateText, personName, REACTION_EMOJI, type Script } from './generator/text.ts';

export interface ArchiveOptions {
  /** Same seed, same archive. Default 'telegram-archive'. */
  readonly seed?: string | number;
  /** Exactly this many events are produced. Default 10,000. */
  readonly totalEvents?: number;
  /** The archiving account's user id. Default: derived from the seed. */
  readonly account?: string;
  /** When live observation starts; backfilled history lies before it. Default 2024-03-01T08:00:00Z. */
  readonly start?: string;
  /** Mean seconds between live observations. Default 12. */
  readonly meanGapSeconds?: number;
  /** Share of the events spent on the initial backfill of history. Default 0.15. */
  readonly backfillShare?: number;
  /** Attach a raw TL-like object to message, chat and user events, as the ingest does. Default true. */
  readonly raw?: boolean;
}

export interface GeneratedEvent {
  readonly stream: string;
  readonly event: NewEvent;
}

/** Telegram API layer stamped on the metadata. */
export const GENERATOR_LAYER = 198;

interface UserState {
  readonly id: string;
  readonly script: Script;
  first: string;
  last?: string;
  username?: string;
  readonly bot: boolean;
  observed: boolean;
  readonly seen: Set<string>;
}

interface MessageState {
  readonly id: number;
  readonly date: string;
  /** Creation or last edit, epoch ms: edits keep moving forward in time. */
  lastChange: number;
  media?: MediaDescriptor;
  readonly service: boolean;
  readonly topicId?: number;
  deleted: boolean;
  readonly reactions: Map<string, number>;
  readonly reactionHashes: Set<string>;
}

interface ChatState {
  readonly peer: PeerRef;
  readonly type: ChatType;
  readonly forum: boolean;
  readonly script: Script;
  readonly stream: string;
  title: string;
  username?: string;
  about?: string;
  participants: number;
  readonly members: UserState[];
  weight: number;
  observed: boolean;
  active: boolean;
  readonly ownChannel: boolean;
  /** Channels and supergroups number their own messages; private chats and basic groups share one sequence. */
  nextId?: number;
  readonly recent: MessageState[];
  readonly topics: number[];
  pinned?: MessageState;
  /** Newest message date, epoch ms: ids and dates grow together within a chat. */
  lastDate: number;
  readonly seen: Set<string>;
}

interface PendingMedia {
  readonly due: number;
  readonly chat: ChatState;
  readonly message: MessageState;
}

interface BackfillRun {
  readonly chat: ChatState;
  readonly runId: string;
  readonly planned: number;
  done: number;
  readonly from: number;
  readonly to: number;
}

const RECENT_WINDOW = 24;
const clamp = (value: number, min: number, max: number) => Math.max(min, Math.min(max, Math.round(value)));

class ArchiveGenerator {
  readonly #rng: Random;
  readonly #total: number;
  readonly #account: string;
  readonly #accountUser: UserState;
  readonly #raw: boolean;
  readonly #meanGapMs: number;
  readonly #liveStart: number;
  readonly #backfillBudget: number;
  readonly #queue: GeneratedEvent[] = [];
  #queueHead = 0;
  #emitted = 0;
  #now: number;
  #source: EventSource = 'backfill';
  #commonMessageId = 1;
  readonly #chats: ChatState[] = [];
  #cumulative: number[] = [];
  #active: ChatState[] = [];
  #channels: ChatState[] = [];
  readonly #users: UserState[] = [];
  readonly #observedUsers: UserState[] = [];
  #isoCache: [number, string] = [Number.NaN, ''];
  readonly #usedIds = new Set<string>();
  readonly #pending: PendingMedia[] = [];
  #pendingHead = 0;
  readonly #recentMedia: MediaDescriptor[] = [];
  #album: { chat: ChatState; groupedId: string; left: number } | undefined;
  #backfillOrder: ChatState[] = [];
  #run: BackfillRun | undefined;
  #migration: { from: ChatState; at: number } | undefined;
  #runCounter = 0;

  constructor(options: ArchiveOptions) {
    const seed = options.seed ?? 'telegram-archive';
    this.#rng = new Random(seed);
    this.#total = Math.max(0, Math.floor(options.totalEvents ?? 10_000));
    this.#account = options.account ?? this.#uniqueId(10);
    this.#raw = options.raw ?? true;
    this.#meanGapMs = (options.meanGapSeconds ?? 12) * 1000;
    this.#liveStart = Date.parse(options.start ?? '2024-03-01T08:00:00.000Z');
    if (Number.isNaN(this.#liveStart)) throw new Error(`start '${options.start}' is not an ISO date`);
    this.#backfillBudget = Math.floor(
      this.#total * Math.min(0.9, Math.max(0, options.backfillShare ?? 0.15)),
    );
    // Backfill observes history shortly before live observation starts.
    this.#now = this.#liveStart - Math.max(60_000, this.#backfillBudget * 40);
    this.#accountUser = {
      id: this.#account,
      script: 'latin',
      first: 'Archivist',
      username: 'archivist',
      bot: false,
      observed: false,
      seen: new Set(),
    };
    this.#createPopulation();
  }

  *events(): Generator<GeneratedEvent> {
    this.#linkAccount();
    while (this.#emitted < this.#total) {
      if (this.#queueHead >= this.#queue.length) {
        this.#queue.length = 0;
        this.#queueHead = 0;
        this.#step();
        continue;
      }
      const next = this.#queue[this.#queueHead++]!;
      this.#emitted += 1;
      yield next;
    }
  }

  // ---- population ----

  #uniqueId(digits: number): string {
    for (;;) {
      const id = this.#rng.digits(digits);
      if (!this.#usedIds.has(id)) {
        this.#usedIds.add(id);
        return id;
      }
    }
  }

  #script(): Script {
    const roll = this.#rng.next();
    return roll < 0.55 ? 'latin' : roll < 0.85 ? 'cyrillic' : 'cjk';
  }

  #newUser(bot = false): UserState {
    const script = this.#script();
    const name = personName(this.#rng, script);
    const id = this.#uniqueId(this.#rng.chance(0.6) ? 10 : 9);
    const username = bot
      ? `helper${this.#users.length}_bot`
      : this.#rng.chance(0.6)
        ? `user_${id.slice(-6)}`
        : undefined;
    const user: UserState = {
      id,
      script,
      first: bot ? 'Helper Bot' : name.first,
      ...(name.last && !bot ? { last: name.last } : {}),
      ...(username ? { username } : {}),
      bot,
      observed: false,
      seen: new Set(),
    };
    this.#users.push(user);
    return user;
  }

  #createPopulation(): void {
    const t = this.#total;
    const pool = clamp(t / 60, 12, 40_000);
    for (let i = 0; i < pool; i++) this.#newUser();
    const counts: [ChatType, number, boolean][] = [
      ['private', clamp(t / 500, 3, 3000), false],
      ['bot', 2, false],
      ['group', clamp(t / 5000, 2, 400), false],
      ['supergroup', clamp(t / 5000, 2, 400), false],
      ['supergroup', 1, true],
      ['channel', clamp(t / 4000, 2, 500), false],
    ];
    const privatePeers = [...this.#users];
    for (const [type, count, forum] of counts) {
      for (let i = 0; i < count; i++) {
        if (type === 'private' || type === 'bot') {
          const other = type === 'bot' ? this.#newUser(true) : (privatePeers.pop() ?? this.#newUser());
          this.#addChat(type, peer('user', other.id), [other], false, false);
        } else {
          const size = type === 'group' ? this.#rng.int(3, 40) : this.#rng.int(15, 400);
          const members: UserState[] = [];
          for (let m = 0; m < size; m++) members.push(this.#rng.pick(this.#users));
          const kind = type === 'group' ? 'group' : 'channel';
          this.#addChat(type, peer(kind, this.#uniqueId(10)), members, forum, type === 'channel' && i === 0);
        }
      }
    }
    this.#refreshWeights();
    this.#channels = this.#chats.filter((c) => c.type === 'channel');
    const migrating = this.#chats.find((c) => c.type === 'group');
    if (migrating) {
      const liveBudget = this.#total - this.#backfillBudget;
      this.#migration = { from: migrating, at: this.#backfillBudget + Math.floor(liveBudget * 0.5) };
    }
    // Backfill walks the busiest chats first, as a user's first full run would.
    this.#backfillOrder = [...this.#chats].sort((a, b) => b.weight - a.weight);
  }

  #addChat(type: ChatType, chatPeer: PeerRef, members: UserState[], forum: boolean, own: boolean): ChatState {
    const script = members[0]?.script ?? this.#script();
    const base = { private: 1, bot: 0.3, group: 2.5, supergroup: 4, channel: 2.5 }[type] * (forum ? 1.5 : 1);
    const chat: ChatState = {
      peer: chatPeer,
      type,
      forum,
      script,
      stream: streams.chat(this.#account, chatPeer),
      title: type === 'private' || type === 'bot' ? '' : chatTitle(this.#rng, script, type),
      ...(type === 'channel' || (type === 'supergroup' && this.#rng.chance(0.4))
        ? { username: `chat_${chatPeer.id.slice(-7)}` }
        : {}),
      ...(type !== 'private' && this.#rng.chance(0.5)
        ? { about: 'Rules: be kind. Правила: будьте вежливы. 规则' }
        : {}),
      participants:
        type === 'private' || type === 'bot'
          ? 2
          : members.length + this.#rng.int(0, type === 'channel' ? 20_000 : 50),
      members,
      weight: base * this.#rng.logNormal(1, 1.2),
      observed: false,
      active: true,
      ownChannel: own,
      ...(chatPeer.kind === 'channel' ? { nextId: 1 } : {}),
      recent: [],
      topics: [],
      lastDate: 0,
      seen: new Set(),
    };
    this.#chats.push(chat);
    return chat;
  }

  #refreshWeights(): void {
    this.#active = this.#chats.filter((c) => c.active);
    let sum = 0;
    this.#cumulative = this.#active.map((c) => (sum += c.weight));
  }

  #pickChat(): ChatState {
    return this.#active[this.#rng.weighted(this.#cumulative)]!;
  }

  // ---- emitting ----

  #iso(ms = this.#now): string {
    if (this.#isoCache[0] !== ms) this.#isoCache = [ms, new Date(ms).toISOString()];
    return this.#isoCache[1];
  }

  #emit<T extends EventType>(
    stream: string,
    type: T,
    data: EventPayloads[T],
    discriminator: string,
    raw?: unknown,
  ): void {
    const metadata = {
      source: this.#source,
      observedAt: this.#iso(),
      layer: GENERATOR_LAYER,
      ...(raw !== undefined && this.#raw ? { raw } : {}),
    };
    const event = { id: eventId(stream, type, discriminator), type, data, metadata } as unknown as NewEvent;
    this.#queue.push({ stream, event });
  }

  #linkAccount(): void {
    const me = this.#accountUser;
    this.#emit(
      streams.account(this.#account),
      'AccountLinked',
      { userId: me.id, firstName: me.first, ...(me.username ? { username: me.username } : {}) },
      '',
    );
    this.#observeUser(me);
  }

  #observeUser(user: UserState): void {
    const data = {
      userId: user.id,
      ...(user.first ? { firstName: user.first } : {}),
      ...(user.last ? { lastName: user.last } : {}),
      ...(user.username ? { username: user.username } : {}),
      bot: user.bot,
    };
    const hash = contentHash(data);
    if (user.seen.has(hash)) return;
    user.seen.add(hash);
    if (!user.observed) this.#observedUsers.push(user);
    user.observed = true;
    const raw = { _: 'User', id: user.id, firstName: user.first, lastName: user.last ?? null, bot: user.bot };
    this.#emit(streams.user(this.#account, user.id), 'UserObserved', data, hash, raw);
  }

  #observeChat(chat: ChatState): boolean {
    const data = {
      chat: chat.peer,
      chatType: chat.type,
      title: chat.title,
      ...(chat.username ? { username: chat.username } : {}),
      ...(chat.about ? { about: chat.about } : {}),
      participantCount: chat.participants,
      forum: chat.forum,
    };
    const hash = contentHash(data);
    if (chat.seen.has(hash)) return false;
    chat.seen.add(hash);
    chat.observed = true;
    const raw = {
      _: chat.peer.kind === 'channel' ? 'Channel' : chat.peer.kind === 'group' ? 'Chat' : 'User',
      id: chat.peer.id,
    };
    this.#emit(chat.stream, 'ChatObserved', data, hash, raw);
    return true;
  }

  // ---- the simulation ----

  #step(): void {
    if (this.#emitted < this.#backfillBudget) {
      this.#backfillStep();
      return;
    }
    if (this.#source === 'backfill') this.#startLive();
    this.#now += Math.max(1, Math.round(this.#rng.exponential(this.#meanGapMs)));
    const due = this.#pending[this.#pendingHead];
    if (due && due.due <= this.#now) {
      this.#pendingHead += 1;
      if (this.#pendingHead > 1024) {
        this.#pending.splice(0, this.#pendingHead);
        this.#pendingHead = 0;
      }
      this.#mediaOutcome(due);
      return;
    }
    if (this.#migration && this.#emitted >= this.#migration.at && this.#migration.from.observed) {
      this.#migrate(this.#migration.from);
      this.#migration = undefined;
      return;
    }
    if (this.#album) {
      this.#newMessage(this.#album.chat);
      return;
    }
    const roll = this.#rng.next();
    if (roll < 0.68) this.#newMessage(this.#pickChat());
    else if (roll < 0.76) this.#edit();
    else if (roll < 0.795) this.#delete();
    else if (roll < 0.975) this.#react();
    else if (roll < 0.983) this.#pin();
    else if (roll < 0.99) this.#reobserveChat();
    else if (roll < 0.997) this.#reobserveUser();
    else if (roll < 0.9985) this.#gap();
    else this.#unresolvedDeletion();
  }

  #startLive(): void {
    if (this.#run) this.#finishRun(this.#run, 'interrupted');
    this.#source = 'live';
    this.#now = Math.max(this.#now, this.#liveStart);
  }

  #backfillStep(): void {
    this.#now += this.#rng.int(5, 60);
    if (!this.#run) {
      const chat = this.#backfillOrder.shift() ?? this.#pickChat();
      const planned = Math.max(
        1,
        Math.round((this.#backfillBudget * chat.weight) / (this.#cumulative.at(-1) ?? 1)),
      );
      const span = this.#rng.int(30, 700) * 86_400_000;
      this.#startRun(chat, 'full', planned, this.#liveStart - span, this.#liveStart - 60_000);
      return;
    }
    const run = this.#run;
    if (run.done >= run.planned) {
      this.#finishRun(run, 'completed');
      return;
    }
    const date = run.from + Math.floor(((run.to - run.from) * (run.done + this.#rng.next())) / run.planned);
    run.done += 1;
    this.#newMessage(run.chat, date);
    const message = run.chat.recent.at(-1);
    if (message && !message.service && this.#rng.chance(0.12)) this.#changeReactions(run.chat, message);
  }

  #startRun(chat: ChatState, mode: 'full' | 'catch-up', planned: number, from: number, to: number): void {
    if (!chat.observed) this.#observeChat(chat);
    const runId = uuidV5(`run-${this.#runCounter++}-${chat.peer.id}`);
    this.#run = { chat, runId, planned, done: 0, from, to };
    this.#emit(streams.account(this.#account), 'BackfillRunStarted', { runId, chat: chat.peer, mode }, runId);
  }

  #finishRun(run: BackfillRun, status: 'completed' | 'interrupted'): void {
    const oldest = run.chat.recent[0]?.id;
    this.#emit(
      streams.account(this.#account),
      'BackfillRunCompleted',
      {
        runId: run.runId,
        chat: run.chat.peer,
        status,
        fetched: run.done,
        created: run.done,
        edited: 0,
        deleted: 0,
        ...(status === 'interrupted' && oldest !== undefined ? { resumeFromMessageId: oldest } : {}),
      },
      `${run.runId}:completed`,
    );
    this.#run = undefined;
  }

  #sender(chat: ChatState): UserState | undefined {
    if (chat.type === 'channel') return undefined;
    if (chat.type === 'private' || chat.type === 'bot')
      return this.#rng.chance(0.5) ? this.#accountUser : chat.members[0];
    if (this.#rng.chance(0.08)) return this.#accountUser;
    if (chat.type === 'supergroup' && this.#rng.chance(0.02)) {
      const joined = this.#newUser();
      chat.members.push(joined);
      chat.participants += 1;
      return joined;
    }
    // A few members write most messages.
    const active = Math.max(1, Math.min(chat.members.length, 8));
    return this.#rng.chance(0.7) ? chat.members[this.#rng.int(0, active - 1)] : this.#rng.pick(chat.members);
  }

  #nextMessageId(chat: ChatState): number {
    if (chat.nextId !== undefined) return chat.nextId++;
    return this.#commonMessageId++;
  }

  #newMessage(chat: ChatState, historicalDate?: number, service?: ServiceAction): MessageState {
    if (!chat.observed) this.#observeChat(chat);
    const sender = service?.type === 'channelMigrateFrom' ? undefined : this.#sender(chat);
    if (sender && !sender.observed) this.#observeUser(sender);
    if (chat.forum && chat.topics.length === 0 && !service) {
      this.#newMessage(chat, historicalDate, { type: 'topicCreate', details: { title: 'General' } });
    }
    const id = this.#nextMessageId(chat);
    const dateMs = Math.max(chat.lastDate, historicalDate ?? this.#now - this.#rng.int(0, 1500));
    chat.lastDate = dateMs;
    const date = this.#iso(dateMs);
    const recent = chat.recent.filter((m) => !m.deleted);
    let replyTo: ReplyTo | undefined;
    let topicId: number | undefined;
    if (chat.forum && chat.topics.length > 0) {
      topicId = this.#rng.pick(chat.topics);
      const inTopic = recent.filter((m) => m.topicId === topicId && m.id !== topicId);
      replyTo = {
        topicId,
        messageId: inTopic.length > 0 && this.#rng.chance(0.3) ? this.#rng.pick(inTopic).id : topicId,
      };
    } else if (!service && recent.length > 0 && this.#rng.chance(chat.type === 'private' ? 0.08 : 0.15)) {
      replyTo = { messageId: this.#rng.pick(recent).id };
      if (this.#rng.chance(0.1)) replyTo = { ...replyTo, quoteText: 'quoted part' };
    }
    let forward: ForwardOrigin | undefined;
    let media: MediaDescriptor | undefined;
    let groupedId: string | undefined;
    if (!service) {
      if (this.#rng.chance(0.06)) forward = this.#forwardOrigin(dateMs);
      if (this.#album) {
        media = generatePhoto(this.#rng);
        groupedId = this.#album.groupedId;
        this.#album.left -= 1;
        if (this.#album.left <= 0) this.#album = undefined;
      } else if (this.#rng.chance(chat.type === 'channel' ? 0.45 : 0.22)) {
        media =
          forward && this.#recentMedia.length > 0 && this.#rng.chance(0.6)
            ? this.#rng.pick(this.#recentMedia)
            : generateMedia(this.#rng);
        if (media.kind === 'photo' && historicalDate === undefined && this.#rng.chance(0.08)) {
          groupedId = this.#rng.digits(18);
          this.#album = { chat, groupedId, left: this.#rng.int(1, 5) };
        }
      }
    }
    const mentionable = chat.members.slice(0, 20).flatMap((m) => (m.username ? [m.username] : []));
    const length = media
      ? this.#rng.chance(0.4)
        ? this.#rng.logNormal(30, 1)
        : 0
      : this.#rng.logNormal(38, 1.1);
    const { text, entities } =
      service || length < 1
        ? { text: '', entities: [] }
        : generateText(this.#rng, chat.script, length, mentionable);
    const outgoing = sender?.id === this.#account || (chat.type === 'channel' && chat.ownChannel);
    const data: MessageCreatedV1 = {
      chat: chat.peer,
      messageId: id,
      date,
      ...(sender ? { sender: peer('user', sender.id) } : {}),
      outgoing,
      text,
      entities,
      ...(media ? { media } : {}),
      ...(replyTo ? { replyTo } : {}),
      ...(forward ? { forward } : {}),
      ...(groupedId ? { groupedId } : {}),
      ...(chat.type === 'channel'
        ? { views: this.#rng.int(0, chat.participants), forwards: this.#rng.int(0, 40) }
        : {}),
      ...(chat.type === 'channel' && this.#rng.chance(0.2) ? { postAuthor: 'Editor' } : {}),
      ...(historicalDate !== undefined && this.#rng.chance(0.05)
        ? { editDate: this.#iso(dateMs + 60_000) }
        : {}),
      ...(service ? { service } : {}),
    };
    const stream = streams.message(this.#account, chat.peer, id);
    this.#emit(stream, 'MessageCreated', data, '', this.#rawMessage(data));
    const state: MessageState = {
      id,
      date,
      lastChange: dateMs,
      ...(media ? { media } : {}),
      service: Boolean(service),
      ...(topicId !== undefined ? { topicId } : {}),
      deleted: false,
      reactions: new Map(),
      reactionHashes: new Set(),
    };
    chat.recent.push(state);
    if (chat.recent.length > RECENT_WINDOW) chat.recent.shift();
    if (service?.type === 'topicCreate') chat.topics.push(id);
    if (media && DOWNLOADABLE_MEDIA.includes(media.kind)) {
      if (!forward) {
        this.#recentMedia.push(media);
        if (this.#recentMedia.length > 64) this.#recentMedia.shift();
      }
      const last = this.#pending.at(-1)?.due ?? 0;
      const due = Math.max(last, this.#now + Math.round(this.#rng.exponential(20_000)));
      this.#pending.push({ due, chat, message: state });
    }
    if (!service && historicalDate === undefined && chat.type !== 'private' && chat.type !== 'bot') {
      if (chat.forum && this.#rng.chance(0.01)) {
        this.#newMessage(chat, undefined, {
          type: 'topicCreate',
          details: { title: `Topic ${chat.topics.length + 1}` },
        });
      } else if (this.#rng.chance(0.01)) {
        this.#serviceEvent(chat);
      }
    }
    return state;
  }

  #forwardOrigin(beforeMs: number): ForwardOrigin {
    const date = this.#iso(beforeMs - this.#rng.int(60_000, 90 * 86_400_000));
    const roll = this.#rng.next();
    const channels = this.#channels;
    if (roll < 0.55 && channels.length > 0) {
      const from = this.#rng.pick(channels);
      return { from: from.peer, date, channelPostId: this.#rng.int(1, 5000) };
    }
    if (roll < 0.85) return { from: peer('user', this.#rng.pick(this.#users).id), date };
    return { fromName: this.#rng.pick(['Hidden Sender', 'Скрытый пользователь', '匿名']), date };
  }

  #serviceEvent(chat: ChatState): void {
    const roll = this.#rng.next();
    if (roll < 0.5) {
      const joined = this.#newUser();
      chat.members.push(joined);
      chat.participants += 1;
      this.#observeUser(joined);
      this.#newMessage(chat, undefined, { type: 'chatAddUser', details: { userId: joined.id } });
    } else if (roll < 0.8) {
      chat.title = chatTitle(this.#rng, chat.script, chat.type);
      this.#newMessage(chat, undefined, { type: 'chatEditTitle', details: { title: chat.title } });
      this.#observeChat(chat);
    } else {
      this.#newMessage(chat, undefined, { type: 'chatJoinedByLink', details: { inviterId: this.#account } });
    }
  }

  #rawMessage(data: MessageCreatedV1): unknown {
    const peerId =
      data.chat.kind === 'channel'
        ? { _: 'PeerChannel', channelId: data.chat.id }
        : data.chat.kind === 'group'
          ? { _: 'PeerChat', chatId: data.chat.id }
          : { _: 'PeerUser', userId: data.chat.id };
    return {
      _: data.service ? 'MessageService' : 'Message',
      id: data.messageId,
      peerId,
      date: Math.floor(Date.parse(data.date) / 1000),
      out: data.outgoing,
      ...(data.sender ? { fromId: { _: 'PeerUser', userId: data.sender.id } } : {}),
      message: data.text,
      entities: data.entities.map((e) => ({
        _: `MessageEntity${e.type[0]!.toUpperCase()}${e.type.slice(1)}`,
        offset: e.offset,
        length: e.length,
      })),
      ...(data.media?.fileId ? { media: { _: 'MessageMedia', id: data.media.fileId } } : {}),
      ...(data.replyTo
        ? { replyTo: { _: 'MessageReplyHeader', replyToMsgId: data.replyTo.messageId ?? null } }
        : {}),
    };
  }

  /** A live message in a busy chat, recent ones more likely, as people edit and react to what is on screen. */
  #pickMessage(includeService = false): { chat: ChatState; message: MessageState } | undefined {
    for (let attempt = 0; attempt < 4; attempt++) {
      const chat = this.#pickChat();
      const candidates = chat.recent.filter((m) => !m.deleted && (includeService || !m.service));
      if (candidates.length === 0) continue;
      const back = Math.min(candidates.length - 1, Math.floor(this.#rng.exponential(4)));
      return { chat, message: candidates[candidates.length - 1 - back]! };
    }
    return undefined;
  }

  #edit(): void {
    const picked = this.#pickMessage();
    if (!picked) return;
    const { chat, message } = picked;
    const { text, entities } = generateText(this.#rng, chat.script, this.#rng.logNormal(40, 1), []);
    const content = { text, entities, ...(message.media ? { media: message.media } : {}) };
    const hash = contentHash(content);
    const editMs = Math.min(this.#now, Math.max(this.#now - this.#rng.int(0, 1500), message.lastChange + 1));
    message.lastChange = editMs;
    const editDate = this.#iso(editMs);
    const data = { chat: chat.peer, messageId: message.id, editDate, contentHash: hash, ...content };
    const raw = {
      _: 'Message',
      id: message.id,
      editDate: Math.floor(Date.parse(editDate) / 1000),
      message: text,
    };
    this.#emit(
      streams.message(this.#account, chat.peer, message.id),
      'MessageEdited',
      data,
      `${editDate}:${hash}`,
      raw,
    );
  }

  #delete(): void {
    const picked = this.#pickMessage(true);
    if (!picked) return;
    const { chat } = picked;
    const victims = [picked.message];
    if (this.#rng.chance(0.1)) {
      for (const m of chat.recent)
        if (!m.deleted && victims.length < 5 && !victims.includes(m)) victims.push(m);
    }
    for (const message of victims) {
      message.deleted = true;
      if (chat.pinned === message) chat.pinned = undefined;
      this.#emit(
        streams.message(this.#account, chat.peer, message.id),
        'MessageDeleted',
        {
          chat: chat.peer,
          messageId: message.id,
          observedAt: this.#iso(),
          matchedBy: chat.peer.kind === 'channel' ? 'peer' : 'lookup',
        },
        '',
      );
    }
  }

  #react(): void {
    const picked = this.#pickMessage();
    if (!picked) return;
    this.#changeReactions(picked.chat, picked.message);
  }

  #changeReactions(chat: ChatState, message: MessageState): void {
    const counts = message.reactions;
    for (let attempt = 0; attempt < 6; attempt++) {
      const roll = this.#rng.next();
      const existing = [...counts.keys()];
      if (roll < 0.03 && counts.size > 0) counts.clear();
      else if (roll < 0.18 && existing.length > 0) {
        const emoji = this.#rng.pick(existing);
        const left = counts.get(emoji)! - 1;
        if (left > 0) counts.set(emoji, left);
        else counts.delete(emoji);
      } else {
        const emoji =
          existing.length > 0 && this.#rng.chance(0.7)
            ? this.#rng.pick(existing)
            : this.#rng.pick(REACTION_EMOJI);
        counts.set(emoji, (counts.get(emoji) ?? 0) + this.#rng.int(1, chat.type === 'channel' ? 25 : 2));
      }
      const reactions: ReactionCount[] = [...counts.entries()]
        .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
        .map(([reaction, count], i) => ({
          reaction,
          count,
          ...(i === 0 && chat.type === 'private' ? { chosenByMe: true } : {}),
        }));
      const snapshotHash = contentHash(reactions);
      // A snapshot the message already had would repeat an event id; real archives dedupe it too.
      if (message.reactionHashes.has(snapshotHash)) continue;
      message.reactionHashes.add(snapshotHash);
      const recent: RecentReactor[] =
        chat.type === 'group' && reactions.length > 0
          ? [
              {
                reaction: reactions[0]!.reaction,
                peer: peer('user', this.#rng.pick(chat.members).id),
                date: this.#iso(),
              },
            ]
          : [];
      this.#emit(
        streams.message(this.#account, chat.peer, message.id),
        'MessageReactionsChanged',
        {
          chat: chat.peer,
          messageId: message.id,
          reactions,
          ...(recent.length ? { recent } : {}),
          snapshotHash,
        },
        snapshotHash,
      );
      return;
    }
  }

  #pin(): void {
    const picked = this.#pickMessage();
    if (!picked) return;
    const { chat, message } = picked;
    const at = this.#iso();
    if (chat.pinned && !chat.pinned.deleted && this.#rng.chance(0.5)) {
      const old = chat.pinned;
      this.#emit(
        streams.message(this.#account, chat.peer, old.id),
        'MessageUnpinned',
        { chat: chat.peer, messageId: old.id },
        at,
      );
      chat.pinned = undefined;
      return;
    }
    chat.pinned = message;
    this.#emit(
      streams.message(this.#account, chat.peer, message.id),
      'MessagePinned',
      { chat: chat.peer, messageId: message.id },
      at,
    );
    if (chat.type !== 'private' && chat.type !== 'bot')
      this.#newMessage(chat, undefined, { type: 'pinMessage' });
  }

  #reobserveChat(): void {
    const chat = this.#pickChat();
    if (!chat.observed || chat.type === 'private' || chat.type === 'bot') return;
    const roll = this.#rng.next();
    if (roll < 0.7) chat.participants = Math.max(1, chat.participants + this.#rng.int(-3, 12));
    else if (roll < 0.85)
      chat.about =
        `${chat.about ?? ''} ${this.#rng.pick(['Updated', 'Обновлено', '更新'])} ${this.#rng.int(1, 999)}`.trim();
    else chat.username = `chat_${this.#rng.digits(8)}`;
    this.#observeChat(chat);
  }

  #reobserveUser(): void {
    if (this.#observedUsers.length === 0) return;
    const user = this.#rng.pick(this.#observedUsers);
    if (this.#rng.chance(0.6))
      user.username = `${user.first.toLowerCase().replace(/[^a-z]/g, '') || 'user'}_${this.#rng.digits(5)}`;
    else user.last = `${user.last ?? ''}${this.#rng.pick(['-Smith', ' Jr.', ' 🌻', 'ова'])}`;
    this.#observeUser(user);
  }

  #gap(): void {
    const channels = this.#active.filter((c) => c.peer.kind === 'channel' && c.observed);
    if (channels.length === 0) return;
    const chat = this.#rng.pick(channels);
    const fromPts = this.#rng.int(1000, 900_000);
    const toPts = fromPts + this.#rng.int(1000, 50_000);
    this.#emit(
      streams.account(this.#account),
      'GapDetected',
      { chat: chat.peer, reason: 'channelDifferenceTooLong', fromPts, toPts, backfillRequested: true },
      `${chat.peer.id}:${fromPts}-${toPts}`,
    );
    const source = this.#source;
    this.#source = 'backfill';
    this.#startRun(chat, 'catch-up', 0, this.#now, this.#now);
    this.#finishRun(this.#run!, 'completed');
    this.#source = source;
  }

  #unresolvedDeletion(): void {
    const messageIds = [this.#commonMessageId + this.#rng.int(100_000, 200_000)];
    const observedAt = this.#iso();
    this.#emit(
      streams.account(this.#account),
      'DeletionUnresolved',
      { messageIds, observedAt, reason: 'no archived message has this id' },
      `${observedAt}:${messageIds.join(',')}`,
    );
  }

  #mediaOutcome(pending: PendingMedia): void {
    const { chat, message } = pending;
    const media = message.media;
    if (message.deleted || !media) return;
    const stream = streams.message(this.#account, chat.peer, message.id);
    const size = media.size ?? 0;
    if (size > 100 * 1024 * 1024 || this.#rng.chance(0.04)) {
      const reason =
        size > 100 * 1024 * 1024 ? 'too-large' : this.#rng.pick(['type-disabled', 'unavailable'] as const);
      this.#emit(
        stream,
        'MediaSkipped',
        { chat: chat.peer, messageId: message.id, reason, detail: `${size} bytes` },
        reason,
      );
      return;
    }
    // Content addressed: the same Telegram file gives the same hash wherever it was forwarded.
    const sha256 = contentHash({ file: media.fileId });
    this.#emit(
      stream,
      'MediaDownloaded',
      {
        chat: chat.peer,
        messageId: message.id,
        sha256,
        size,
        mimeType: media.mimeType ?? 'application/octet-stream',
        extension: extensionOf(media),
        ...(media.fileName ? { fileName: media.fileName } : {}),
        ...(media.width ? { width: media.width, height: media.height } : {}),
        ...(media.durationSeconds ? { durationSeconds: media.durationSeconds } : {}),
      },
      sha256,
    );
  }

  #migrate(group: ChatState): void {
    const supergroup = this.#addChat(
      'supergroup',
      peer('channel', this.#uniqueId(10)),
      group.members,
      false,
      false,
    );
    supergroup.title = group.title;
    supergroup.weight = group.weight;
    const last = this.#newMessage(group, undefined, {
      type: 'chatMigrateTo',
      details: { channelId: supergroup.peer.id },
    });
    this.#emit(
      group.stream,
      'ChatMigrated',
      { from: group.peer, to: supergroup.peer, lastMessageId: last.id },
      '',
    );
    group.active = false;
    this.#observeChat(supergroup);
    this.#newMessage(supergroup, undefined, {
      type: 'channelMigrateFrom',
      details: { chatId: group.peer.id, title: group.title },
    });
    this.#refreshWeights();
  }
}

/** The archive as a lazy iterator: constant memory whatever `totalEvents` is. */
export function generateArchive(options: ArchiveOptions = {}): Generator<GeneratedEvent> {
  return new ArchiveGenerator(options).events();
}

/** A small archive as an array. Prefer `generateArchive` beyond a few hundred thousand events. */
export function generateEvents(options: ArchiveOptions = {}): GeneratedEvent[] {
  return [...generateArchive(options)];
}

/** Consecutive chunks of `size` events. */
export function* chunks<T>(source: Iterable<T>, size: number): Generator<T[]> {
  let chunk: T[] = [];
  for (const item of source) {
    chunk.push(item);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Groups events by stream, first appearance first, keeping each stream's order: one appendBatch. */
export function toAppendRequests(events: readonly GeneratedEvent[]): AppendRequest[] {
  const byStream = new Map<string, NewEvent[]>();
  for (const { stream, event } of events) {
    const list = byStream.get(stream);
    if (list) list.push(event);
    else byStream.set(stream, [event]);
  }
  return [...byStream].map(([stream, list]) => ({ stream, events: list }));
}
