// Checks the fake Mastodon server itself against docs/protocol.md, with plain fetch and ws.
import { describe, it, expect } from 'vitest';
import WebSocket from 'ws';
import type { IncomingMessage } from 'node:http';
import { sleep, until, useFakeMastodon, type FakeMastodon } from './kit/index.js';

// Every fake a test starts (some start two) and every client it opens is stopped after it.
const { start, defer } = useFakeMastodon();

const bearer = (t = 'test-token') => ({ Authorization: `Bearer ${t}` });

interface SseClient {
  res: Response;
  chunks: string[];
  text(): string;
  until(pred: (t: string) => boolean, timeoutMs?: number): Promise<string>;
  ended: Promise<'end' | 'error'>;
  close(): void;
}

async function openSse(url: string, headers: Record<string, string> = bearer()): Promise<SseClient> {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  const listeners = new Set<() => void>();
  let settle!: (v: 'end' | 'error') => void;
  const ended = new Promise<'end' | 'error'>((r) => (settle = r));
  const reader = res.body!.getReader();
  (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return settle('end');
        chunks.push(decoder.decode(value, { stream: true }));
        for (const l of listeners) l();
      }
    } catch {
      settle('error');
    }
  })();
  const client: SseClient = {
    res,
    chunks,
    text: () => chunks.join(''),
    async until(pred, timeoutMs = 5000) {
      await until(() => pred(client.text()), { timeoutMs, what: `${pred} (got ${JSON.stringify(client.text()).slice(0, 300)})` });
      return client.text();
    },
    ended,
    close: () => ac.abort(),
  };
  defer(() => ac.abort());
  return client;
}


interface WsClient {
  ws: WebSocket;
  messages: any[];
  next(pred?: (m: any) => boolean, timeoutMs?: number): Promise<any>;
  closed: Promise<{ code: number; reason: string }>;
}

async function openWs(f: FakeMastodon, opts: { protocol?: string; path?: string; headers?: Record<string, string> } = {}): Promise<WsClient> {
  const url = f.streamingUrl.replace(/^http/, 'ws') + (opts.path ?? '/api/v1/streaming');
  const ws = new WebSocket(url, opts.protocol === undefined ? f.token : opts.protocol || [], { headers: opts.headers });
  const messages: any[] = [];
  const listeners = new Set<() => void>();
  ws.on('message', (d) => {
    messages.push(JSON.parse(d.toString()));
    for (const l of listeners) l();
  });
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
  ws.on('error', () => {});
  defer(() => ws.terminate());
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', () => reject(new Error('unexpected response')));
    ws.once('error', reject);
  });
  let seen = 0;
  return {
    ws,
    messages,
    closed,
    next(pred = () => true, timeoutMs = 2000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          while (seen < messages.length) {
            const m = messages[seen++];
            if (pred(m)) {
              listeners.delete(check);
              clearTimeout(t);
              resolve(m);
              return;
            }
          }
        };
        const t = setTimeout(() => {
          listeners.delete(check);
          reject(new Error('no message'));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

/** Try a WebSocket upgrade that should be refused; resolve with the raw response. */
function refusedUpgrade(url: string, protocols: string | string[] = [], headers: Record<string, string> = {}) {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res);
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('upgrade accepted')));
    ws.on('error', () => {});
  });
}

describe('SSE', () => {
  it('greets with exactly ":)\\n" and the real headers', async () => {
    const f = await start();
    const c = await openSse(`${f.streamingUrl}/api/v1/streaming/user`);
    expect(c.res.status).toBe(200);
    expect(c.res.headers.get('content-type')).toBe('text/event-stream');
    expect(c.res.headers.get('cache-control')).toBe('private, no-store');
    expect(c.res.headers.get('transfer-encoding')).toBe('chunked');
    expect(c.res.headers.get('access-control-allow-origin')).toBe('*');
    expect(c.res.headers.get('access-control-allow-credentials')).toBeNull();
    await c.until((t) => t.length >= 3);
    expect(c.text()).toBe(':)\n');
    await f.waitForConnections(1);
    expect(f.sseConnections()).toBe(1);
  });

  it('sends modern and legacy heartbeats', async () => {
    let f = await start({ heartbeatMs: 30 });
    let c = await openSse(`${f.streamingUrl}/api/v1/streaming/user`);
    expect(await c.until((t) => t.length >= 3 + 16)).toMatch(/^:\)\n:thump\n\n:thump\n\n/);
    await f.close();
    f = await start({ heartbeatMs: 30, heartbeatStyle: 'legacy' });
    c = await openSse(`${f.streamingUrl}/api/v1/streaming/user`);
    expect(await c.until((t) => t.length >= 3 + 14)).toMatch(/^:\)\n:thump\n:thump\n/);
  });

  it('writes an event as "event: <name>\\ndata: <payload>\\n\\n"; strings raw; undefined dropped', async () => {
    const f = await start();
    const c = await openSse(`${f.streamingUrl}/api/v1/streaming/user`);
    await f.waitForConnections(1);
    f.publish({ stream: 'user' }, 'filters_changed', undefined);
    f.publish({ stream: 'user' }, 'update', { id: '117024236332527350', a: [1] });
    f.publish({ stream: 'user' }, 'delete', '117024236332527350');
    f.publish({ stream: 'public' }, 'update', { not: 'mine' });
    // A marker after them on the same connection: anything else written before it shows.
    await f.writeRaw(':marker\n');
    await c.until((t) => t.endsWith(':marker\n'));
    expect(c.text()).toBe(':)\nevent: update\ndata: {"id":"117024236332527350","a":[1]}\n\nevent: delete\ndata: 117024236332527350\n\n:marker\n');
  });

  it('serves health without a token', async () => {
    const f = await start();
    const r = await fetch(`${f.streamingUrl}/api/v1/streaming/health`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await r.text()).toBe('OK');
  });

  const errorRows: Array<[string, string, Record<string, string>, number, string]> = [
    ['no token', '/api/v1/streaming/user', {}, 401, 'Missing access token'],
    ['bad token', '/api/v1/streaming/user', bearer('nope'), 401, 'Invalid access token'],
    ['lower-case bearer', '/api/v1/streaming/user', { Authorization: 'bearer test-token' }, 401, 'Invalid access token'],
    ['app token', '/api/v1/streaming/user', bearer('app-token'), 401, 'Invalid access token'],
    ['wrong scope', '/api/v1/streaming/public', bearer('write-only'), 401, 'Access token does not have the required scopes'],
    ['notification scope', '/api/v1/streaming/user/notification', bearer('statuses-only'), 401, 'Access token does not have the required scopes'],
    ['unknown path', '/api/v1/streaming/nope', bearer(), 400, 'Unknown channel requested'],
    ['unknown path before auth', '/api/v1/streaming/nope', {}, 400, 'Unknown channel requested'],
    ['trailing slash', '/api/v1/streaming/user/', bearer(), 400, 'Unknown channel requested'],
    ['missing tag', '/api/v1/streaming/hashtag', bearer(), 400, 'Missing tag name parameter'],
    ['missing tag (local)', '/api/v1/streaming/hashtag/local', bearer(), 400, 'Missing tag name parameter'],
    ['missing list', '/api/v1/streaming/list', bearer(), 400, 'Missing list name parameter'],
    ['foreign list', '/api/v1/streaming/list?list=99', bearer(), 401, 'Not authorized to stream this list'],
  ];
  it.each(errorRows)('%s: %s -> %s', async (_name, path, headers, status, message) => {
    const f = await start({
      tokens: { 'test-token': ['read'], 'write-only': ['write'], 'statuses-only': ['read:statuses'], 'app-token': ['read'] },
      appTokens: ['app-token'],
    });
    const r = await fetch(f.streamingUrl + path, { headers });
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(await r.text()).toBe(JSON.stringify({ error: message }));
  });

  it('a revoked token: open stream ends cleanly, next connect 401', async () => {
    const f = await start();
    const c = await openSse(`${f.streamingUrl}/api/v1/streaming/user`);
    await f.waitForConnections(1);
    f.revoke(f.token);
    expect(await c.ended).toBe('end');
    const r = await fetch(`${f.streamingUrl}/api/v1/streaming/user`, { headers: bearer() });
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual({ error: 'Invalid access token' });
  });

  it('takes the token from ?access_token= and Sec-WebSocket-Protocol too', async () => {
    const f = await start();
    const a = await openSse(`${f.streamingUrl}/api/v1/streaming/user?access_token=test-token`, {});
    expect(a.res.status).toBe(200);
    const b = await openSse(`${f.streamingUrl}/api/v1/streaming/user`, { 'Sec-WebSocket-Protocol': 'test-token' });
    expect(b.res.status).toBe(200);
    // Authorization wins over the query.
    const r = await fetch(`${f.streamingUrl}/api/v1/streaming/user?access_token=test-token`, { headers: bearer('bad') });
    expect(r.status).toBe(401);
  });

  it('routes postStatus to user, public, local/remote, media, hashtag (any case) and list streams', async () => {
    const f = await start();
    const u = (p: string) => `${f.streamingUrl}/api/v1/streaming/${p}`;
    const c = {
      user: await openSse(u('user')),
      public: await openSse(u('public')),
      local: await openSse(u('public/local')),
      remote: await openSse(u('public/remote')),
      media: await openSse(u('public?only_media=true')),
      tag: await openSse(u('hashtag?tag=CATS')),
      tagLocal: await openSse(u('hashtag/local?tag=cats')),
      list: await openSse(u('list?list=12')),
      direct: await openSse(u('direct')),
    };
    await f.waitForConnections(9);
    const s1 = f.postStatus({ tags: ['Cats'], lists: ['12'] });
    const s2 = f.postStatus({ local: false, media: true });
    expect(s2.account.acct).toMatch(/@remote\.example$/);
    expect(BigInt(s2.id) > BigInt(s1.id)).toBe(true);
    expect(BigInt(s1.id) > 2n ** 53n).toBe(true);
    await c.user.until((t) => t.includes(s2.id));
    await c.public.until((t) => t.includes(s2.id));
    await c.media.until((t) => t.includes(s2.id));
    await c.remote.until((t) => t.includes(s2.id));
    // A marker on every connection: once each has it, what was routed to it has arrived.
    await f.writeRaw(':marker\n');
    for (const x of Object.values(c)) await x.until((t) => t.endsWith(':marker\n'));
    const has = (x: SseClient, s: any) => x.text().includes(`"id":"${s.id}"`);
    expect([has(c.user, s1), has(c.public, s1), has(c.local, s1), has(c.tag, s1), has(c.tagLocal, s1), has(c.list, s1)]).toEqual([true, true, true, true, true, true]);
    expect([has(c.remote, s1), has(c.media, s1), has(c.direct, s1)]).toEqual([false, false, false]);
    expect([has(c.local, s2), has(c.tag, s2), has(c.list, s2)]).toEqual([false, false, false]);
    f.editStatus(s1.id, { text: 'edited' });
    f.deleteStatus(s1.id);
    await c.tag.until((t) => t.includes(`event: delete\ndata: ${s1.id}\n\n`));
    expect(c.tag.text()).toContain('event: status.update\n');
    const conv = f.converse();
    await c.direct.until((t) => t.includes('event: conversation\n'));
    await c.user.until((t) => t.includes(conv.last_status.id));
    const n = f.notify('favourite');
    await c.user.until((t) => t.includes(`"id":"${n.id}","type":"favourite"`));
  });

  it('writeRaw splits writes at the given offsets', async () => {
    const f = await start();
    const c = await openSse(`${f.streamingUrl}/api/v1/streaming/user`);
    await c.until((t) => t === ':)\n');
    const bytes = 'event: update\ndata: {"a":1}\n\n';
    expect(await f.writeRaw(bytes, { splitAt: [3, 10], delayMs: 20 })).toBe(1);
    await c.until((t) => t.endsWith('\n\n'));
    expect(c.chunks.slice(1)).toEqual([bytes.slice(0, 3), bytes.slice(3, 10), bytes.slice(10)]);
  });

  it('endStreams ends cleanly, dropConnections errors the body', async () => {
    const f = await start();
    const a = await openSse(`${f.streamingUrl}/api/v1/streaming/user`);
    const b = await openSse(`${f.streamingUrl}/api/v1/streaming/public`);
    await f.waitForConnections(2);
    expect(f.endStreams({ path: '/api/v1/streaming/user' })).toBe(1);
    expect(await a.ended).toBe('end');
    await f.writeRaw('event: upd'); // a partial event, then the drop
    expect(f.dropConnections({ path: /public/ })).toBe(1);
    expect(await b.ended).toBe('error');
    await f.waitFor(() => f.connections() === 0);
  });

  it('stall: silent, events published meanwhile are lost; unstall resumes', async () => {
    const f = await start({ heartbeatMs: 20 });
    const c = await openSse(`${f.streamingUrl}/api/v1/streaming/user`);
    await c.until((t) => t.includes(':thump'));
    expect(f.stall()).toBe(1);
    // writeRaw bypasses the stall: a marker before and one after show exactly what got through.
    await f.writeRaw(':m1\n');
    await c.until((t) => t.endsWith(':m1\n'));
    const before = c.text();
    f.publish({ stream: 'user' }, 'update', { lost: true });
    await sleep(60); // three heartbeat periods: none may be written while stalled
    await f.writeRaw(':m2\n');
    await c.until((t) => t.endsWith(':m2\n'));
    expect(c.text()).toBe(before + ':m2\n');
    f.unstall();
    f.publish({ stream: 'user' }, 'update', { kept: true });
    await c.until((t) => t.includes('{"kept":true}'));
    expect(c.text()).not.toContain('lost');
  });

  it('failNext: proxy-like 503 with Retry-After, then 401, then success', async () => {
    const f = await start();
    f.failNext(1, 503, { retryAfter: 7 });
    f.failNext(1, 401);
    const url = `${f.streamingUrl}/api/v1/streaming/user`;
    const r1 = await fetch(url, { headers: bearer() });
    expect(r1.status).toBe(503);
    expect(r1.headers.get('retry-after')).toBe('7');
    expect(r1.headers.get('access-control-allow-origin')).toBe('*');
    expect(await r1.text()).toContain('503 Service Temporarily Unavailable'.slice(0, 3));
    const r2 = await fetch(url, { headers: bearer() });
    expect(r2.status).toBe(401);
    expect(await r2.json()).toEqual({ error: 'Invalid access token' });
    const c = await openSse(url);
    expect(c.res.status).toBe(200);
    f.failNext(1, 500);
    const r3 = await fetch(url, { headers: bearer() });
    expect(await r3.json()).toEqual({ error: 'An unexpected error occurred' });
    f.replyRaw({ status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>captive portal</html>' });
    const r4 = await fetch(url, { headers: bearer() });
    expect(r4.headers.get('content-type')).toBe('text/html');
    expect(await r4.text()).toBe('<html>captive portal</html>');
  });

  it('blast delivers count events in batches', async () => {
    const f = await start();
    const c = await openSse(`${f.streamingUrl}/api/v1/streaming/public`);
    await f.waitForConnections(1);
    const payload = JSON.stringify({ id: '1', content: 'x'.repeat(500) });
    await f.blast({ stream: 'public' }, 'update', payload, 5000, { chunkEvents: 64 });
    await c.until((t) => t.split('event: update\n').length - 1 === 5000, 5000);
  });
});

describe('hosts, discovery, CORS', () => {
  it('API host answers 301 to the streaming host; sameHost serves directly', async () => {
    let f = await start();
    expect(f.apiUrl).not.toBe(f.streamingUrl);
    const r = await fetch(`${f.apiUrl}/api/v1/streaming/user?x=1`, { redirect: 'manual' });
    expect(r.status).toBe(301);
    expect(r.headers.get('location')).toBe(`${f.streamingUrl}/api/v1/streaming/user?x=1`);
    await f.close();
    f = await start({ sameHost: true });
    expect(f.apiUrl).toBe(f.streamingUrl);
    const c = await openSse(`${f.apiUrl}/api/v1/streaming/user`);
    expect(c.res.status).toBe(200);
    const home = await fetch(`${f.apiUrl}/api/v1/timelines/home`, { headers: bearer() });
    expect(home.status).toBe(200);
  });

  it('instance v2 / v1 / none / override', async () => {
    let f = await start();
    const v2 = await (await fetch(`${f.apiUrl}/api/v2/instance`)).json();
    expect(v2.configuration.urls.streaming).toBe(f.streamingUrl.replace('http:', 'ws:'));
    expect(v2.version).toBe('4.6.4');
    await f.close();
    f = await start({ instanceVersion: 'v1' });
    expect((await fetch(`${f.apiUrl}/api/v2/instance`)).status).toBe(404);
    const v1 = await (await fetch(`${f.apiUrl}/api/v1/instance`)).json();
    expect(v1.urls.streaming_api).toBe(f.streamingUrl.replace('http:', 'ws:'));
    await f.close();
    f = await start({ instanceVersion: 'none' });
    expect((await fetch(`${f.apiUrl}/api/v1/instance`)).status).toBe(404);
    expect((await fetch(`${f.apiUrl}/api/v2/instance`)).status).toBe(404);
    await f.close();
    f = await start({ streamingUrlOverride: '' });
    expect((await (await fetch(`${f.apiUrl}/api/v2/instance`)).json()).configuration.urls.streaming).toBe('');
  });

  it('answers CORS preflights on both hosts, reflecting requested headers', async () => {
    const f = await start();
    for (const base of [f.apiUrl, f.streamingUrl]) {
      const r = await fetch(`${base}/api/v1/streaming/user`, {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization,x-foo' },
      });
      expect(r.status).toBe(204);
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
      expect(r.headers.get('access-control-allow-headers')).toBe('authorization,x-foo');
      expect(r.headers.get('access-control-allow-methods')).toContain('GET');
    }
    expect(f.requests.filter((r) => r.method === 'OPTIONS').map((r) => r.host)).toEqual(['api', 'streaming']);
  });

  it('records requests and waits for them', async () => {
    const f = await start();
    const waiting = f.waitForRequest((r) => r.path === '/api/v1/timelines/public');
    await fetch(`${f.apiUrl}/api/v1/timelines/public?local=true`, { headers: { 'X-Test': 'yes' } });
    const r = await waiting;
    expect(r).toMatchObject({ method: 'GET', url: '/api/v1/timelines/public?local=true', host: 'api', kind: 'rest' });
    expect(r.headers['x-test']).toBe('yes');
  });
});

describe('REST catch-up', () => {
  it('pages with limit, max_id, since_id, min_id and a Link header', async () => {
    const f = await start();
    const ids = Array.from({ length: 7 }, () => f.postStatus().id);
    const get = async (q: string) => {
      const r = await fetch(`${f.apiUrl}/api/v1/timelines/home${q}`, { headers: bearer() });
      expect(r.status).toBe(200);
      return { ids: ((await r.json()) as any[]).map((s) => s.id), link: r.headers.get('link') };
    };
    const p1 = await get('?limit=3');
    expect(p1.ids).toEqual([ids[6], ids[5], ids[4]]);
    expect(p1.link).toBe(
      `<${f.apiUrl}/api/v1/timelines/home?limit=3&max_id=${ids[4]}>; rel="next", <${f.apiUrl}/api/v1/timelines/home?limit=3&min_id=${ids[6]}>; rel="prev"`,
    );
    expect((await get(`?limit=3&max_id=${ids[4]}`)).ids).toEqual([ids[3], ids[2], ids[1]]);
    // since_id: the newest page above the id; min_id: the page just above it (still newest first).
    expect((await get(`?limit=2&since_id=${ids[1]}`)).ids).toEqual([ids[6], ids[5]]);
    expect((await get(`?limit=2&min_id=${ids[1]}`)).ids).toEqual([ids[3], ids[2]]);
    expect((await get(`?min_id=${ids[1]}&max_id=${ids[4]}`)).ids).toEqual([ids[3], ids[2]]);
    const empty = await get(`?min_id=${ids[6]}`);
    expect(empty.ids).toEqual([]);
    expect(empty.link).toBeNull();
    expect((await get('?limit=1000')).ids.length).toBe(7);
    // ids differ only beyond 2^53 precision: compared as big integers
    expect(Number(ids[5]) > 2 ** 53).toBe(true);
  });

  it('caps limit at 40 (80 for notifications), defaults 20 / 40', async () => {
    const f = await start();
    for (let i = 0; i < 90; i++) {
      f.postStatus();
      f.notify('mention');
    }
    const n = async (path: string) => ((await (await fetch(`${f.apiUrl}${path}`, { headers: bearer() })).json()) as any[]).length;
    expect(await n('/api/v1/timelines/home')).toBe(20);
    expect(await n('/api/v1/timelines/home?limit=100')).toBe(40);
    expect(await n('/api/v1/notifications')).toBe(40);
    expect(await n('/api/v1/notifications?limit=100')).toBe(80);
  });

  it('public/tag/list timelines and conversations', async () => {
    const f = await start();
    const local = f.postStatus({ tags: ['Cats'], lists: ['12'] });
    const remote = f.postStatus({ local: false, tags: ['cats'], media: 2 });
    const j = async (p: string) => ((await (await fetch(`${f.apiUrl}${p}`, { headers: bearer() })).json()) as any[]).map((x) => x.id);
    expect(await j('/api/v1/timelines/public')).toEqual([remote.id, local.id]);
    expect(await j('/api/v1/timelines/public?local=true')).toEqual([local.id]);
    expect(await j('/api/v1/timelines/public?remote=true')).toEqual([remote.id]);
    expect(await j('/api/v1/timelines/public?only_media=true')).toEqual([remote.id]);
    expect(await j('/api/v1/timelines/tag/CATS')).toEqual([remote.id, local.id]);
    expect(await j('/api/v1/timelines/tag/cats?local=true')).toEqual([local.id]);
    expect(await j('/api/v1/timelines/list/12')).toEqual([local.id]);
    expect((await fetch(`${f.apiUrl}/api/v1/timelines/list/99`, { headers: bearer() })).status).toBe(404);
    const c = f.converse();
    expect(await j('/api/v1/conversations')).toEqual([c.id]);
  });

  it('401 for a bad token, 429 with Retry-After after the rate limit', async () => {
    const f = await start({ rateLimit: { limit: 2, windowMs: 60000 } });
    const bad = await fetch(`${f.apiUrl}/api/v1/timelines/home`, { headers: bearer('bad') });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'The access token is invalid' });
    const url = `${f.apiUrl}/api/v1/timelines/home`;
    expect((await fetch(url, { headers: bearer() })).headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await fetch(url, { headers: bearer() })).status).toBe(200);
    const r = await fetch(url, { headers: bearer() });
    expect(r.status).toBe(429);
    expect(await r.json()).toEqual({ error: 'Too many requests' });
    const ra = Number(r.headers.get('retry-after'));
    expect(Number.isInteger(ra) && ra >= 1 && ra <= 60).toBe(true);
    expect(r.headers.get('x-ratelimit-limit')).toBe('2');
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('failNextRest and POST /api/v1/statuses', async () => {
    const f = await start({ tokens: { 'test-token': ['read', 'write'] } });
    f.failNextRest(1, 502);
    const r = await fetch(`${f.apiUrl}/api/v1/timelines/home`, { headers: bearer() });
    expect(r.status).toBe(502);
    const c = await openSse(`${f.streamingUrl}/api/v1/streaming/hashtag?tag=fediverse`);
    await f.waitForConnections(1);
    const post = await fetch(`${f.apiUrl}/api/v1/statuses`, {
      method: 'POST',
      headers: { ...bearer(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'status=hello%20%23Fediverse',
    });
    const s = await post.json();
    expect(s.tags).toEqual([{ name: 'Fediverse', url: expect.any(String) }]);
    await c.until((t) => t.includes(s.id));
  });
});

describe('WebSocket', () => {
  it('echoes the token subprotocol, subscribes, routes, unsubscribes', async () => {
    const f = await start();
    const c = await openWs(f);
    expect(c.ws.protocol).toBe(f.token);
    c.ws.send(JSON.stringify({ type: 'subscribe', stream: 'hashtag', tag: 'Cats' }));
    c.ws.send(JSON.stringify({ type: 'subscribe', stream: 'hashtag', tag: 'cats' })); // duplicate: ignored
    c.ws.send(JSON.stringify({ type: 'subscribe', stream: 'list', list: '12' }));
    c.ws.send(JSON.stringify({ type: 'subscribe', stream: 'user' }));
    await f.waitForSubscriptions(3);
    expect(f.subscriptions()).toBe(3);
    const s = f.postStatus({ tags: ['CATS'], lists: ['12'] });
    const tagMsg = await c.next((m) => m.stream[0] === 'hashtag');
    expect(tagMsg).toEqual({ stream: ['hashtag', 'Cats'], event: 'update', payload: JSON.stringify(s) });
    expect(typeof tagMsg.payload).toBe('string');
    expect(await c.next((m) => m.stream[0] === 'list')).toMatchObject({ stream: ['list', '12'], event: 'update' });
    f.deleteStatus(s.id);
    expect(await c.next((m) => m.event === 'delete' && m.stream[0] === 'user')).toEqual({ stream: ['user'], event: 'delete', payload: s.id });
    c.ws.send(JSON.stringify({ type: 'unsubscribe', stream: 'hashtag', tag: 'cats' }));
    await f.waitFor(() => f.subscriptions() === 2);
    f.publish({ stream: 'hashtag', tag: 'cats' }, 'update', { gone: true });
    f.publish({ stream: 'user' }, 'update', { here: true });
    const next = await c.next((m) => m.payload === '{"here":true}');
    expect(next.stream).toEqual(['user']);
    expect(c.messages.some((m) => m.payload === '{"gone":true}')).toBe(false);
    expect(f.wsMessages.map((m) => m.message.type)).toEqual(['subscribe', 'subscribe', 'subscribe', 'subscribe', 'unsubscribe']);
  });

  it('accepts the token in Authorization or ?access_token=', async () => {
    const f = await start();
    const a = await openWs(f, { protocol: '', headers: bearer() });
    expect(a.ws.protocol).toBe('');
    const b = await openWs(f, { protocol: '', path: '/api/v1/streaming?access_token=test-token' });
    expect(b.ws.readyState).toBe(WebSocket.OPEN);
    expect(f.wsConnections()).toBe(2);
  });

  it('refuses a bad or missing token with a raw 401 and X-Error-Message', async () => {
    const f = await start();
    const url = f.streamingUrl.replace('http', 'ws') + '/api/v1/streaming';
    const bad = await refusedUpgrade(url, 'nope');
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['x-error-message']).toBe('Invalid access token');
    const missing = await refusedUpgrade(url);
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['x-error-message']).toBe('Missing access token');
    expect(f.requests.filter((r) => r.kind === 'ws')).toHaveLength(2);
  });

  it('failNext applies to upgrades', async () => {
    const f = await start();
    f.failNext(1, 503, { kind: 'ws', retryAfter: 3 });
    const url = f.streamingUrl.replace('http', 'ws') + '/api/v1/streaming';
    const r = await refusedUpgrade(url, f.token);
    expect(r.statusCode).toBe(503);
    expect(r.headers['retry-after']).toBe('3');
    const c = await openWs(f);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('a failed subscribe sends an uncorrelated error and keeps the socket open', async () => {
    const f = await start({ tokens: { 'test-token': ['read:statuses'] } });
    const c = await openWs(f);
    c.ws.send(JSON.stringify({ type: 'subscribe', stream: 'nope' }));
    expect(await c.next()).toEqual({ error: 'Unknown stream type', status: 400 });
    c.ws.send(JSON.stringify({ type: 'subscribe', stream: 'hashtag' }));
    expect(await c.next()).toEqual({ error: 'Missing tag name parameter', status: 400 });
    c.ws.send(JSON.stringify({ type: 'subscribe', stream: 'list', list: '99' }));
    expect(await c.next()).toEqual({ error: 'Not authorized to stream this list', status: 401 });
    c.ws.send(JSON.stringify({ type: 'subscribe', stream: 'user:notification' }));
    expect(await c.next()).toEqual({ error: 'Access token does not have the required scopes', status: 401 });
    c.ws.send(JSON.stringify({ type: 'subscribe', stream: 'public' }));
    await f.waitForSubscriptions(1);
    f.postStatus();
    expect(await c.next()).toMatchObject({ stream: ['public'], event: 'update' });
  });

  it('closes with 1003 on a binary frame', async () => {
    const f = await start();
    const c = await openWs(f);
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await c.closed).code).toBe(1003);
  });

  it('endStreams closes with no status code (client sees 1005); revoke too', async () => {
    const f = await start();
    const a = await openWs(f);
    expect(f.endStreams({ kind: 'ws' })).toBe(1);
    expect((await a.closed).code).toBe(1005);
    const b = await openWs(f);
    f.revoke(f.token);
    expect((await b.closed).code).toBe(1005);
    const r = await refusedUpgrade(f.streamingUrl.replace('http', 'ws') + '/api/v1/streaming', f.token);
    expect(r.statusCode).toBe(401);
  });

  it('dropConnections destroys the socket without a close frame (1006)', async () => {
    const f = await start();
    const c = await openWs(f);
    expect(f.dropConnections()).toBe(1);
    expect((await c.closed).code).toBe(1006);
    await f.waitFor(() => f.wsConnections() === 0);
  });

  it('stall stops delivery to the socket; events meanwhile are lost', async () => {
    const f = await start();
    const c = await openWs(f);
    c.ws.send(JSON.stringify({ type: 'subscribe', stream: 'user' }));
    await f.waitForSubscriptions(1);
    f.stall({ kind: 'ws' });
    f.publish({ stream: 'user' }, 'update', { lost: true });
    f.unstall();
    f.publish({ stream: 'user' }, 'update', { kept: true });
    // One socket, in order: had the first been delivered, it would be the first message.
    expect(await c.next()).toEqual({ stream: ['user'], event: 'update', payload: '{"kept":true}' });
    expect(c.messages).toHaveLength(1);
  });

  it('pings every wsPingMs', async () => {
    const f = await start({ wsPingMs: 30 });
    const c = await openWs(f);
    const ping = new Promise((r) => c.ws.once('ping', r));
    await ping;
  });
});

describe('demo mode', () => {
  it('produces realistic, varied traffic and serves avatars', async () => {
    const f = await start({ demo: true, demoRatePerSec: 200, demoSeed: 42 });
    const c = await openSse(`${f.streamingUrl}/api/v1/streaming/user`);
    await c.until((t) => new Set([...t.matchAll(/^event: (.+)$/gm)].map((m) => m[1])).size >= 4, 4000);
    const status = [...f.store.statuses.values()].at(-1);
    const avatar = await fetch(status.account.avatar);
    expect(avatar.status).toBe(200);
    expect(avatar.headers.get('content-type')).toBe('image/svg+xml');
    expect(await avatar.text()).toMatch(/^<svg /);
  });
});
