import { describe, expect, it } from '@jest/globals';
import type { MediaDescriptor } from '../../../src/events/payloads.ts';
import { peer } from '../../../src/events/peers.ts';
import { botApiId, chatInList, peerOfBotApiId } from '../../../src/ingest/chat-ids.ts';
import { chunkRequest, resumeOffset } from '../../../src/ingest/media/chunks.ts';
import { classifyDownloadError } from '../../../src/ingest/media/download-source.ts';
import { extensionFor, mediaFilePath, mimeTypeFor, partialPath } from '../../../src/ingest/media/naming.ts';
import { decideMedia, MIB, mediaSettingsFromConfig } from '../../../src/ingest/media/policy.ts';

describe('Bot API chat ids', () => {
  it('round-trips users, basic groups and channels', () => {
    const cases = [
      [peer('user', 2000), '2000'],
      [peer('group', 77), '-77'],
      [peer('channel', 1234567890), '-1001234567890'],
    ] as const;
    for (const [p, id] of cases) {
      expect(botApiId(p)).toBe(id);
      expect(peerOfBotApiId(id)).toEqual(p);
    }
    expect(peerOfBotApiId('0')).toBeUndefined();
    expect(peerOfBotApiId('@news')).toBeUndefined();
    expect(chatInList(peer('channel', 5), ['-1000000000005'])).toBe(true);
    expect(chatInList(peer('group', 5), ['-1000000000005'])).toBe(false);
  });
});

describe('decideMedia', () => {
  const settings = mediaSettingsFromConfig({
    mediaTypes: ['photo', 'document'],
    maxMediaSizeMb: 2,
    mediaExcludeChats: ['-1000000003000'],
  });
  const photo: MediaDescriptor = { kind: 'photo', fileId: '9', size: 1000 };
  const chat = peer('user', 1);

  it('downloads enabled kinds within the limit', () => {
    expect(decideMedia(chat, photo, settings)).toEqual({ action: 'download' });
    expect(decideMedia(chat, { ...photo, size: 2 * MIB }, settings).action).toBe('download');
  });

  it('records why it skips', () => {
    expect(decideMedia(chat, { ...photo, size: 2 * MIB + 1 }, settings)).toMatchObject({
      action: 'skip',
      reason: 'too-large',
      detail: '2.0 MB is over MAX_MEDIA_SIZE_MB=2.0',
    });
    expect(decideMedia(chat, { kind: 'video', fileId: '1' }, settings)).toMatchObject({
      reason: 'type-disabled',
      detail: 'video is not in MEDIA_TYPES',
    });
    expect(decideMedia(peer('channel', 3000), photo, settings)).toMatchObject({ reason: 'chat-opted-out' });
    expect(decideMedia(chat, { kind: 'document' }, settings)).toMatchObject({ reason: 'unavailable' });
  });

  it('ignores what is not a file', () => {
    expect(decideMedia(chat, { kind: 'poll' }, settings)).toEqual({ action: 'none' });
    expect(decideMedia(chat, { kind: 'webpage' }, settings)).toEqual({ action: 'none' });
  });
});

describe('chunk requests', () => {
  it('follows upload.getFile alignment rules at any 4 KiB offset', () => {
    expect(chunkRequest(0)).toEqual({ offset: 0, limit: MIB });
    expect(chunkRequest(MIB)).toEqual({ offset: MIB, limit: MIB });
    expect(chunkRequest(307_200)).toEqual({ offset: 307_200, limit: 4096 });
    expect(chunkRequest(311_296)).toEqual({ offset: 311_296, limit: 16_384 });
    expect(chunkRequest(512 * 1024, 512 * 1024)).toEqual({ offset: 512 * 1024, limit: 512 * 1024 });
    expect(() => chunkRequest(100)).toThrow(RangeError);
    for (let offset = 0; offset < 4 * MIB; offset += 4096 * 7) {
      const { limit } = chunkRequest(offset);
      expect(offset % limit).toBe(0);
      expect(MIB % limit).toBe(0);
      expect(Math.floor(offset / MIB)).toBe(Math.floor((offset + limit - 1) / MIB));
    }
  });

  it('resumes at the last whole 4 KiB block of a .part', () => {
    expect(resumeOffset(0)).toBe(0);
    expect(resumeOffset(4095)).toBe(0);
    expect(resumeOffset(307_300)).toBe(307_200);
  });
});

describe('media file naming', () => {
  it('names files by content and keeps the original name out of the path', () => {
    const sha = 'ab'.padEnd(64, '0');
    expect(mediaFilePath('/d/media', sha, 'jpg')).toBe(`/d/media/ab/${sha}.jpg`);
    expect(partialPath('/d/media', peer('channel', 5), 10, '123')).toBe('/d/media/partial/c5-10-123.part');
    expect(extensionFor({ kind: 'document', fileName: 'Report Q3.PDF' })).toBe('pdf');
    expect(extensionFor({ kind: 'document', fileName: '../../etc/passwd', mimeType: 'text/plain' })).toBe(
      'txt',
    );
    expect(extensionFor({ kind: 'voice', mimeType: 'audio/ogg; codecs=opus' })).toBe('ogg');
    expect(extensionFor({ kind: 'photo' })).toBe('jpg');
    expect(extensionFor({ kind: 'document' })).toBe('bin');
    expect(mimeTypeFor({ kind: 'photo' })).toBe('image/jpeg');
  });

  it('classifies download errors', () => {
    expect(classifyDownloadError({ errorMessage: 'FILE_REFERENCE_EXPIRED' })).toBe('file-reference-expired');
    expect(classifyDownloadError(new Error('400: FILE_ID_INVALID'))).toBe('unavailable');
    expect(
      classifyDownloadError(Object.assign(new Error('no file'), { name: 'MediaUnavailableError' })),
    ).toBe('unavailable');
    expect(classifyDownloadError(new Error('socket hang up'))).toBe('transient');
  });
});
