// /media/<sha256>: bytes of files the read model knows, with ranges for seeking and ETags for
// caching; everything else is a 404, whatever the path tries.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decideRange, ifRangeHolds, notModified } from '../../../src/viewer/http/range.ts';
import { createViewerWorld, events, general, sha256, type ViewerWorld } from '../../support/viewer-world.ts';

let world: ViewerWorld;
const video = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
const page = Buffer.from('<html><script>alert(1)</script></html>');
const lost = Buffer.from('recorded, then lost from the disk');
let videoHash: string;
let pageHash: string;

beforeAll(async () => {
  world = await createViewerWorld();
  videoHash = world.storeFile(video, 'mp4');
  pageHash = world.storeFile(page, 'html');
  await world.project(
    events.chat(general, 'General', 'channel'),
    events.created(general, 1, {
      text: 'clip',
      minute: 1,
      media: { kind: 'video', fileId: 'v1', mimeType: 'video/mp4' },
    }),
    events.media(general, 1, video, 'video/mp4', 'mp4', 2),
    events.created(general, 2, {
      text: 'page',
      minute: 3,
      media: { kind: 'document', fileId: 'd1', mimeType: 'text/html' },
    }),
    events.media(general, 2, page, 'text/html', 'html', 4),
    events.created(general, 3, { text: 'lost', minute: 5, media: { kind: 'photo', fileId: 'p1' } }),
    events.media(general, 3, lost, 'image/png', 'png', 6),
  );
});
afterAll(() => world.close());

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  world.app.fetch(`http://127.0.0.1${path}`, { method, headers });

describe('GET /media/<sha256>', () => {
  it('serves the whole file with its type, length, validators and cache headers', async () => {
    const response = await get(`/media/${videoHash}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('content-length')).toBe('1000');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('etag')).toBe(`"${videoHash}"`);
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await response.arrayBuffer()).equals(video)).toBe(true);
  });

  it('answers a range request with 206 and exactly those bytes (video seeking)', async () => {
    const response = await get(`/media/${videoHash}`, { range: 'bytes=100-199' });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(response.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await response.arrayBuffer()).equals(video.subarray(100, 200))).toBe(true);

    const open = await get(`/media/${videoHash}`, { range: 'bytes=990-' });
    expect(open.headers.get('content-range')).toBe('bytes 990-999/1000');
    expect(Buffer.from(await open.arrayBuffer()).equals(video.subarray(990))).toBe(true);

    const suffix = await get(`/media/${videoHash}`, { range: 'bytes=-10' });
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(video.subarray(990))).toBe(true);
  });

  it('answers 416 with the size for ranges it cannot satisfy', async () => {
    for (const range of [
      'bytes=1000-',
      'bytes=5000-6000',
      'bytes=500-100',
      'bytes=abc',
      'bytes=-0',
      'bytes=-',
    ]) {
      const response = await get(`/media/${videoHash}`, { range });
      expect(response.status).toBe(416);
      expect(response.headers.get('content-range')).toBe('bytes */1000');
      await response.arrayBuffer();
    }
  });

  it('answers 304 to a matching If-None-Match and ignores a stale If-Range', async () => {
    const cached = await get(`/media/${videoHash}`, { 'if-none-match': `W/"other", "${videoHash}"` });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe(`"${videoHash}"`);
    expect(await cached.text()).toBe('');
    const changed = await get(`/media/${videoHash}`, { 'if-none-match': '"something-else"' });
    expect(changed.status).toBe(200);
    await changed.arrayBuffer();
    const stale = await get(`/media/${videoHash}`, { range: 'bytes=0-9', 'if-range': '"old"' });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(1000);
    const fresh = await get(`/media/${videoHash}`, { range: 'bytes=0-9', 'if-range': `"${videoHash}"` });
    expect(fresh.status).toBe(206);
    await fresh.arrayBuffer();
  });

  it('answers HEAD with headers only', async () => {
    const response = await get(`/media/${videoHash}`, {}, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('1000');
    expect(await response.text()).toBe('');
  });

  it('never lets a stored file run script: sandboxed, not sniffed, downloaded unless a plain media type', async () => {
    const response = await get(`/media/${pageHash}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain('sandbox');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment;/);
    await response.arrayBuffer();
    const clip = await get(`/media/${videoHash}`, { range: 'bytes=0-0' });
    expect(clip.headers.get('content-disposition')).toMatch(/^inline; filename="file.mp4"/);
    await clip.arrayBuffer();
  });

  it('serves only hashes the read model knows, and only from the media directory', async () => {
    // On disk but never recorded: not served.
    const stray = Buffer.from('a file nobody recorded');
    const strayHash = world.storeFile(stray, 'bin');
    // `lost` is recorded but its file is gone: not served either (404, not 500).
    writeFileSync(join(world.dir, 'secret.txt'), 'top secret');
    mkdirSync(join(world.dir, 'media', 'zz'), { recursive: true });
    const paths = [
      `/media/${strayHash}`,
      `/media/${sha256(lost)}`,
      `/media/${sha256(Buffer.from('never stored'))}`,
      `/media/${videoHash.slice(0, 63)}`,
      `/media/${videoHash}0`,
      `/media/${videoHash}.mp4`,
      `/media/${videoHash}/`,
      '/media/',
      '/media/../secret.txt',
      '/media/%2e%2e/secret.txt',
      '/media/%2e%2e%2fsecret.txt',
      '/media/..%2f..%2fsecret.txt',
      '/media//etc/passwd',
      '/media/%2Fetc%2Fpasswd',
      `/media/${'z'.repeat(64)}`,
      `/media/${videoHash.slice(0, 60)}%00aa`,
    ];
    for (const path of paths) {
      const response = await get(path);
      expect([path, response.status]).toEqual([path, 404]);
      expect(await response.text()).not.toContain('top secret');
    }
  });

  it('accepts an upper-case hash as the same file', async () => {
    const response = await get(`/media/${videoHash.toUpperCase()}`, { range: 'bytes=0-3' });
    expect(response.status).toBe(206);
    await response.arrayBuffer();
  });

  it('refuses other methods', async () => {
    const response = await get(`/media/${videoHash}`, {}, 'DELETE');
    expect(response.status).toBe(405);
  });
});

describe('range logic', () => {
  it('decides ranges per RFC 9110', () => {
    expect(decideRange(undefined, 10)).toEqual({ kind: 'full' });
    expect(decideRange('items=0-1', 10)).toEqual({ kind: 'full' });
    expect(decideRange('bytes=0-1,4-5', 10)).toEqual({ kind: 'full' });
    expect(decideRange('bytes=0-100', 10)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(decideRange('bytes=-100', 10)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(decideRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=9-9', 10)).toEqual({ kind: 'partial', start: 9, end: 9 });
  });

  it('compares validators', () => {
    expect(notModified('*', '"a"')).toBe(true);
    expect(notModified('W/"a"', '"a"')).toBe(true);
    expect(notModified('"b"', '"a"')).toBe(false);
    expect(notModified(null, '"a"')).toBe(false);
    expect(ifRangeHolds(undefined, '"a"')).toBe(true);
    expect(ifRangeHolds('W/"a"', '"a"')).toBe(false);
    expect(ifRangeHolds('Wed, 21 Oct 2015 07:28:00 GMT', '"a"')).toBe(false);
  });
});
