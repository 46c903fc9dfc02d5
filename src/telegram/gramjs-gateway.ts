// The gateway implemented with gramjs. It owns the client: connecting with backoff and reconnecting
// forever, intercepting pushed updates before gramjs's dispatcher (which runs handlers concurrently
// and loses the container's seq), pacing every call, and mapping answers into observations.
import bigInt from 'big-integer';
import { Api, type TelegramClient } from 'telegram';
import { UpdateConnectionState } from 'telegram/network/index.js';
import { LAYER } from 'telegram/tl/AllTLObjects.js';
import type { Config } from '../config/index.ts';
import type { EventSource } from '../events/envelope.ts';
import type { MessageObservation, Observation } from '../events/observations.ts';
import { type PeerRef, peerKey } from '../events/peers.ts';
import type { Logger } from '../log/logger.ts';
import { exponentialDelay } from '../pacing/backoff.ts';
import { requestPacer } from '../pacing/from-config.ts';
import type { Pacer } from '../pacing/pacer.ts';
import { type ClientConfig, createGramClient, destroyGramClient } from './client.ts';
import {
  CallAbortedError,
  floodWaitSeconds,
  MediaUnavailableError,
  NotAuthorizedError,
  rpcErrorMessage,
  TelegramRpcError,
} from './errors.ts';
import type {
  AccountInfo,
  CallOptions,
  ChannelDifferenceResult,
  ConnectionState,
  DialogPage,
  DifferenceResult,
  DownloadOptions,
  GatewayEvent,
  HistoryPage,
  HistoryQuery,
  ResolvedPeer,
  TelegramGateway,
  UpdateState,
} from './gateway.ts';
import { mapEntitiesOf, mapFullChat, mapUser, privateChatOf } from './map/chats.ts';
import { idString, type MapContext, peerOf } from './map/common.ts';
import { mapMessage } from './map/message.ts';
import { mapChannelDifference, mapDifference, mapState, mapUpdates } from './map/updates.ts';
import { abortableSleep, pacedCall, unpacedCall } from './pacing.ts';
import { PeerCache } from './peer-cache.ts';
import { readSession } from './session-file.ts';

export type GatewayConfig = ClientConfig &
  Pick<Config, 'sessionDir' | 'requestsPerSecond' | 'maxFloodWaitSeconds'>;

export interface GatewayOptions {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  /** The session string; read from SESSION_DIR when absent. */
  readonly session?: string;
  /** Keep raw TL objects in observation metadata (default true). */
  readonly keepRaw?: boolean;
  /** A call without an answer after this long fails (and is retried by its caller). Default 60 s. */
  readonly callTimeoutMs?: number;
  readonly reconnectDelayMs?: { readonly initial: number; readonly max: number };
  /**
   * The process's one request budget, shared with whoever else asks Telegram through this gateway
   * (backfill, downloads); built from REQUESTS_PER_SECOND / MAX_FLOOD_WAIT_SECONDS when absent.
   */
  readonly pacer?: Pacer;
}

/** Errors meaning the session is not (or no longer) logged in. */
const UNAUTHORIZED = new Set([
  'AUTH_KEY_UNREGISTERED',
  'AUTH_KEY_INVALID',
  'SESSION_REVOKED',
  'SESSION_EXPIRED',
  'USER_DEACTIVATED',
  'USER_DEACTIVATED_BAN',
]);

const CHUNK = 512 * 1024;

export class CallTimeoutError extends Error {
  readonly method: string;
  constructor(method: string, ms: number) {
    super(`Telegram did not answer ${method} within ${ms} ms`);
    this.name = 'CallTimeoutError';
    this.method = method;
  }
}

export class GramjsGateway implements TelegramGateway {
  private readonly options: GatewayOptions;
  private readonly logger: Logger;
  private readonly pacer: Pacer;
  private readonly peers: PeerCache;
  private readonly listeners = new Set<(event: GatewayEvent) => void>();
  private readonly stop = new AbortController();
  private client: TelegramClient | undefined;
  private account: AccountInfo | undefined;
  private lastState: ConnectionState | undefined;
  private supervisor: Promise<void> | undefined;

  constructor(options: GatewayOptions) {
    this.options = options;
    this.logger = options.logger;
    this.pacer = options.pacer ?? requestPacer(options.config, options.logger);
    this.peers = new PeerCache(() => this.account?.userId);
  }

  async connect(signal?: AbortSignal): Promise<AccountInfo> {
    const session = this.options.session ?? readSession(this.options.config.sessionDir);
    if (!session) {
      throw new NotAuthorizedError(
        `No Telegram session in ${this.options.config.sessionDir}: log in first with \`telegram-archive auth\``,
      );
    }
    const client = createGramClient(this.options.config, session, this.logger);
    this.client = client;
    await this.connectWithBackoff(client, signal);
    this.interceptUpdates(client);
    const [me] = (await this.call(
      'users.GetUsers',
      new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }),
      {
        signal,
      },
    )) as any[];
    if (me?.className !== 'User')
      throw new NotAuthorizedError('Telegram did not return the logged-in account');
    this.peers.learn({ users: [me] });
    this.account = {
      userId: idString(me.id),
      firstName: me.firstName ?? undefined,
      lastName: me.lastName ?? undefined,
      username: me.username ?? undefined,
    };
    this.setConnectionState('connected');
    this.supervisor = this.supervise(client);
    return this.account;
  }

  subscribe(listener: (event: GatewayEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async getState(options: CallOptions = {}): Promise<UpdateState> {
    return mapState(await this.call('updates.GetState', new Api.updates.GetState(), options));
  }

  async getDifference(state: UpdateState, options: CallOptions = {}): Promise<DifferenceResult> {
    const answer = await this.call(
      'updates.GetDifference',
      new Api.updates.GetDifference({ pts: state.pts, date: state.date, qts: state.qts }),
      options,
    );
    this.peers.learn(answer);
    return mapDifference(answer, this.context('difference'));
  }

  async getChannelDifference(
    channelId: string,
    pts: number,
    limit: number,
    options: CallOptions = {},
  ): Promise<ChannelDifferenceResult> {
    const answer = await this.call(
      'updates.GetChannelDifference',
      new Api.updates.GetChannelDifference({
        channel: this.peers.inputChannel(channelId),
        filter: new Api.ChannelMessagesFilterEmpty(),
        pts,
        limit,
      }),
      options,
    );
    this.peers.learn(answer);
    return mapChannelDifference(answer, this.context('difference'));
  }

  async getChatInfo(chat: PeerRef, options: CallOptions = {}): Promise<readonly Observation[]> {
    const context = this.context(options.source ?? 'live');
    if (chat.kind === 'user') {
      const users = await this.call(
        'users.GetUsers',
        new Api.users.GetUsers({ id: [this.peers.inputUser(chat.id)] }),
        options,
      );
      const user = mapUser((users as any[])[0], context);
      return user ? [user, privateChatOf(user)] : [];
    }
    const answer =
      chat.kind === 'channel'
        ? await this.call(
            'channels.GetFullChannel',
            new Api.channels.GetFullChannel({ channel: this.peers.inputChannel(chat.id) }),
            options,
          )
        : await this.call(
            'messages.GetFullChat',
            new Api.messages.GetFullChat({ chatId: bigInt(chat.id) }),
            options,
          );
    this.peers.learn(answer);
    return mapFullChat(answer, context);
  }

  async *dialogs(pageSize = 100, options: CallOptions = {}): AsyncIterable<DialogPage> {
    let offsetDate = 0;
    let offsetId = 0;
    let offsetPeer: Api.TypeInputPeer = new Api.InputPeerEmpty();
    const seen = new Set<string>();
    for (;;) {
      const answer: any = await this.call(
        'messages.GetDialogs',
        new Api.messages.GetDialogs({ offsetDate, offsetId, offsetPeer, limit: pageSize, hash: bigInt(0) }),
        options,
      );
      if (answer.className === 'messages.DialogsNotModified') return;
      this.peers.learn(answer);
      const context = this.context(options.source ?? 'backfill');
      const entities = mapEntitiesOf(answer, context);
      const topMessages = (answer.messages ?? []).flatMap((m: any) => {
        const mapped = mapMessage(m, context);
        return mapped ? [mapped] : [];
      });
      const fresh = (answer.dialogs ?? []).filter((d: any) => {
        const chat = peerOf(d.peer);
        return chat && !seen.has(peerKey(chat));
      });
      const dialogs = fresh.map((d: any) => {
        const chat = peerOf(d.peer)!;
        seen.add(peerKey(chat));
        const observation = entities.find(
          (e) =>
            (e.kind === 'chat' && e.chat.id === chat.id && e.chat.kind === chat.kind) ||
            (chat.kind === 'user' && e.kind === 'user' && e.userId === chat.id),
        );
        return {
          chat,
          topMessageId: d.topMessage,
          pts: typeof d.pts === 'number' ? d.pts : undefined,
          observation: observation?.kind === 'user' ? privateChatOf(observation) : observation,
        };
      });
      if (dialogs.length > 0) yield { dialogs, entities, topMessages };
      const last = fresh.at(-1);
      if (answer.className === 'messages.Dialogs' || !last || (answer.dialogs ?? []).length < pageSize)
        return;
      const lastChat = peerOf(last.peer)!;
      const top = (answer.messages ?? []).find(
        (m: any) => m.id === last.topMessage && peerKey(peerOf(m.peerId) ?? lastChat) === peerKey(lastChat),
      );
      offsetId = last.topMessage;
      offsetDate = top?.date ?? 0;
      offsetPeer = this.peers.inputPeer(lastChat);
    }
  }

  async history(chat: PeerRef, query: HistoryQuery, options: CallOptions = {}): Promise<HistoryPage> {
    const answer: any = await this.call(
      'messages.GetHistory',
      new Api.messages.GetHistory({
        peer: this.peers.inputPeer(chat),
        offsetId: query.offsetId ?? 0,
        offsetDate: 0,
        addOffset: query.addOffset ?? 0,
        limit: query.limit,
        maxId: query.maxId ?? 0,
        minId: query.minId ?? 0,
        hash: bigInt(0),
      }),
      options,
    );
    this.peers.learn(answer);
    const context = this.context(options.source ?? 'backfill');
    return {
      messages: this.mapMessages(answer.messages, context),
      entities: mapEntitiesOf(answer, context),
      count: typeof answer.count === 'number' ? answer.count : undefined,
      channelPts: typeof answer.pts === 'number' ? answer.pts : undefined,
    };
  }

  async messagesByIds(
    chat: PeerRef,
    ids: readonly number[],
    options: CallOptions = {},
  ): Promise<readonly (MessageObservation | undefined)[]> {
    if (ids.length === 0) return [];
    const id = ids.map((messageId) => new Api.InputMessageID({ id: messageId }));
    const answer: any =
      chat.kind === 'channel'
        ? await this.call(
            'channels.GetMessages',
            new Api.channels.GetMessages({ channel: this.peers.inputChannel(chat.id), id }),
            options,
          )
        : await this.call('messages.GetMessages', new Api.messages.GetMessages({ id }), options);
    this.peers.learn(answer);
    const mapped = this.mapMessages(answer.messages, this.context(options.source ?? 'backfill'));
    // Common-box ids are unique per account, so a message of another chat is "not in this chat".
    return ids.map((messageId) =>
      mapped.find((m) => m.message.messageId === messageId && peerKey(m.message.chat) === peerKey(chat)),
    );
  }

  async resolveUsername(username: string, options: CallOptions = {}): Promise<ResolvedPeer> {
    const answer: any = await this.call(
      'contacts.ResolveUsername',
      new Api.contacts.ResolveUsername({ username: username.replace(/^@/, '') }),
      options,
    );
    this.peers.learn(answer);
    const resolved = peerOf(answer.peer);
    if (!resolved) throw new TelegramRpcError('contacts.ResolveUsername', 400, 'USERNAME_NOT_OCCUPIED');
    return { peer: resolved, entities: mapEntitiesOf(answer, this.context(options.source ?? 'backfill')) };
  }

  async *downloadMedia(
    chat: PeerRef,
    messageId: number,
    options: DownloadOptions = {},
  ): AsyncIterable<Buffer> {
    const chunk = options.chunkSize ?? CHUNK;
    if (chunk % 4096 !== 0 || (1024 * 1024) % chunk !== 0)
      throw new RangeError(`chunk size ${chunk} must be a multiple of 4096 that divides 1 MiB`);
    let offset = options.offset ?? 0;
    if (offset % chunk !== 0)
      throw new RangeError(`offset ${offset} must be a multiple of the chunk size ${chunk}`);
    let location = options.location ?? (await this.locate(chat, messageId, options.signal));
    let refreshedAt = -1;
    for (;;) {
      let bytes: Buffer;
      try {
        const request = new Api.upload.GetFile({
          location: fileLocation(location),
          offset: bigInt(offset),
          limit: chunk,
        });
        const homeDc = (this.requireClient().session as any).dcId;
        const answer: any = await this.call(
          'upload.GetFile',
          request,
          { signal: options.signal, maxFloodWaitSeconds: options.maxFloodWaitSeconds },
          location.dcId === homeDc ? undefined : location.dcId,
        );
        const received = answer.bytes;
        // gramjs hands out a view of the decrypted message: no need to copy a 1 MiB chunk again.
        bytes = Buffer.isBuffer(received) ? received : Buffer.from(received ?? []);
      } catch (error) {
        const expired = error instanceof TelegramRpcError && error.errorMessage === 'FILE_REFERENCE_EXPIRED';
        if (!expired || refreshedAt === offset) throw error;
        // File references expire; the message carries a fresh one. Refresh once per position.
        refreshedAt = offset;
        this.logger.debug(
          { chat: peerKey(chat), messageId },
          'file reference expired: refreshing from the message',
        );
        location = await this.locate(chat, messageId, options.signal);
        continue;
      }
      if (bytes.length > 0) yield bytes;
      offset += bytes.length;
      if (bytes.length < chunk) return;
    }
  }

  peerHint(peer: PeerRef): string | undefined {
    return this.peers.get(peer);
  }

  rememberPeerHint(peer: PeerRef, accessHash: string): void {
    this.peers.set(peer, accessHash);
  }

  async disconnect(): Promise<void> {
    this.stop.abort(new Error('gateway disconnecting'));
    const client = this.client;
    this.client = undefined;
    await this.supervisor?.catch(() => undefined);
    if (client) await destroyGramClient(client);
    this.setConnectionState('disconnected');
    this.listeners.clear();
  }

  // ---------- internals ----------

  private requireClient(): TelegramClient {
    if (!this.client) throw new Error('the Telegram gateway is not connected');
    return this.client;
  }

  private context(source: EventSource): MapContext {
    return {
      selfId: this.account?.userId ?? '0',
      source,
      observedAt: new Date().toISOString(),
      layer: LAYER,
      keepRaw: this.options.keepRaw,
    };
  }

  private mapMessages(list: readonly any[] | undefined, context: MapContext): MessageObservation[] {
    return (list ?? []).flatMap((m) => {
      const mapped = mapMessage(m, context);
      return mapped ? [mapped] : [];
    });
  }

  private async locate(chat: PeerRef, messageId: number, signal?: AbortSignal) {
    const [message] = await this.messagesByIds(chat, [messageId], { signal });
    if (!message)
      throw new MediaUnavailableError(`message ${messageId} of ${peerKey(chat)} no longer exists`);
    if (!message.mediaLocation)
      throw new MediaUnavailableError(`message ${messageId} of ${peerKey(chat)} has no downloadable file`);
    return message.mediaLocation;
  }

  /** Paced, time-limited invoke; Telegram errors come out as TelegramRpcError or NotAuthorizedError. */
  private async call(method: string, request: any, options: CallOptions = {}, dcId?: number): Promise<any> {
    const client = this.requireClient();
    const timeoutMs = this.options.callTimeoutMs ?? 60_000;
    const signal = options.signal ? AbortSignal.any([options.signal, this.stop.signal]) : this.stop.signal;
    try {
      const invoke = () => withTimeout(client.invoke(request, dcId), timeoutMs, method, signal);
      if (options.maxFloodWaitSeconds === 0) return await unpacedCall(method, invoke, floodWaitSeconds);
      return await pacedCall(this.pacer, method, invoke, {
        maxFloodWaitSeconds: options.maxFloodWaitSeconds,
        signal,
      });
    } catch (error) {
      const message = rpcErrorMessage(error);
      if (message && UNAUTHORIZED.has(message))
        throw new NotAuthorizedError(
          `Telegram no longer accepts this session (${message}): log in again with \`telegram-archive auth --force\``,
        );
      if (message && (error as { seconds?: unknown }).seconds === undefined)
        throw new TelegramRpcError(method, (error as { code?: number }).code, message);
      throw error;
    }
  }

  private async connectWithBackoff(client: TelegramClient, signal?: AbortSignal): Promise<void> {
    const { initial, max } = this.options.reconnectDelayMs ?? { initial: 500, max: 30_000 };
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new CallAbortedError('connect');
      let connected = false;
      try {
        connected = await client.connect();
      } catch (error) {
        this.logger.warn({ err: error, attempt }, 'Telegram connection attempt failed');
      }
      if (connected || client.connected) return;
      const delay = exponentialDelay(attempt, initial, max);
      this.logger.warn({ attempt, retryInMs: delay }, 'cannot reach Telegram; retrying');
      await abortableSleep(delay, signal).catch(() => {
        throw new CallAbortedError('connect');
      });
    }
  }

  /**
   * gramjs keeps reconnecting by itself once, then stays down. Watch for that state and reconnect
   * with exponential backoff, forever, until disconnect().
   */
  private async supervise(client: TelegramClient): Promise<void> {
    const { initial, max } = this.options.reconnectDelayMs ?? { initial: 500, max: 30_000 };
    let attempt = 0;
    const sender = () => (client as any)._sender;
    while (!this.stop.signal.aborted) {
      try {
        await abortableSleep(200, this.stop.signal);
        if (client.connected || sender()?.isReconnecting || sender()?.isConnecting) {
          if (client.connected) attempt = 0;
          continue;
        }
        attempt += 1;
        const delay = exponentialDelay(attempt, initial, max);
        this.logger.warn({ attempt, retryInMs: delay }, 'Telegram connection down; reconnecting');
        await abortableSleep(delay, this.stop.signal);
        await client.connect();
      } catch (error) {
        if (this.stop.signal.aborted) return;
        this.logger.warn({ err: error }, 'Telegram reconnect attempt failed');
      }
    }
  }

  private interceptUpdates(client: TelegramClient): void {
    const sender = (client as any)._sender;
    const original = sender._updateCallback;
    sender._updateCallback = (owner: unknown, update: unknown) => {
      this.onRawUpdate(update);
      // gramjs still caches the entities that come with updates.
      original?.(owner, update);
    };
  }

  private onRawUpdate(update: any): void {
    if (update instanceof UpdateConnectionState) {
      const state: ConnectionState =
        update.state === UpdateConnectionState.connected
          ? 'connected'
          : update.state === UpdateConnectionState.broken
            ? 'broken'
            : 'disconnected';
      if (this.account) this.setConnectionState(state);
      return;
    }
    try {
      this.peers.learn(update);
      const event = mapUpdates(update, this.context('live'));
      if (event) this.emit(event);
    } catch (error) {
      this.logger.error({ err: error, update: update?.className }, 'could not map a pushed update');
    }
  }

  private setConnectionState(state: ConnectionState): void {
    if (state === this.lastState) return;
    this.lastState = state;
    if (state === 'connected') this.logger.info('Telegram connected');
    else if (state === 'broken') this.logger.error('Telegram rejected the auth key (broken session)');
    else this.logger.warn('Telegram disconnected');
    this.emit({ kind: 'connection', state });
  }

  private emit(event: GatewayEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error({ err: error }, 'update listener failed');
      }
    }
  }
}

function fileLocation(location: {
  location: 'photo' | 'document';
  id: string;
  accessHash: string;
  fileReference: string;
  thumbSize: string;
}): Api.TypeInputFileLocation {
  const common = {
    id: bigInt(location.id),
    accessHash: bigInt(location.accessHash),
    fileReference: Buffer.from(location.fileReference, 'base64'),
    thumbSize: location.thumbSize,
  };
  return location.location === 'photo'
    ? new Api.InputPhotoFileLocation(common)
    : new Api.InputDocumentFileLocation(common);
}

function withTimeout<T>(promise: Promise<T>, ms: number, method: string, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new CallTimeoutError(method, ms))), ms);
    timer.unref?.();
    const onAbort = () => finish(() => reject(new CallAbortedError(method)));
    signal.addEventListener('abort', onAbort, { once: true });
    let done = false;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      settle();
    };
    promise.then(
      (value) => finish(() => resolve(value)),
      (error) => finish(() => reject(error)),
    );
  });
}

export function createTelegramGateway(options: GatewayOptions): TelegramGateway {
  return new GramjsGateway(options);
}
