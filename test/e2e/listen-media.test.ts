// Files of live messages are archived by `telegram-archive listen` itself, without a backfill: the
// real gramjs client against the fake Telegram, through the CLI, the listener, the recorder and the
// shared media worker, down to DATA_DIR/media/ab/<sha256>.<ext> and the recorded outcome.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { commands } from '../../src/cli/commands/index.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import type { StoredEvent } from '../../src/events/envelope.ts';
import { peer } from '../../src/events/peers.ts';
import { mediaFilePath, mediaRoot, partialPath } from '../../src/ingest/media/naming.ts';
import { MIB } from '../../src/ingest/media/policy.ts';
import { ArchiveUnderTest } from '../support/backfill-e2e.ts';
import { type FakeTelegram, type FakeUser, startFakeTelegram } from '../support/fake-telegram/index.ts';
import { waitFor } from '../support/wait.ts';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let fake: FakeTelegram;
let archive: ArchiveUnderTest | undefined;
let alice: FakeUser;
let stop: (() => Promise<number>) | undefined;

beforeEach(async () => {
  fake = await startFakeTelegram();
  alice = fake.world.addUser({ firstName: 'Alice', username: 'alice' });
});
afterEach(async () => {
  await stop?.();
  stop = undefined;
  await fake.close();
  if (archive) rmSync(archive.dataDir, { recursive: true, force: true });
  archive = undefined;
  expect(fake.server.unexpectedErrors).toEqual([]);
});

/** `listen --no-schedule` in this process, ready once it says it is listening and updates flow. */
async function listen(env: Record<string, string> = {}): Promise<ArchiveUnderTest> {
  archive = new ArchiveUnderTest(fake, { SCHEDULE: '0 0 1 1 *', ...env });
  const controller = new AbortController();
  let stderr = '';
  const running = runCli(
    commands,
    ['listen', '--no-schedule'],
    {
      stdout: new Writable({ write: (_c, _e, done) => done() }),
      stderr: new Writable({
        write(chunk, _e, done) {
          stderr += String(chunk);
          done();
        },
      }),
      env: archive.env,
      cwd: archive.dataDir,
      signal: controller.signal,
    },
    'test',
  );
  let code: number | undefined;
  void running.then((c) => {
    code = c;
  });
  stop = async () => {
    controller.abort();
    return running;
  };
  await waitFor(
    () =>
      code !== undefined || (stderr.includes('Listening as user') && fake.server.updateConnectionCount > 0),
    'listen to be ready',
    15_000,
  );
  expect(code).toBeUndefined();
  return archive;
}

const fileRequests = () => fake.server.requests.filter((r) => r.method === 'upload.GetFile').length;
const data = (e: StoredEvent) => e.data as unknown as Record<string, unknown>;

describe('listen archives the files of live messages', () => {
  it('downloads a live photo, and the new file of an edit that swaps it, with no backfill', async () => {
    const archive = await listen();
    const photo = randomBytes(150 * 1024);
    const message = fake.world.sendMessage(alice, { text: 'look', media: { kind: 'photo', bytes: photo } });

    await waitFor(
      async () => (await archive.events(['MediaDownloaded'])).length === 1,
      'the live photo to be downloaded',
      15_000,
    );
    const [downloaded] = await archive.events(['MediaDownloaded']);
    expect(data(downloaded!)).toMatchObject({
      chat: peer('user', alice.id),
      messageId: message.id,
      sha256: sha256(photo),
      size: photo.length,
      extension: 'jpg',
    });
    expect(downloaded!.metadata.source).toBe('live');
    const file = mediaFilePath(mediaRoot(archive.dataDir), sha256(photo), 'jpg');
    expect(file).toBe(join(archive.dataDir, 'media', sha256(photo).slice(0, 2), `${sha256(photo)}.jpg`));
    expect(readFileSync(file).equals(photo)).toBe(true);

    // A caption edit keeps the file; an edit that swaps it brings a new one.
    const requestsForPhoto = fileRequests();
    fake.world.editMessage(message, { text: 'look again' });
    const report = randomBytes(40 * 1024);
    fake.world.editMessage(message, {
      text: 'the report instead',
      media: { kind: 'document', bytes: report, fileName: 'report.pdf', mimeType: 'application/pdf' },
    });
    await waitFor(
      async () => (await archive.events(['MediaDownloaded'])).length === 2,
      'the swapped-in document to be downloaded',
      15_000,
    );
    await waitFor(async () => (await archive.events(['MessageEdited'])).length === 2, 'both edits recorded');
    expect(
      readFileSync(mediaFilePath(mediaRoot(archive.dataDir), sha256(report), 'pdf')).equals(report),
    ).toBe(true);
    // One request per small file: the caption edit did not fetch the photo again.
    expect(fileRequests() - requestsForPhoto).toBe(1);
    expect(await archive.events(['BackfillRunCompleted'])).toEqual([]);
    expect(await stop!()).toBe(0);
  });

  it('records MediaSkipped(type-disabled) for a kind MEDIA_TYPES leaves out, and fetches nothing', async () => {
    const archive = await listen({ MEDIA_TYPES: 'document' });
    const message = fake.world.sendMessage(alice, {
      media: { kind: 'photo', bytes: randomBytes(20 * 1024) },
    });

    await waitFor(
      async () => (await archive.events(['MediaSkipped'])).length === 1,
      'the photo to be skipped',
      15_000,
    );
    const [skipped] = await archive.events(['MediaSkipped']);
    expect(data(skipped!)).toMatchObject({
      chat: peer('user', alice.id),
      messageId: message.id,
      reason: 'type-disabled',
    });
    expect(await archive.events(['MediaDownloaded'])).toEqual([]);
    expect(fileRequests()).toBe(0);
    expect(existsSync(mediaRoot(archive.dataDir))).toBe(false);
    expect(await stop!()).toBe(0);
  });

  it('stops promptly mid-download, leaving the .part for a later run and no outcome recorded', async () => {
    const archive = await listen();
    const big = randomBytes(3 * MIB);
    let seen = 0;
    fake.server.onRequest((entry) => {
      if (entry.method === 'upload.GetFile' && ++seen === 2) fake.faults.hangNext('upload.GetFile');
    });
    const message = fake.world.sendMessage(alice, {
      media: { kind: 'document', bytes: big, fileName: 'big.bin' },
    });
    await waitFor(() => seen >= 2, 'the download to be under way', 15_000);
    const [created] = await archive.events(['MessageCreated']);
    const fileId = (data(created!).media as { fileId: string }).fileId;
    const part = partialPath(mediaRoot(archive.dataDir), peer('user', alice.id), message.id, fileId);
    await waitFor(() => existsSync(part) && statSync(part).size > 0, 'the first chunk on disk');

    const started = Date.now();
    expect(await stop!()).toBe(0);
    stop = undefined;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await archive.events(['MediaDownloaded', 'MediaSkipped'])).toEqual([]);
    expect(statSync(part).size).toBeGreaterThan(0);
    expect(readdirSync(mediaRoot(archive.dataDir)).filter((d) => d !== 'partial')).toEqual([]);
  });
});
