// Which chats a backfill run covers: --chat given as an id, @username or exact title (resolved
// against the dialog list, loaded page by page only as far as needed), or --all filtered by
// CHATS_INCLUDE, CHATS_EXCLUDE and CHAT_TYPES. A chat that cannot be resolved is a clear error for
// that chat alone; the others still run.
import type { ChatType } from '../../events/payloads.ts';
import { type PeerRef, samePeer } from '../../events/peers.ts';
import { botApiId, chatInList, peerOfBotApiId } from '../chat-ids.ts';
import type { ChatInfo } from './ports.ts';

export type ChatTypeFilter = 'private' | 'groups' | 'channels' | 'bots';

export interface ChatFilters {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly types: readonly ChatTypeFilter[];
}

export class ChatSelectionError extends Error {
  readonly spec: string;
  constructor(spec: string, message: string) {
    super(message);
    this.name = 'ChatSelectionError';
    this.spec = spec;
  }
}

export type ChatSpec =
  | { readonly kind: 'id'; readonly text: string; readonly peer: PeerRef }
  | { readonly kind: 'username'; readonly text: string; readonly username: string }
  | { readonly kind: 'title'; readonly text: string; readonly title: string };

/** Parses one --chat value; throws ChatSelectionError for a value that is none of the three forms. */
export function parseChatSpec(text: string): ChatSpec {
  const value = text.trim();
  if (/^-?\d+$/.test(value)) {
    const peer = peerOfBotApiId(value);
    if (!peer)
      throw new ChatSelectionError(
        text,
        `'${text}' is not a chat id (users 123, groups -123, channels -100123)`,
      );
    return { kind: 'id', text: value, peer };
  }
  if (value.startsWith('@')) {
    const username = value.slice(1);
    if (!/^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(username))
      throw new ChatSelectionError(
        text,
        `'${text}' is not a valid @username (5-32 letters, digits, underscores)`,
      );
    return { kind: 'username', text: value, username };
  }
  if (value === '') throw new ChatSelectionError(text, 'an empty --chat value names no chat');
  return { kind: 'title', text: value, title: value };
}

export function typeFilterOf(chatType: ChatType): ChatTypeFilter {
  switch (chatType) {
    case 'private':
      return 'private';
    case 'bot':
      return 'bots';
    case 'group':
    case 'supergroup':
      return 'groups';
    case 'channel':
      return 'channels';
  }
}

/** Why --all leaves a chat out; undefined when it is in. */
export function filteredOutBy(info: ChatInfo, filters: ChatFilters): string | undefined {
  if (chatInList(info.chat, filters.exclude)) return 'CHATS_EXCLUDE';
  if (filters.include.length > 0 && !chatInList(info.chat, filters.include)) return 'CHATS_INCLUDE';
  if (!filters.types.includes(typeFilterOf(info.chatType))) return 'CHAT_TYPES';
  return undefined;
}

export const displayName = (info: ChatInfo): string =>
  `${info.title || (info.username ? `@${info.username}` : '(untitled)')} (${botApiId(info.chat)})`;

/** The dialog list, fetched lazily and at most once. A failed page ends the list; all() reports it. */
export class DialogDirectory {
  private readonly pages: AsyncIterator<readonly ChatInfo[]>;
  private readonly loaded: ChatInfo[] = [];
  private complete = false;
  /** Why the list is incomplete, when loading it failed. */
  failure: unknown;

  constructor(pages: AsyncIterable<readonly ChatInfo[]>) {
    this.pages = pages[Symbol.asyncIterator]();
  }

  /** The first dialog matching, loading more pages only while none matches. */
  async find(match: (info: ChatInfo) => boolean): Promise<ChatInfo | undefined> {
    const found = this.loaded.find(match);
    if (found || this.complete) return found;
    while (await this.loadPage()) {
      const hit = this.loaded.find(match);
      if (hit) return hit;
    }
    return undefined;
  }

  async all(): Promise<readonly ChatInfo[]> {
    while (await this.loadPage());
    if (this.failure !== undefined) throw this.failure;
    return this.loaded;
  }

  private async loadPage(): Promise<boolean> {
    if (this.complete) return false;
    let next: IteratorResult<readonly ChatInfo[]>;
    try {
      next = await this.pages.next();
    } catch (error) {
      this.failure = error;
      this.complete = true;
      return false;
    }
    if (next.done) {
      this.complete = true;
      return false;
    }
    for (const info of next.value)
      if (!this.loaded.some((d) => samePeer(d.chat, info.chat))) this.loaded.push(info);
    return true;
  }
}

export interface ResolveDeps {
  readonly directory: DialogDirectory;
  readonly resolveUsername: (username: string) => Promise<ChatInfo | undefined>;
  readonly filters: ChatFilters;
}

/** Resolves one --chat value. Explicit chats skip CHATS_INCLUDE and CHAT_TYPES but never CHATS_EXCLUDE. */
export async function resolveChat(spec: ChatSpec, deps: ResolveDeps): Promise<ChatInfo> {
  let info: ChatInfo | undefined;
  /** Why a lookup in the dialog list came up empty, when the list itself failed to load. */
  const listFailure = (): ChatSelectionError | undefined => {
    const failure = deps.directory.failure;
    if (failure === undefined) return undefined;
    const reason = failure instanceof Error ? failure.message : String(failure);
    return new ChatSelectionError(
      spec.text,
      `cannot look up ${spec.text}: the dialog list could not be loaded (${reason})`,
    );
  };
  switch (spec.kind) {
    case 'id':
      info = await deps.directory.find((d) => samePeer(d.chat, spec.peer));
      if (!info)
        throw (
          listFailure() ??
          new ChatSelectionError(
            spec.text,
            `chat ${spec.text} not found: no dialog of this account has that id (join the chat, or check the id form: users 123, groups -123, channels -100123)`,
          )
        );
      break;
    case 'username': {
      const lower = spec.username.toLowerCase();
      info =
        (await deps.directory.find((d) => d.username?.toLowerCase() === lower)) ??
        (await deps.resolveUsername(spec.username));
      if (!info)
        throw new ChatSelectionError(
          spec.text,
          `chat ${spec.text} not found: no user or chat has that username`,
        );
      break;
    }
    case 'title': {
      let all: readonly ChatInfo[];
      try {
        all = await deps.directory.all();
      } catch (error) {
        throw listFailure() ?? error; // a title needs the whole list
      }
      const matches = all.filter((d) => d.title === spec.title);
      if (matches.length === 0) {
        const near = all.filter((d) => d.title.toLowerCase() === spec.title.toLowerCase()).map(displayName);
        throw new ChatSelectionError(
          spec.text,
          `no chat is titled exactly '${spec.title}'${near.length ? `; did you mean ${near.join(' or ')}?` : ' (titles must match exactly; use the id or @username)'}`,
        );
      }
      if (matches.length > 1)
        throw new ChatSelectionError(
          spec.text,
          `'${spec.title}' is the title of ${matches.length} chats: ${matches.map(displayName).join(', ')}; pass the id instead`,
        );
      info = matches[0]!;
      break;
    }
  }
  if (chatInList(info.chat, deps.filters.exclude))
    throw new ChatSelectionError(spec.text, `${displayName(info)} is excluded by CHATS_EXCLUDE`);
  return info;
}

/** --all: every dialog the filters allow, with the reasons for the rest. */
export async function selectAll(
  directory: DialogDirectory,
  filters: ChatFilters,
): Promise<{ selected: ChatInfo[]; excluded: { info: ChatInfo; by: string }[] }> {
  const selected: ChatInfo[] = [];
  const excluded: { info: ChatInfo; by: string }[] = [];
  for (const info of await directory.all()) {
    const by = filteredOutBy(info, filters);
    if (by) excluded.push({ info, by });
    else selected.push(info);
  }
  return { selected, excluded };
}
