// The media archive against the fake Telegram through the real gateway (gramjs): content-addressed
// files, dedupe, and downloads that survive a FLOOD_WAIT, an interruption, an expired file reference
// and a flood wait too long to sit out, each continuing at its offset and never at byte 0 again.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { MessageObservation } from '../../src/events/observations.ts';
import { peer } from '../../src/events/peers.ts';
import { MemoryEventStore } from '../../src/eventstore/memory.ts';
import { gatewayDownloadSource } from '../../src/ingest/media/gateway-source.ts';
import { mediaFilePath, partialPath } from '../../src/ingest/media/naming.ts';
import { MIB } from '../../src/ingest/media/policy.ts';
import { type MediaJob, MediaWorker } from '../../src/ingest/media/worker.ts';
import { Pacer } from '../../src/pacing/pacer.ts';
import type { TelegramGateway } from '../../src/telegram/index.ts';
import { type FakeTelegram, type FakeUser, startFakeTelegram } from '../support/fake-telegram/index.ts';
import { gatewayFor } from '../support/gateway.ts';
import { waitFor } from '../support/wait.ts';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let fake: FakeTelegram;
let gateway: TelegramGateway | undefined;
let root: string;
let alice: FakeUser;

beforeEach(async () => {
  fake = await startFakeTelegram();
  root = mkdtempSync(join(tmpdir(), 'media-e2e-'));
  alice = fake.world.addUser({ firstName: 'Alice', username: 'alice' });
});
afterEach(async () => {
  await gateway?.disconnect();
  gateway = undefined;
  await fake.close();
  rmSync(root, { recursive: true, force: true });
  expect(fake.server.unexpectedErrors).toEqual([]);
});

async function connect(config: { maxFloodWaitSeconds?: number } = {}) {
  gateway = gatewayFor(fake, { config });
  const account = await gateway.connect();
  await gateway.resolveUsername('alice'); // the gateway learns the peer's access hash
  return account.userId;
}

function worker(account: string, store: MemoryEventStore, maxFloodWaitSeconds = 60) {
  return new MediaWorker({
    account,
    store,
    root,
    pacer: new Pacer({ requestsPerSecond: 100, burst: 100, maxFloodWaitSeconds }),
    settings: {
      types: ['photo', 'document', 'video', 'voice', 'audio', 'sticker', 'animation', 'round'],
      maxBytes: 100 * MIB,
      excludeChats: [],
    },
    backoffMs: 10,
  });
}

async function messages(): Promise<MessageObservation[]> {
  const page = await gateway!.history(peer('user', alice.id), { limit: 100 });
  return [...page.messages];
}

const jobOf = (m: MessageObservation): MediaJob => ({
  chat: m.message.chat,
  messageId: m.message.messageId,
  media: m.message.media!,
  open: () => gatewayDownloadSource(gateway!, m.message.chat, m.message.messageId, m.mediaLocation),
  source: 'backfill',
});

const fileRequests = () =>
  fake.server.requests
    .filter((r) => r.method === 'upload.GetFile')
    .map((r) => ({ offset: Number(r.request.offset.toString()), limit: r.request.limit as number }));

describe('media archive against the fake Telegram', () => {
  it('stores files by content once, with the original name only in the event', async () => {
    const report = randomBytes(2 * MIB + 123);
    const photo = randomBytes(150 * 1024);
    fake.world.addHistory(alice, [
      { media: { kind: 'document', bytes: report, fileName: 'Q3 report.pdf', mimeType: 'application/pdf' } },
      { media: { kind: 'photo', bytes: photo } },
      {
        media: {
          kind: 'document',
          bytes: report,
          fileName: 'copy of report.pdf',
          mimeType: 'application/pdf',
        },
      },
    ]);
    const account = await connect();
    const store = new MemoryEventStore();
    const w = worker(account, store);
    for (const m of await messages()) w.enqueue(jobOf(m));
    await w.onIdle();

    expect(readFileSync(mediaFilePath(root, sha256(report), 'pdf')).equals(report)).toBe(true);
    expect(readFileSync(mediaFilePath(root, sha256(photo), 'jpg')).equals(photo)).toBe(true);
    const stored = readdirSync(root).filter((d) => d !== 'partial');
    expect(stored.flatMap((d) => readdirSync(join(root, d))).sort()).toEqual(
      [`${sha256(report)}.pdf`, `${sha256(photo)}.jpg`].sort(),
    );
    const events = await store.readAll({ types: ['MediaDownloaded'] });
    expect(events.map((e) => (e.data as { fileName?: string }).fileName).sort()).toEqual([
      'Q3 report.pdf',
      'copy of report.pdf',
      undefined,
    ]);
    expect(w.stats()).toMatchObject({ downloaded: 3, deduplicated: 1 });
  });

  it('sits out a FLOOD_WAIT in the middle of a download and asks for the same offset again', async () => {
    const data = randomBytes(3 * MIB);
    fake.world.addHistory(alice, [{ media: { kind: 'document', bytes: data, fileName: 'big.bin' } }]);
    let injected = false;
    fake.server.onRequest((entry) => {
      if (entry.method !== 'upload.GetFile' || injected) return;
      if (Number(entry.request.offset.toString()) !== MIB) return;
      injected = true;
      fake.faults.failNext('upload.GetFile', 'FLOOD_WAIT_1');
    });
    const account = await connect();
    const w = worker(account, new MemoryEventStore());
    const [m] = await messages();
    w.enqueue(jobOf(m!));
    await w.onIdle();
    expect(injected).toBe(true);
    expect(fileRequests().map((r) => r.offset)).toEqual([0, MIB, MIB, 2 * MIB]);
    expect(readFileSync(mediaFilePath(root, sha256(data), 'bin')).equals(data)).toBe(true);
  });

  it('continues an interrupted download from its .part in a new worker, never from byte 0', async () => {
    const data = randomBytes(3 * MIB + 77);
    fake.world.addHistory(alice, [{ media: { kind: 'document', bytes: data, fileName: 'big.bin' } }]);
    const account = await connect();
    const [m] = await messages();
    // The third chunk never gets an answer: the worker is stopped while waiting for it.
    let seen = 0;
    fake.server.onRequest((entry) => {
      if (entry.method === 'upload.GetFile' && ++seen === 3) fake.faults.hangNext('upload.GetFile');
    });
    const first = worker(account, new MemoryEventStore());
    first.enqueue(jobOf(m!));
    await waitFor(() => seen === 3, 'the third chunk request');
    await first.stop();
    expect(first.stats()).toMatchObject({ deferred: 1, downloaded: 0 });
    const part = partialPath(root, m!.message.chat, m!.message.messageId, m!.message.media!.fileId);
    expect(statSync(part).size).toBe(2 * MIB);

    const store = new MemoryEventStore();
    const second = worker(account, store);
    second.enqueue(jobOf(m!));
    await second.onIdle();
    expect(second.stats()).toMatchObject({ downloaded: 1, resumed: 1 });
    expect(fileRequests().map((r) => r.offset)).toEqual([0, MIB, 2 * MIB, 2 * MIB, 3 * MIB]);
    expect(readFileSync(mediaFilePath(root, sha256(data), 'bin')).equals(data)).toBe(true);
    expect(existsSync(part)).toBe(false);
  });

  it('refreshes an expired file reference in the middle of a download', async () => {
    const data = randomBytes(2 * MIB + 5);
    const [stored] = fake.world.addHistory(alice, [
      { media: { kind: 'document', bytes: data, fileName: 'doc.bin' } },
    ]);
    let rotated = false;
    fake.server.onRequest((entry) => {
      if (entry.method === 'upload.GetFile' && Number(entry.request.offset.toString()) === MIB && !rotated) {
        rotated = true;
        fake.world.rotateFileReference(stored!);
      }
    });
    const account = await connect();
    const w = worker(account, new MemoryEventStore());
    const [m] = await messages();
    w.enqueue(jobOf(m!));
    await w.onIdle();
    expect(w.stats().downloaded).toBe(1);
    expect(fileRequests().map((r) => r.offset)).toEqual([0, MIB, MIB, 2 * MIB]);
    expect(fake.server.countRequests('messages.GetMessages')).toBe(1);
    expect(readFileSync(mediaFilePath(root, sha256(data), 'bin')).equals(data)).toBe(true);
  });

  it('leaves a download flooded for too long to the next run, which resumes at its offset', async () => {
    const data = randomBytes(2 * MIB + 9);
    fake.world.addHistory(alice, [{ media: { kind: 'document', bytes: data, fileName: 'doc.bin' } }]);
    let flooded = false;
    fake.server.onRequest((entry) => {
      if (entry.method === 'upload.GetFile' && Number(entry.request.offset.toString()) === MIB && !flooded) {
        flooded = true;
        fake.faults.failNext('upload.GetFile', 'FLOOD_WAIT_3600');
      }
    });
    const account = await connect({ maxFloodWaitSeconds: 60 });
    const [m] = await messages();
    const store = new MemoryEventStore();
    const first = worker(account, store, 60);
    first.enqueue(jobOf(m!));
    await first.onIdle();
    expect(first.stats()).toMatchObject({ deferred: 1, downloaded: 0 });
    expect(await store.readAll()).toEqual([]);

    const second = worker(account, store, 60);
    second.enqueue(jobOf(m!));
    await second.onIdle();
    expect(second.stats()).toMatchObject({ downloaded: 1, resumed: 1 });
    expect(fileRequests().map((r) => r.offset)).toEqual([0, MIB, MIB, 2 * MIB]);
    expect(readFileSync(mediaFilePath(root, sha256(data), 'bin')).equals(data)).toBe(true);
  });
});
