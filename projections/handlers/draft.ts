// The working set of one batch: copies of the loaded rows that handlers change in memory, plus the
// rows they append. Handlers fold every event of the batch into it; `toWrites` then turns the final
// state into set-based writes, so a row touched by 50 events is written once.
import { type PeerKind, type PeerRef, peerKey } from '../../src/events/peers.ts';
import { chatKey } from '../keys.ts';
import type {
  AccountRow,
  AppliedEvent,
  BackfillRunRow,
  ChatRow,
  LoadedRows,
  MediaRow,
  MessageMediaRow,
  MessageRow,
  MessageVersionRow,
  Millis,
  PinRow,
  ReactionRow,
  ReactionSnapshotRow,
  RowPatch,
  SearchWrite,
  UnresolvedDeletionRow,
  UserNameRow,
  UserRow,
  WriteSet,
} from '../model.ts';

export class BatchDraft {
  readonly #loaded: LoadedRows;
  #nextMessagePk: number;
  readonly #accounts = new Map<string, AccountRow>();
  readonly #chats = new Map<string, ChatRow>();
  readonly #users = new Map<string, UserRow>();
  readonly #messages = new Map<string, MessageRow>();
  readonly #backfillRuns = new Map<string, BackfillRunRow>();
  readonly #dirty = {
    accounts: new Set<string>(),
    chats: new Set<string>(),
    users: new Set<string>(),
    messages: new Set<string>(),
    backfillRuns: new Set<string>(),
    search: new Set<string>(),
  };
  readonly #versions = new Map<string, MessageVersionRow>();
  readonly #closedVersions = new Map<string, { message: number; versionNo: number; validTo: Millis }>();
  readonly #names = new Map<string, UserNameRow>();
  readonly #closedNames = new Map<string, Millis>();
  readonly #reactions = new Map<number, ReactionRow[]>();
  readonly #snapshots: ReactionSnapshotRow[] = [];
  readonly #pins: PinRow[] = [];
  readonly #media = new Map<string, MediaRow>();
  readonly #messageMedia = new Map<string, MessageMediaRow>();
  readonly #unresolved: UnresolvedDeletionRow[] = [];
  readonly applied: AppliedEvent[] = [];

  constructor(loaded: LoadedRows) {
    this.#loaded = loaded;
    this.#nextMessagePk = loaded.nextMessagePk;
  }

  // ---- accounts ----

  /** The account row, created as a placeholder when the account is only known from a stream name. */
  account(id: string): AccountRow {
    return this.#get(this.#accounts, this.#loaded.accounts, id, () => {
      this.#dirty.accounts.add(id);
      return {
        id,
        firstName: null,
        username: null,
        linkedAt: null,
        unresolvedDeletionCount: 0,
        streamVersion: -1,
      };
    });
  }

  touchAccount(row: AccountRow): void {
    this.#dirty.accounts.add(row.id);
  }

  // ---- chats and users ----

  /**
   * The chat row, created as a placeholder (type and title unknown) when the chat was never observed.
   * `id` is its key when the caller already has it.
   */
  chat(account: string, peer: PeerRef, id = chatKey(account, peer)): ChatRow {
    return this.#get(this.#chats, this.#loaded.chats, id, () => {
      this.#dirty.chats.add(id);
      this.account(account);
      return {
        id,
        account,
        peer: peerKey(peer),
        kind: peer.kind,
        peerId: peer.id,
        type: null,
        title: null,
        username: null,
        about: null,
        participantCount: null,
        forum: false,
        photoId: null,
        migratedTo: null,
        migratedFrom: null,
        lastMessageId: null,
        lastMessageDate: null,
        messageCount: 0,
        deletedCount: 0,
        firstObservedAt: null,
        observedAt: null,
        streamVersion: -1,
      };
    });
  }

  touchChat(row: ChatRow): void {
    this.#dirty.chats.add(row.id);
  }

  findUser(id: string): UserRow | undefined {
    return this.#find(this.#users, this.#loaded.users, id);
  }

  putUser(row: UserRow): void {
    this.#users.set(row.id, row);
    this.#dirty.users.add(row.id);
    this.account(row.account);
  }

  addName(row: UserNameRow): void {
    this.#names.set(row.id, row);
  }

  /** Ends the open name; a name added in this batch is closed in memory, an older one by an update. */
  closeName(id: string, validTo: Millis): void {
    const fresh = this.#names.get(id);
    if (fresh) fresh.validTo = validTo;
    else this.#closedNames.set(id, validTo);
  }

  // ---- messages ----

  findMessage(key: string): MessageRow | undefined {
    return this.#find(this.#messages, this.#loaded.messages, key);
  }

  /** A new message row with the next surrogate id; counts it in its chat. */
  createMessage(
    key: string,
    account: string,
    chat: PeerRef,
    chatId: string,
    messageId: number,
    observedAt: Millis,
  ): MessageRow {
    const chatRow = this.chat(account, chat, chatId);
    chatRow.messageCount += 1;
    this.touchChat(chatRow);
    const row: MessageRow = {
      id: this.#nextMessagePk++,
      chat: chatRow.id,
      account,
      chatPeer: chatRow.peer,
      chatKind: chat.kind satisfies PeerKind,
      messageId,
      date: null,
      senderPeer: null,
      outgoing: false,
      text: '',
      entities: [],
      media: null,
      mediaKind: null,
      service: null,
      replyToMessageId: null,
      replyToTopicId: null,
      replyToPeer: null,
      replyQuote: null,
      topicId: null,
      forward: null,
      forwardFromPeer: null,
      groupedId: null,
      viaBotId: null,
      postAuthor: null,
      views: null,
      forwards: null,
      editCount: 0,
      lastEditedAt: null,
      versionCount: 0,
      currentVersionId: null,
      currentVersionFrom: null,
      deletedAt: null,
      deletionSource: null,
      deletionMatchedBy: null,
      pinned: false,
      reactionsTotal: 0,
      reactionsHash: null,
      mediaSha256: null,
      mediaSkipReason: null,
      mediaSkipDetail: null,
      firstObservedAt: observedAt,
      streamVersion: -1,
    };
    this.#messages.set(key, row);
    this.#dirty.messages.add(key);
    return row;
  }

  touchMessage(key: string): void {
    this.#dirty.messages.add(key);
  }

  /** The message's text or media changed: its search document is rewritten. */
  reindex(key: string): void {
    this.#dirty.search.add(key);
  }

  addVersion(row: MessageVersionRow): void {
    this.#versions.set(`${row.message}:${row.versionNo}`, row);
  }

  /** Ends a version; one added in this batch is closed in memory, an older one by an update. */
  closeVersion(message: number, versionNo: number, validTo: Millis): void {
    const key = `${message}:${versionNo}`;
    const fresh = this.#versions.get(key);
    if (fresh) fresh.validTo = validTo;
    else this.#closedVersions.set(key, { message, versionNo, validTo });
  }

  replaceReactions(message: number, rows: ReactionRow[]): void {
    this.#reactions.set(message, rows);
  }

  addReactionSnapshot(row: ReactionSnapshotRow): void {
    this.#snapshots.push(row);
  }

  addPin(row: PinRow): void {
    this.#pins.push(row);
  }

  /** Content-addressed: the first description of a file wins, later ones are the same bytes. */
  addMedia(row: MediaRow): void {
    if (!this.#media.has(row.sha256)) this.#media.set(row.sha256, row);
  }

  addMessageMedia(row: MessageMediaRow): void {
    const key = `${row.message}:${row.media}`;
    if (!this.#messageMedia.has(key)) this.#messageMedia.set(key, row);
  }

  // ---- account records ----

  findBackfillRun(runId: string): BackfillRunRow | undefined {
    return this.#find(this.#backfillRuns, this.#loaded.backfillRuns, runId);
  }

  putBackfillRun(row: BackfillRunRow): void {
    this.#backfillRuns.set(row.runId, row);
    this.#dirty.backfillRuns.add(row.runId);
  }

  addUnresolved(row: UnresolvedDeletionRow): void {
    this.#unresolved.push(row);
  }

  // ---- output ----

  /** Every row loaded or written, as the batch leaves it: what a reload after the commit would read. */
  rowsAfter(): LoadedRows {
    const merge = <T>(loaded: ReadonlyMap<string, T>, working: Map<string, T>): Map<string, T> => {
      const all = new Map(loaded);
      for (const [key, row] of working) all.set(key, row);
      return all;
    };
    return {
      accounts: merge(this.#loaded.accounts, this.#accounts),
      chats: merge(this.#loaded.chats, this.#chats),
      users: merge(this.#loaded.users, this.#users),
      messages: merge(this.#loaded.messages, this.#messages),
      backfillRuns: merge(this.#loaded.backfillRuns, this.#backfillRuns),
      nextMessagePk: this.#nextMessagePk,
    };
  }

  toWrites(): WriteSet {
    const pick = <T>(map: Map<string, T>, keys: Set<string>): T[] => [...keys].map((k) => map.get(k)!);
    const messages: MessageRow[] = [];
    const messageChanges: RowPatch[] = [];
    for (const key of this.#dirty.messages) {
      const row = this.#messages.get(key)!;
      const before = this.#loaded.messages.get(key);
      if (!before) {
        messages.push(row);
        continue;
      }
      const changes: Record<string, unknown> = {};
      let changed = false;
      for (const prop of Object.keys(row) as (keyof MessageRow)[]) {
        // JSON columns are replaced, never mutated, so identity tells whether they changed.
        if (row[prop] !== before[prop]) {
          changes[prop] = row[prop];
          changed = true;
        }
      }
      if (changed) messageChanges.push({ key: [row.id], changes });
    }
    const search: SearchWrite[] = [...this.#dirty.search].map((key) => {
      const row = this.#messages.get(key)!;
      return {
        message: row.id,
        source: row,
        fresh: !this.#loaded.messages.has(key),
      };
    });
    return {
      accounts: pick(this.#accounts, this.#dirty.accounts),
      chats: pick(this.#chats, this.#dirty.chats),
      users: pick(this.#users, this.#dirty.users),
      userNames: [...this.#names.values()],
      closedNames: [...this.#closedNames].map(([id, validTo]) => ({ id, validTo })),
      media: [...this.#media.values()],
      messages,
      messageChanges,
      messageVersions: [...this.#versions.values()],
      closedVersions: [...this.#closedVersions.values()],
      reactionsReplaced: [...this.#reactions.keys()],
      reactions: [...this.#reactions.values()].flat(),
      reactionSnapshots: this.#snapshots,
      pins: this.#pins,
      messageMedia: [...this.#messageMedia.values()],
      backfillRuns: pick(this.#backfillRuns, this.#dirty.backfillRuns),
      unresolvedDeletions: this.#unresolved,
      search,
    };
  }

  #find<T>(working: Map<string, T>, loaded: ReadonlyMap<string, T>, key: string): T | undefined {
    const row = working.get(key);
    if (row) return row;
    const original = loaded.get(key);
    if (!original) return undefined;
    const copy = { ...original };
    working.set(key, copy);
    return copy;
  }

  #get<T>(working: Map<string, T>, loaded: ReadonlyMap<string, T>, key: string, create: () => T): T {
    const found = this.#find(working, loaded, key);
    if (found) return found;
    const row = create();
    working.set(key, row);
    return row;
  }
}
