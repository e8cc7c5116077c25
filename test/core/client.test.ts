/**
 * The client: payload exactness, every stream method's request, the token, discovery,
 * `streamHealthy()`.
 */
import { describe, expect, it } from 'vitest';
import {
  Mastodon,
  MastodonIllegalArgumentError,
  MastodonNetworkError,
  type StreamHandle,
} from '../../src/index.js';
import { streamingBaseFrom } from '../../src/url.js';
import { deadPort, record, until, useWireServer, type Answer } from '../kit/index.js';

const TOKEN = 'secret-123';
const { start: server, keep } = useWireServer();
/** Closes the handles after the test (before the servers they read from). */
const hold = (...hs: StreamHandle[]) => hs.forEach(keep);

describe('payloads', () => {
  it('ids stay exact strings: delete, announcement.delete, notifications_merged raw; entity ids strings', async () => {
    const s = await server();
    const m = new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN, streamingBaseUrl: s.url });
    const r = record();
    hold(m.streamUser(r.listener, { runAsync: true }));
    await s.waitForConns(1);
    const status = { id: '117024236332527350', account: { id: '117020617404561855', acct: 'a' }, in_reply_to_id: null };
    await s.write(
      'event: delete\ndata: 117024236332527350\n\n' +
        'event: announcement.delete\ndata: 3\n\n' +
        'event: notifications_merged\ndata: 1\n\n' +
        `event: update\ndata: ${JSON.stringify(status)}\n\n` +
        'event: announcement.reaction\ndata: {"name":"👍","count":2,"announcement_id":"8"}\n\n',
    );
    await until(() => r.calls.length >= 6);
    expect(r.calls).toEqual([
      ['handleHeartbeat'],
      ['onDelete', '117024236332527350'],
      ['onAnnouncementDelete', '3'],
      ['onNotificationsMerged', '1'],
      ['onUpdate', status],
      ['onAnnouncementReaction', { name: '👍', count: 2, announcement_id: '8' }],
    ]);
  });
});

describe('stream endpoints', () => {
  type Open = (m: Mastodon, l: object) => StreamHandle;
  const rows: [string, Open, string][] = [
    ['streamUser', (m, l) => m.streamUser(l, { runAsync: true }), '/api/v1/streaming/user'],
    ['streamUserNotification', (m, l) => m.streamUserNotification(l, { runAsync: true }), '/api/v1/streaming/user/notification'],
    ['streamPublic', (m, l) => m.streamPublic(l, { runAsync: true }), '/api/v1/streaming/public'],
    ['streamPublic local', (m, l) => m.streamPublic(l, { runAsync: true, local: true }), '/api/v1/streaming/public/local'],
    ['streamPublic remote', (m, l) => m.streamPublic(l, { runAsync: true, remote: true }), '/api/v1/streaming/public/remote'],
    ['streamPublic onlyMedia', (m, l) => m.streamPublic(l, { runAsync: true, onlyMedia: true }), '/api/v1/streaming/public?only_media=true'],
    [
      'streamPublic local+onlyMedia',
      (m, l) => m.streamPublic(l, { runAsync: true, local: true, onlyMedia: true }),
      '/api/v1/streaming/public/local?only_media=true',
    ],
    [
      'streamPublic remote+onlyMedia',
      (m, l) => m.streamPublic(l, { runAsync: true, remote: true, onlyMedia: true }),
      '/api/v1/streaming/public/remote?only_media=true',
    ],
    ['streamLocal', (m, l) => m.streamLocal(l, { runAsync: true }), '/api/v1/streaming/public/local'],
    ['streamLocal onlyMedia', (m, l) => m.streamLocal(l, { runAsync: true, onlyMedia: true }), '/api/v1/streaming/public/local?only_media=true'],
    ['streamHashtag', (m, l) => m.streamHashtag('cats', l, { runAsync: true }), '/api/v1/streaming/hashtag?tag=cats'],
    ['streamHashtag café', (m, l) => m.streamHashtag('café', l, { runAsync: true }), '/api/v1/streaming/hashtag?tag=caf%C3%A9'],
    ['streamHashtag "a b"', (m, l) => m.streamHashtag('a b', l, { runAsync: true }), '/api/v1/streaming/hashtag?tag=a%20b'],
    ['streamHashtag "a&b=c"', (m, l) => m.streamHashtag('a&b=c', l, { runAsync: true }), '/api/v1/streaming/hashtag?tag=a%26b%3Dc'],
    ['streamHashtag local', (m, l) => m.streamHashtag('cats', l, { runAsync: true, local: true }), '/api/v1/streaming/hashtag/local?tag=cats'],
    ['streamList string', (m, l) => m.streamList('12', l, { runAsync: true }), '/api/v1/streaming/list?list=12'],
    ['streamList {id}', (m, l) => m.streamList({ id: '34' }, l, { runAsync: true }), '/api/v1/streaming/list?list=34'],
    ['streamDirect', (m, l) => m.streamDirect(l, { runAsync: true }), '/api/v1/streaming/direct'],
  ];
  for (const [name, open, url] of rows) {
    it(`${name} → GET ${url}`, async () => {
      const s = await server();
      const m = new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN, streamingBaseUrl: s.url });
      const r = record();
      const h = open(m, r.listener);
      hold(h);
      await s.waitForConns(1);
      await until(() => r.calls.length === 1);
      expect(s.requests.map((q) => [q.method, q.url])).toEqual([['GET', url]]);
      expect(r.calls).toEqual([['handleHeartbeat']]);
      h.close();
      await h.done;
    });
  }

  it('forStream names the stream of the endpoint', async () => {
    const s = await server();
    const m = new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN, streamingBaseUrl: s.url });
    const seen: unknown[] = [];
    const l = { onAnyEvent: (_n: string, _p: unknown, fs: unknown) => seen.push(fs) };
    hold(
      m.streamHashtag('café', l, { runAsync: true }),
      m.streamList({ id: '12' }, l, { runAsync: true }),
      m.streamPublic(l, { runAsync: true, remote: true, onlyMedia: true }),
      m.streamUserNotification(l, { runAsync: true }),
    );
    await s.waitForConns(4);
    await s.write('event: delete\ndata: 1\n\n');
    await until(() => seen.length === 4);
    expect(seen.map((x) => JSON.stringify(x)).sort()).toEqual(
      [['hashtag', 'café'], ['list', '12'], ['public:remote:media'], ['user:notification']].map((x) => JSON.stringify(x)).sort(),
    );
  });

  it('a leading # and local+remote throw MastodonIllegalArgumentError synchronously, before any request', async () => {
    const s = await server();
    const m = new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN, streamingBaseUrl: s.url });
    const l = {};
    expect(() => m.streamHashtag('#tag', l)).toThrow(MastodonIllegalArgumentError);
    expect(() => m.streamHashtag('#tag', l, { runAsync: true })).toThrow(new MastodonIllegalArgumentError('Tag parameter should omit leading #'));
    expect(() => m.streamPublic(l, { local: true, remote: true })).toThrow(MastodonIllegalArgumentError);
    expect(() => m.streamPublic(l, { runAsync: true, local: true, remote: true })).toThrow(
      new MastodonIllegalArgumentError('Cannot stream both local and remote only'),
    );
    expect(() => m.streamLocal(l, { remote: true })).toThrow(MastodonIllegalArgumentError);
    await new Promise((r) => setTimeout(r, 30));
    expect(s.requests).toEqual([]);
  });
});

describe('the access token', () => {
  it('goes in Authorization: Bearer, never in a URL, never to discovery or /health', async () => {
    const stream = await server();
    const api = await server({ v2: { configuration: { urls: { streaming: stream.url.replace('http:', 'ws:') } } } });
    const m = new Mastodon({ apiBaseUrl: api.url, accessToken: TOKEN });
    const h = m.streamUser({}, { runAsync: true });
    hold(h);
    await stream.waitForConns(1);
    expect(await m.streamHealthy()).toBe(true);
    const all = [...api.requests, ...stream.requests];
    expect(all.map((q) => q.url)).toEqual(['/api/v2/instance', '/api/v1/streaming/user', '/api/v1/streaming/health']);
    for (const q of all) {
      expect(q.url).not.toContain(TOKEN);
      expect(q.headers.authorization).toBe(q.url === '/api/v1/streaming/user' ? `Bearer ${TOKEN}` : undefined);
    }
  });

  it('never appears in an error, even when the server echoes it', async () => {
    const s = await server();
    s.failNext(1, { status: 500, body: `{"error":"bad token ${TOKEN}"}` });
    const m = new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN, streamingBaseUrl: s.url });
    const r = record();
    const err = await m.streamUser(r.listener).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MastodonNetworkError);
    const e = err as MastodonNetworkError;
    expect(e.status).toBe(500);
    expect(r.aborts()).toEqual([e]);
    expect(e.message).toBe('/api/v1/streaming/user answered 500: bad token [redacted]');
    expect(e.serverMessage).toBe('bad token [redacted]');
    expect(String(e)).not.toContain(TOKEN);
    expect(JSON.stringify({ ...e, message: e.message })).not.toContain(TOKEN);
    expect(s.requests[0]!.url).toBe('/api/v1/streaming/user');
  });

  it('never appears in a network error either', async () => {
    const port = await deadPort();
    const m = new Mastodon({ apiBaseUrl: `http://127.0.0.1:${port}`, accessToken: TOKEN, streamingBaseUrl: `http://127.0.0.1:${port}` });
    const err = (await m.streamUser({}).catch((e: unknown) => e)) as MastodonNetworkError;
    expect(err).toBeInstanceOf(MastodonNetworkError);
    expect(err.message).toBe(`Connection to http://127.0.0.1:${port}/api/v1/streaming/user failed (Error: connect ECONNREFUSED 127.0.0.1:${port})`);
    expect(err.status).toBeUndefined();
    expect(String(err) + String(err.cause)).not.toContain(TOKEN);
  });
});

describe('streaming base discovery', () => {
  it('v2: configuration.urls.streaming on a separate port (ws: → http:)', async () => {
    const stream = await server();
    const api = await server({ v2: { configuration: { urls: { streaming: `ws://127.0.0.1:${stream.port}` } } }, v1: { urls: { streaming_api: 'ws://wrong.invalid' } } });
    const m = new Mastodon({ apiBaseUrl: api.url, accessToken: TOKEN });
    hold(m.streamUser({}, { runAsync: true }));
    await stream.waitForConns(1);
    expect(api.requests.map((q) => q.url)).toEqual(['/api/v2/instance']);
    expect(stream.requests.map((q) => q.url)).toEqual(['/api/v1/streaming/user']);
    expect(await m.streamingBase()).toBe(stream.url);
  });

  it('v1 fallback: urls.streaming_api', async () => {
    const stream = await server();
    const api = await server({ v1: { urls: { streaming_api: `ws://127.0.0.1:${stream.port}` } } });
    const m = new Mastodon({ apiBaseUrl: api.url, accessToken: TOKEN });
    hold(m.streamUser({}, { runAsync: true }));
    await stream.waitForConns(1);
    expect(api.requests.map((q) => q.url)).toEqual(['/api/v2/instance', '/api/v1/instance']);
    expect(stream.requests.map((q) => q.url)).toEqual(['/api/v1/streaming/user']);
  });

  it('neither answers → apiBaseUrl; the answer (404s) is cached', async () => {
    const api = await server();
    const m = new Mastodon({ apiBaseUrl: api.url + '/', accessToken: TOKEN });
    hold(m.streamUser({}, { runAsync: true }), m.streamDirect({}, { runAsync: true }));
    await api.waitForConns(2);
    expect(api.requests.map((q) => q.url).sort()).toEqual(['/api/v1/instance', '/api/v1/streaming/direct', '/api/v1/streaming/user', '/api/v2/instance']);
  });

  it('an empty streaming value falls back to v1, then apiBaseUrl', async () => {
    const api = await server({ v2: { configuration: { urls: { streaming: '' } } }, v1: { urls: {} } });
    const m = new Mastodon({ apiBaseUrl: api.url, accessToken: TOKEN });
    expect(await m.streamingBase()).toBe(api.url);
    expect(api.requests.map((q) => q.url)).toEqual(['/api/v2/instance', '/api/v1/instance']);
  });

  it('a path prefix is kept', async () => {
    const stream = await server({ prefix: '/streaming' });
    const api = await server({ v2: { configuration: { urls: { streaming: `ws://127.0.0.1:${stream.port}/streaming/` } } } });
    const m = new Mastodon({ apiBaseUrl: api.url, accessToken: TOKEN });
    hold(m.streamUser({}, { runAsync: true }));
    await stream.waitForConns(1);
    expect(stream.requests.map((q) => q.url)).toEqual(['/streaming/api/v1/streaming/user']);
  });

  it('wss: → https: (through a recording fetch)', async () => {
    const urls: string[] = [];
    const fetchFn = (async (input: string | URL | Request) => {
      const url = String(input);
      urls.push(url);
      if (url.endsWith('/api/v2/instance')) return new Response(JSON.stringify({ configuration: { urls: { streaming: 'wss://streaming.example/p' } } }), { status: 200 });
      return new Response('{"error":"Invalid access token"}', { status: 401 });
    }) as typeof fetch;
    const m = new Mastodon({ apiBaseUrl: 'mastodon.example', accessToken: TOKEN, fetch: fetchFn });
    const err = (await m.streamUser({}).catch((e: unknown) => e)) as MastodonNetworkError;
    expect(err.status).toBe(401);
    expect(urls).toEqual(['https://mastodon.example/api/v2/instance', 'https://streaming.example/p/api/v1/streaming/user']);
  });

  it('streamingBaseFrom: wss→https, ws→http, http(s) kept, prefix kept, junk refused', () => {
    expect(streamingBaseFrom('wss://s.example')).toBe('https://s.example');
    expect(streamingBaseFrom('ws://s.example:4000/x/')).toBe('http://s.example:4000/x');
    expect(streamingBaseFrom('https://s.example/')).toBe('https://s.example');
    expect(streamingBaseFrom('http://s.example')).toBe('http://s.example');
    expect(streamingBaseFrom('')).toBeUndefined();
    expect(streamingBaseFrom(null)).toBeUndefined();
    expect(streamingBaseFrom('ftp://s.example')).toBeUndefined();
  });

  it('streamingBaseUrl skips discovery', async () => {
    const stream = await server();
    const api = await server({ v2: { configuration: { urls: { streaming: 'ws://wrong.invalid' } } } });
    const m = new Mastodon({ apiBaseUrl: api.url, accessToken: TOKEN, streamingBaseUrl: stream.url + '/' });
    hold(m.streamUser({}, { runAsync: true }));
    await stream.waitForConns(1);
    expect(api.requests).toEqual([]);
    expect(stream.requests.map((q) => q.url)).toEqual(['/api/v1/streaming/user']);
  });

  it('is cached: one discovery request for two streams', async () => {
    const stream = await server();
    const api = await server({ v2: { configuration: { urls: { streaming: stream.url } } } });
    const m = new Mastodon({ apiBaseUrl: api.url, accessToken: TOKEN });
    hold(m.streamUser({}, { runAsync: true }), m.streamDirect({}, { runAsync: true }));
    await stream.waitForConns(2);
    hold(m.streamLocal({}, { runAsync: true }));
    await stream.waitForConns(3);
    expect(api.requests.map((q) => q.url)).toEqual(['/api/v2/instance']);
  });

  it('a failed (network) discovery is not cached', async () => {
    const stream = await server();
    const api = await server({ v2: { configuration: { urls: { streaming: stream.url } } } });
    let broken = true;
    const urls: string[] = [];
    const fetchFn = ((input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      urls.push(url);
      if (broken && url.includes('/instance')) return Promise.reject(new TypeError('fetch failed'));
      return fetch(input, init);
    }) as typeof fetch;
    const m = new Mastodon({ apiBaseUrl: api.url, accessToken: TOKEN, fetch: fetchFn });
    hold(m.streamUser({}, { runAsync: true }));
    // Discovery failed: the stream goes to apiBaseUrl meanwhile.
    await api.waitForConns(1);
    broken = false;
    hold(m.streamDirect({}, { runAsync: true }));
    await stream.waitForConns(1);
    expect(urls).toEqual([
      `${api.url}/api/v2/instance`,
      `${api.url}/api/v1/instance`,
      `${api.url}/api/v1/streaming/user`,
      `${api.url}/api/v2/instance`,
      `${stream.url}/api/v1/streaming/direct`,
    ]);
  });

  it('apiBaseUrl normalisation: no scheme → https, one trailing slash dropped', () => {
    expect(new Mastodon({ apiBaseUrl: 'mastodon.example' }).apiBaseUrl).toBe('https://mastodon.example');
    expect(new Mastodon({ apiBaseUrl: 'mastodon.example/' }).apiBaseUrl).toBe('https://mastodon.example');
    expect(new Mastodon({ apiBaseUrl: 'https://mastodon.example/' }).apiBaseUrl).toBe('https://mastodon.example');
    expect(new Mastodon({ apiBaseUrl: 'http://127.0.0.1:3000' }).apiBaseUrl).toBe('http://127.0.0.1:3000');
  });
});

describe('streamHealthy', () => {
  const at = async (health?: Answer) => {
    const s = await server(health ? { health } : {});
    const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN });
    const ok = await m.streamHealthy();
    expect(s.requests.map((q) => [q.url, q.headers.authorization])).toEqual([['/api/v1/streaming/health', undefined]]);
    return ok;
  };
  it('200 OK → true', async () => expect(await at(undefined)).toBe(true));
  it('200 success → true', async () => expect(await at({ status: 200, body: 'success' })).toBe(true));
  it('200 with another body → false', async () => expect(await at({ status: 200, body: 'nope' })).toBe(false));
  it('500 → false', async () => expect(await at({ status: 500, body: 'OK' })).toBe(false));
  it('unreachable → false', async () => {
    const port = await deadPort();
    expect(await new Mastodon({ apiBaseUrl: `http://127.0.0.1:${port}`, streamingBaseUrl: `http://127.0.0.1:${port}` }).streamHealthy()).toBe(false);
  });
  it('uses the discovered streaming host', async () => {
    const stream = await server();
    const api = await server({ v2: { configuration: { urls: { streaming: stream.url } } } });
    expect(await new Mastodon({ apiBaseUrl: api.url }).streamHealthy()).toBe(true);
    expect(stream.requests.map((q) => q.url)).toEqual(['/api/v1/streaming/health']);
  });
});
