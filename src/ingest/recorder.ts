// The recorder turns observations into appended events: it finds each observation's stream, loads the
// stream's state (cached), runs the decider, and appends what changed with the expected version,
// deciding again when another writer got there first. Listener and backfiller both record through it.
import type { EventType } from '../events/catalogue.ts';
import type { EventSource, NewEvent } from '../events/envelope.ts';
import type { MediaLocation, Observation, ObservationMeta } from '../events/observations.ts';
import {
  type AccountLinkedV1,
  DOWNLOADABLE_MEDIA,
  type GapDetectedV1,
  type MediaDescriptor,
} from '../events/payloads.ts';
import { type PeerRef, parseStream, streams } from '../events/peers.ts';
import { WrongExpectedVersionError } from '../eventstore/errors.ts';
import type { AppendRequest, AppendResult, EventStore } from '../eventstore/port.ts';
import type { Logger } from '../log/logger.ts';
import {
  decideAccountLinked,
  decideChat,
  decideDeletion,
  decideGap,
  decideMessage,
  decideMigration,
  decidePin,
  decideReactions,
  decideUnresolvedDeletion,
  decideUser,
} from './deciders/index.ts';
import type { MessageLocator } from './message-locator.ts';
import {
  type ChatState,
  EMPTY_CHAT,
  EMPTY_MESSAGE,
  EMPTY_USER,
  evolveChat,
  evolveMessage,
  evolveUser,
  foldChat,
  foldMessage,
  foldUser,
  type MessageState,
  type UserState,
} from './state.ts';
import { StateCache } from './state-cache.ts';

type Kind = 'message' | 'chat' | 'user' | 'account';
interface VersionOnly {
  readonly version: number;
}
type AnyState = MessageState | ChatState | UserState | VersionOnly;

/** One decision to take on one stream, in order. */
type Step =
  | {
      readonly stream: string;
      readonly kind: 'message';
      readonly decide: (state: MessageState) => NewEvent[];
      /** Where the observed message's file is, for the media worker. */
      readonly location?: MediaLocation;
    }
  | { readonly stream: string; readonly kind: 'chat'; readonly decide: (state: ChatState) => NewEvent[] }
  | { readonly stream: string; readonly kind: 'user'; readonly decide: (state: UserState) => NewEvent[] }
  | {
      readonly stream: string;
      readonly kind: 'account';
      readonly decide: (state: VersionOnly) => NewEvent[];
    };

export interface RecordOutcome {
  /** Events actually written (duplicates not counted). */
  readonly appended: number;
  /** The same, by event type (a backfill reports created, edited and deleted messages). */
  readonly written: Readonly<Partial<Record<EventType, number>>>;
  /** Ids of peerless deletions that matched no message. */
  readonly unresolved: readonly number[];
  /** Files that written events brought: a new message's, or the new file of an edit that swapped it. */
  readonly files: readonly RecordedFile[];
}

/** A file to hand to the media worker (its policy still decides whether to fetch it). */
export interface RecordedFile {
  readonly chat: PeerRef;
  readonly messageId: number;
  readonly media: MediaDescriptor;
  readonly location?: MediaLocation;
  /** Where the message was seen (live or difference). */
  readonly source: EventSource;
}

/**
 * Loads the states of many messages at once, e.g. from the read model with one query per page (the
 * backfiller's case). It may lag the event store: when an append then conflicts, the recorder reads
 * the streams themselves. Messages it does not know are read from the streams too.
 */
export interface MessageStateLoader {
  load(
    messages: readonly { readonly stream: string; readonly chat: PeerRef; readonly messageId: number }[],
  ): Promise<Map<string, MessageState>>;
}

export interface RecorderOptions {
  readonly store: EventStore;
  readonly stateLoader?: MessageStateLoader;
  readonly account: string;
  readonly locator: MessageLocator;
  readonly logger: Logger;
  /** States kept in memory between calls. Default 20 000. */
  readonly cacheSize?: number;
}

const MAX_CONFLICT_RETRIES = 5;

/** Runs one step on its stream's state: the events it decides and the state after them. */
function applyStep(step: Step, state: AnyState): { events: NewEvent[]; state: AnyState } {
  switch (step.kind) {
    case 'message': {
      const events = step.decide(state as MessageState);
      return {
        events,
        state: events.reduce((s, e) => evolveMessage(s, e, s.version + 1), state as MessageState),
      };
    }
    case 'chat': {
      const events = step.decide(state as ChatState);
      return { events, state: events.reduce((s, e) => evolveChat(s, e, s.version + 1), state as ChatState) };
    }
    case 'user': {
      const events = step.decide(state as UserState);
      return { events, state: events.reduce((s, e) => evolveUser(s, e, s.version + 1), state as UserState) };
    }
    case 'account': {
      const events = step.decide(state);
      return { events, state: { version: state.version + events.length } };
    }
  }
}

export class Recorder {
  private readonly options: RecorderOptions;
  private readonly cache: StateCache<AnyState>;

  constructor(options: RecorderOptions) {
    this.options = options;
    this.cache = new StateCache(options.cacheSize ?? 20_000);
  }

  get account(): string {
    return this.options.account;
  }

  async record(observations: readonly Observation[]): Promise<RecordOutcome> {
    const unresolved: number[] = [];
    const steps = await this.stepsFor(observations, unresolved);
    const written: Partial<Record<EventType, number>> = {};
    const files: RecordedFile[] = [];
    const appended = await this.run(steps, written, files);
    return { appended, unresolved, written, files };
  }

  async linkAccount(linked: AccountLinkedV1, meta: ObservationMeta): Promise<number> {
    const stream = streams.account(this.options.account);
    // Idempotent by id: appending it again is a no-op, so no need to read the account stream.
    return this.run([
      {
        stream,
        kind: 'account',
        decide: () => decideAccountLinked(this.options.account, false, linked, meta),
      },
    ]);
  }

  async recordGap(gap: GapDetectedV1, meta: ObservationMeta): Promise<number> {
    const stream = streams.account(this.options.account);
    return this.run([{ stream, kind: 'account', decide: () => decideGap(this.options.account, gap, meta) }]);
  }

  /** Forget cached states (another process may have written). */
  invalidate(): void {
    this.cache.clear();
  }

  private async stepsFor(observations: readonly Observation[], unresolved: number[]): Promise<Step[]> {
    const account = this.options.account;
    const steps: Step[] = [];
    const message = (
      chat: PeerRef,
      id: number,
      decide: (state: MessageState) => NewEvent[],
      location?: MediaLocation,
    ) => steps.push({ stream: streams.message(account, chat, id), kind: 'message', decide, location });
    for (const observation of observations) {
      switch (observation.kind) {
        case 'message':
          message(
            observation.message.chat,
            observation.message.messageId,
            (s) => decideMessage(account, s, observation),
            observation.mediaLocation,
          );
          break;
        case 'reactions':
          message(observation.chat, observation.messageId, (s) =>
            decideReactions(
              account,
              s,
              observation.chat,
              observation.messageId,
              observation.snapshot,
              observation.meta,
            ),
          );
          break;
        case 'pins':
          for (const id of observation.messageIds)
            message(observation.chat, id, (s) =>
              decidePin(account, s, observation.chat, id, observation.pinned, observation.meta),
            );
          break;
        case 'deletion': {
          if (observation.chat) {
            const chat = observation.chat;
            for (const id of observation.messageIds)
              message(chat, id, (s) =>
                decideDeletion(account, s, chat, id, observation.matchedBy ?? 'peer', observation.meta),
              );
            break;
          }
          const found = await this.options.locator.findChats(observation.messageIds);
          const missing: number[] = [];
          for (const id of observation.messageIds) {
            const chat = found.get(id);
            if (chat)
              message(chat, id, (s) => decideDeletion(account, s, chat, id, 'lookup', observation.meta));
            else missing.push(id);
          }
          if (missing.length > 0) {
            unresolved.push(...missing);
            steps.push({
              stream: streams.account(account),
              kind: 'account',
              decide: () =>
                decideUnresolvedDeletion(
                  account,
                  missing,
                  'deleted without a chat, and no archived private or group message has this id',
                  observation.meta,
                ),
            });
          }
          break;
        }
        case 'chat':
          steps.push({
            stream: streams.chat(account, observation.chat),
            kind: 'chat',
            decide: (s) => decideChat(account, s, observation),
          });
          break;
        case 'migration':
          steps.push({
            stream: streams.chat(account, observation.migration.from),
            kind: 'chat',
            decide: (s) => decideMigration(account, s, observation),
          });
          break;
        case 'user':
          steps.push({
            stream: streams.user(account, observation.userId),
            kind: 'user',
            decide: (s) => decideUser(account, s, observation),
          });
          break;
        case 'chatChanged':
          // Says only "fetch me": the caller turns it into a chat observation with the gateway.
          break;
      }
    }
    return steps;
  }

  /** Decides every step on its stream's evolving state and appends all of it in one batch. */
  private async run(
    steps: readonly Step[],
    written?: Partial<Record<EventType, number>>,
    files?: RecordedFile[],
  ): Promise<number> {
    if (steps.length === 0) return 0;
    for (let attempt = 1; ; attempt++) {
      const states = await this.load(steps, attempt === 1);
      const decided = new Map<string, { start: number; events: NewEvent[]; kind: Kind }>();
      const bringsFile = new Map<NewEvent, RecordedFile>();
      for (const step of steps) {
        const entry = decided.get(step.stream) ?? {
          start: states.get(step.stream)!.version,
          events: [],
          kind: step.kind,
        };
        const before = states.get(step.stream)!;
        const { events, state: next } = applyStep(step, before);
        if (step.kind === 'message') noteFiles(before as MessageState, events, step.location, bringsFile);
        states.set(step.stream, next);
        entry.events.push(...events);
        decided.set(step.stream, entry);
      }
      const requests: AppendRequest[] = [];
      for (const [stream, { start, events, kind }] of decided) {
        if (events.length === 0) continue;
        requests.push({
          stream,
          events,
          // The account stream takes facts from many writers; its facts are idempotent by id.
          expectedVersion: kind === 'account' ? 'any' : start === -1 ? 'no-stream' : start,
        });
      }
      if (requests.length === 0) return 0;
      try {
        const results = await this.options.store.appendBatch(requests);
        if (written) countWritten(requests, results, written);
        if (files) files.push(...writtenFiles(requests, results, bringsFile));
        return this.remember(results, states);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
        this.options.logger.debug({ stream: error.stream, attempt }, 'stream moved on; deciding again');
        for (const request of requests) this.cache.delete(request.stream);
      }
    }
  }

  private remember(results: readonly AppendResult[], states: Map<string, AnyState>): number {
    let written = 0;
    for (const result of results) {
      const fresh = result.events.filter((e) => !e.duplicate).length;
      written += fresh;
      const state = states.get(result.stream);
      // Duplicates mean someone else wrote these facts: our folded state may not match the stream.
      if (fresh !== result.events.length || !state || state.version !== result.currentVersion)
        this.cache.delete(result.stream);
      else this.put(result.stream, state);
    }
    return written;
  }

  private async load(steps: readonly Step[], mayUseLoader: boolean): Promise<Map<string, AnyState>> {
    const states = new Map<string, AnyState>();
    const missing = new Map<string, Kind>();
    for (const step of steps) {
      const cached = this.cache.get(step.stream);
      if (cached) states.set(step.stream, cached);
      else missing.set(step.stream, step.kind);
    }
    const loader = this.options.stateLoader;
    if (loader && mayUseLoader) {
      const messages = [...missing].flatMap(([stream, kind]) => {
        if (kind !== 'message') return [];
        const parsed = parseStream(stream);
        return parsed.category === 'message'
          ? [{ stream, chat: parsed.chat, messageId: parsed.messageId }]
          : [];
      });
      if (messages.length > 0) {
        for (const [stream, state] of await loader.load(messages)) {
          if (!missing.has(stream)) continue;
          states.set(stream, state);
          missing.delete(stream);
        }
      }
    }
    await Promise.all(
      [...missing].map(async ([stream, kind]) => {
        states.set(stream, await this.read(stream, kind));
      }),
    );
    return states;
  }

  private async read(stream: string, kind: Kind): Promise<AnyState> {
    if (kind === 'account') {
      const last = await this.options.store.readStream(stream, { direction: 'backwards', limit: 1 });
      return { version: last[0]?.streamVersion ?? -1 };
    }
    const events = await this.options.store.readStream(stream);
    if (kind === 'message') return events.length ? foldMessage(events) : EMPTY_MESSAGE;
    if (kind === 'chat') return events.length ? foldChat(events) : EMPTY_CHAT;
    return events.length ? foldUser(events) : EMPTY_USER;
  }

  private put(stream: string, state: AnyState): void {
    this.cache.set(stream, state);
  }
}

/** Adds the events an append actually wrote (not duplicates) to `written`, by type. */
function countWritten(
  requests: readonly AppendRequest[],
  results: readonly AppendResult[],
  written: Partial<Record<EventType, number>>,
): void {
  for (const [r, result] of results.entries()) {
    for (const [e, appended] of result.events.entries()) {
      if (appended.duplicate) continue;
      const type = requests[r]!.events[e]!.type;
      written[type] = (written[type] ?? 0) + 1;
    }
  }
}

/** Notes which of a message's new events bring a file the message did not have before. */
function noteFiles(
  before: MessageState,
  events: readonly NewEvent[],
  location: MediaLocation | undefined,
  into: Map<NewEvent, RecordedFile>,
): void {
  // Only the file id matters here; evolving the whole state again would hash the content twice.
  let fileId = before.mediaFileId;
  for (const event of events) {
    if (event.type !== 'MessageCreated' && event.type !== 'MessageEdited') continue;
    const { chat, messageId, media } = event.data;
    const created = event.type === 'MessageCreated';
    if (media && DOWNLOADABLE_MEDIA.includes(media.kind) && (created || media.fileId !== fileId))
      into.set(event, {
        chat,
        messageId,
        media,
        source: event.metadata.source,
        ...(location ? { location } : {}),
      });
    fileId = media?.fileId;
  }
}

/** The files of the events an append actually wrote: a duplicate means another writer saw it first. */
function writtenFiles(
  requests: readonly AppendRequest[],
  results: readonly AppendResult[],
  bringsFile: ReadonlyMap<NewEvent, RecordedFile>,
): RecordedFile[] {
  const files: RecordedFile[] = [];
  for (const [r, result] of results.entries()) {
    for (const [e, appended] of result.events.entries()) {
      const file = bringsFile.get(requests[r]!.events[e]!);
      if (file && !appended.duplicate) files.push(file);
    }
  }
  return files;
}
