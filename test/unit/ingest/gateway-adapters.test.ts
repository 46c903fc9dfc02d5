import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Observation } from '../../../src/events/observations.ts';
import { peer } from '../../../src/events/peers.ts';
import { chatInfoOf, gatewayPort } from '../../../src/ingest/backfill/gateway-port.ts';
import { gatewayDownloadSource } from '../../../src/ingest/media/gateway-source.ts';
import type { TelegramGateway } from '../../../src/telegram/gateway.ts';

const meta = { source: 'backfill' as const, observedAt: '2024-01-01T00:00:00.000Z' };
const news = peer('channel', 3000);
const alice = peer('user', 2000);

function fakeDownloads(data: Buffer) {
  const opens: { offset: number; chunkSize: number }[] = [];
  let failAt: number | undefined;
  const gateway = {
    downloadMedia(_chat: unknown, _id: number, options: { offset?: number; chunkSize?: number } = {}) {
      const offset = options.offset ?? 0;
      const chunkSize = options.chunkSize ?? 512 * 1024;
      opens.push({ offset, chunkSize });
      return (async function* () {
        for (let at = offset; at < data.length; at += chunkSize) {
          if (at === failAt) {
            failAt = undefined;
            throw new Error('connection reset');
          }
          yield data.subarray(at, at + chunkSize);
        }
      })();
    },
  };
  return { gateway, opens, failOnceAt: (at: number) => (failAt = at) };
}

describe('gatewayDownloadSource', () => {
  it('continues one stream across consecutive reads', async () => {
    const data = randomBytes(3 * 4096 + 10);
    const { gateway, opens } = fakeDownloads(data);
    const source = gatewayDownloadSource(gateway, news, 1);
    const parts = [];
    for (let offset = 0; offset < data.length; offset += 4096) parts.push(await source.read(offset, 4096));
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    expect(opens).toEqual([{ offset: 0, chunkSize: 4096 }]);
  });

  it('starts a new stream at the asked offset after a jump, a size change, a failure or a refresh', async () => {
    const data = randomBytes(64 * 1024);
    const { gateway, opens, failOnceAt } = fakeDownloads(data);
    const source = gatewayDownloadSource(gateway, news, 1);
    await source.read(0, 8192);
    await source.read(16_384, 8192); // jump
    await source.read(24_576, 4096); // size change
    failOnceAt(28_672);
    await expect(source.read(28_672, 4096)).rejects.toThrow('connection reset');
    expect(Buffer.from(await source.read(28_672, 4096)).equals(data.subarray(28_672, 32_768))).toBe(true);
    await source.refresh();
    await source.read(32_768, 4096);
    expect(opens.map((o) => o.offset)).toEqual([0, 16_384, 24_576, 28_672, 32_768]);
    expect(opens.some((o, i) => i > 0 && o.offset === 0)).toBe(false);
  });

  it('returns an empty chunk at the end of the file', async () => {
    const data = randomBytes(8192);
    const { gateway } = fakeDownloads(data);
    const source = gatewayDownloadSource(gateway, news, 1);
    expect((await source.read(0, 8192)).length).toBe(8192);
    expect((await source.read(8192, 8192)).length).toBe(0);
  });
});

describe('gatewayPort', () => {
  const chatObservation: Observation = {
    kind: 'chat',
    chat: news,
    chatType: 'channel',
    title: 'News',
    username: 'news',
    forum: false,
    meta,
  };
  const aliceObservation: Observation = {
    kind: 'user',
    userId: '2000',
    firstName: 'Alice',
    lastName: 'Smith',
    bot: false,
    meta,
  };

  it('turns dialog pages into chats with titles, types and top message ids', async () => {
    const gateway = {
      dialogs: async function* () {
        yield {
          dialogs: [
            { chat: news, topMessageId: 10, observation: chatObservation },
            { chat: alice, topMessageId: 5 },
          ],
          entities: [aliceObservation],
          topMessages: [],
        };
      },
    } as unknown as TelegramGateway;
    const pages = [];
    for await (const page of gatewayPort(gateway).dialogs()) pages.push(page);
    expect(pages).toEqual([
      [
        { chat: news, chatType: 'channel', title: 'News', username: 'news', topMessageId: 10 },
        { chat: alice, chatType: 'private', title: 'Alice Smith', username: undefined, topMessageId: 5 },
      ],
    ]);
  });

  it('answers undefined for a username nobody has, and passes other failures on', async () => {
    let error: unknown;
    const gateway = {
      resolveUsername: async () => {
        throw error;
      },
    } as unknown as TelegramGateway;
    const port = gatewayPort(gateway);
    error = Object.assign(new Error('400: USERNAME_NOT_OCCUPIED'), { errorMessage: 'USERNAME_NOT_OCCUPIED' });
    expect(await port.resolveUsername('nobody')).toBeUndefined();
    error = new Error('TIMEOUT');
    await expect(port.resolveUsername('nobody')).rejects.toThrow('TIMEOUT');
  });

  it('asks the gateway never to sleep through a flood wait itself', async () => {
    const calls: unknown[] = [];
    const gateway = {
      history: async (_chat: unknown, query: unknown, options: unknown) => {
        calls.push([query, options]);
        return { messages: [], entities: [] };
      },
    } as unknown as TelegramGateway;
    await gatewayPort(gateway).history(news, { offsetId: 101, minId: 0, limit: 100 });
    expect(calls).toEqual([
      [
        { offsetId: 101, minId: 0, limit: 100 },
        { signal: undefined, maxFloodWaitSeconds: 0 },
      ],
    ]);
  });

  it('describes bots and deleted accounts', () => {
    expect(chatInfoOf(alice, [{ ...aliceObservation, bot: true }])).toMatchObject({ chatType: 'bot' });
    expect(chatInfoOf(alice, [{ kind: 'user', userId: '2000', deleted: true, meta }])).toMatchObject({
      title: 'Deleted Account',
    });
    expect(chatInfoOf(news, [])).toBeUndefined();
  });
});
