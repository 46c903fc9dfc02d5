// Who may read the archive: token or basic auth compared in constant time, a refusal to serve
// anonymously beyond loopback, and CORS only for the origins configured.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { authorize, secretEquals } from '../../../src/viewer/http/auth.ts';
import { assertSafeBinding, isLoopbackHost, UnsafeBindingError } from '../../../src/viewer/http/binding.ts';
import { createViewerWorld, events, general, type ViewerWorld } from '../../support/viewer-world.ts';

const TOKEN = 'a-long-enough-secret-token';
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('authorize', () => {
  it('allows everything when no credentials are configured', () => {
    expect(authorize(undefined, {})).toEqual({ ok: true });
  });

  it('checks a bearer token', () => {
    const settings = { token: TOKEN };
    expect(authorize(`Bearer ${TOKEN}`, settings).ok).toBe(true);
    expect(authorize(`bearer ${TOKEN}`, settings).ok).toBe(true);
    expect(authorize(`Bearer ${TOKEN}x`, settings)).toEqual({ ok: false, challenge: 'Bearer' });
    expect(authorize(`Bearer ${TOKEN.slice(0, -1)}`, settings).ok).toBe(false);
    expect(authorize('Bearer', settings).ok).toBe(false);
    expect(authorize(undefined, settings).ok).toBe(false);
    expect(authorize(basic(`user:${TOKEN}`), settings).ok).toBe(false);
  });

  it('checks basic credentials', () => {
    const settings = { basic: 'ada:correct horse' };
    expect(authorize(basic('ada:correct horse'), settings).ok).toBe(true);
    expect(authorize(basic('ada:wrong horse'), settings)).toEqual({
      ok: false,
      challenge: 'Basic realm="telegram-archive", charset="UTF-8"',
    });
    expect(authorize('Basic %%%not-base64', settings).ok).toBe(false);
    expect(authorize('Bearer ada:correct horse', settings).ok).toBe(false);
  });

  it('accepts either when both are configured', () => {
    const settings = { token: TOKEN, basic: 'ada:correct horse' };
    expect(authorize(`Bearer ${TOKEN}`, settings).ok).toBe(true);
    expect(authorize(basic('ada:correct horse'), settings).ok).toBe(true);
    expect(authorize(basic(`ada:${TOKEN}`), settings).ok).toBe(false);
  });

  it('compares secrets of any length', () => {
    expect(secretEquals('abc', 'abc')).toBe(true);
    expect(secretEquals('abc', 'abcd')).toBe(false);
    expect(secretEquals('', 'x')).toBe(false);
  });
});

describe('binding policy', () => {
  it.each(['127.0.0.1', '127.10.0.1', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1', 'api.localhost'])(
    'treats %s as loopback',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );
  it.each(['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'example.com', '::ffff:10.0.0.1', '128.0.0.1'])(
    'treats %s as reachable from elsewhere',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );

  it('refuses to serve beyond loopback without auth, explaining the way out', () => {
    expect(() => assertSafeBinding('0.0.0.0', {}, false)).toThrow(UnsafeBindingError);
    expect(() => assertSafeBinding('0.0.0.0', {}, false)).toThrow(
      /VIEWER_TOKEN.*VIEWER_BASIC_AUTH.*VIEWER_HOST.*ALLOW_ANONYMOUS_VIEWER=true/,
    );
    expect(() => assertSafeBinding('0.0.0.0', { token: TOKEN }, false)).not.toThrow();
    expect(() => assertSafeBinding('0.0.0.0', {}, true)).not.toThrow();
    expect(() => assertSafeBinding('127.0.0.1', {}, false)).not.toThrow();
  });
});

describe('over HTTP', () => {
  let tokenWorld: ViewerWorld;
  let basicWorld: ViewerWorld;
  let openWorld: ViewerWorld;
  let fileHash: string;
  const file = Buffer.from('secret picture');

  beforeAll(async () => {
    tokenWorld = await createViewerWorld({ auth: { token: TOKEN } });
    basicWorld = await createViewerWorld({ auth: { basic: 'ada:correct horse' } });
    openWorld = await createViewerWorld({ corsOrigins: ['https://archive.example'] });
    fileHash = tokenWorld.storeFile(file, 'png');
    await tokenWorld.project(
      events.chat(general, 'General', 'channel'),
      events.created(general, 1, { text: 'hi', minute: 1, media: { kind: 'photo', fileId: 'p' } }),
      events.media(general, 1, file, 'image/png', 'png', 2),
    );
  });
  afterAll(async () => {
    await tokenWorld.close();
    await basicWorld.close();
    await openWorld.close();
  });

  const QUERY = '{ stats { chatCount } }';

  it('answers 401 with a challenge and no data without credentials', async () => {
    const { status, body } = await tokenWorld.gql(QUERY);
    expect(status).toBe(401);
    expect(body).toEqual({
      errors: [{ message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } }],
    });
    const wrong = await tokenWorld.gql(QUERY, {}, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const ok = await tokenWorld.gql(QUERY, {}, { authorization: `Bearer ${TOKEN}` });
    expect(ok).toEqual({ status: 200, body: { data: { stats: { chatCount: 1 } } } });
  });

  it('protects media with the same credentials', async () => {
    const denied = await tokenWorld.app.fetch(`http://127.0.0.1/media/${fileHash}`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Bearer');
    const allowed = await tokenWorld.app.fetch(`http://127.0.0.1/media/${fileHash}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(allowed.status).toBe(200);
    expect(Buffer.from(await allowed.arrayBuffer()).equals(file)).toBe(true);
  });

  it('keeps the health check open', async () => {
    expect((await tokenWorld.app.fetch('http://127.0.0.1/health')).status).toBe(200);
  });

  it('serves the GraphiQL page itself to a browser when only a token is configured, but no data', async () => {
    const page = await tokenWorld.app.fetch('http://127.0.0.1/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Bearer <VIEWER_TOKEN>');
    expect(html).toContain('query Overview');
    const data = await tokenWorld.app.fetch('http://127.0.0.1/graphql?query=%7Bstats%7BchatCount%7D%7D', {
      headers: { accept: 'application/json' },
    });
    expect(data.status).toBe(401);
  });

  it('asks the browser for basic credentials, page included, when basic auth is configured', async () => {
    const page = await basicWorld.app.fetch('http://127.0.0.1/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(401);
    expect(page.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const shown = await basicWorld.app.fetch('http://127.0.0.1/graphql', {
      headers: { accept: 'text/html', authorization: basic('ada:correct horse') },
    });
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('query Overview');
    const ok = await basicWorld.gql(QUERY, {}, { authorization: basic('ada:correct horse') });
    expect(ok.status).toBe(200);
  });

  it('answers CORS only for configured origins', async () => {
    const preflight = (world: ViewerWorld, origin: string) =>
      world.app.fetch('http://127.0.0.1/graphql', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight(openWorld, 'https://archive.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://archive.example');
    const other = await preflight(openWorld, 'https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('*');
    const none = await preflight(tokenWorld, 'https://archive.example');
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
  });
});
