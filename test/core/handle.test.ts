/**
 * The handle: error statuses in both modes, states, close(), signal, reconnect and back-off,
 * the read timeout.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Mastodon,
  MastodonNetworkError,
  MastodonReadTimeout,
  type StreamHandle,
} from '../../src/index.js';
import type { Stream } from '../../src/handle.js';
import { record, sleep, startServer, until, type ServerOptions, type TestServer } from '../kit/index.js';

const TOKEN = 'test-token';
const servers: TestServer[] = [];
const handles: StreamHandle[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const h of handles.splice(0)) h.close();
  for (const s of servers.splice(0)) await s.close();
});
async function setup(opts: ServerOptions = {}): Promise<{ s: TestServer; m: Mastodon }> {
  const s = await startServer(opts);
  servers.push(s);
  return { s, m: new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN, streamingBaseUrl: s.url }) };
}
const track = <H extends StreamHandle>(h: H): H => (handles.push(h), h);
const stateOf = (h: StreamHandle) => (h as Stream).state;

const ERRORS: [number, string][] = [
  [401, 'Missing access token'],
  [401, 'Invalid access token'],
  [401, 'Access token does not have the required scopes'],
  [400, 'Unknown channel requested'],
  [400, 'Missing tag name parameter'],
  [400, 'Missing list name parameter'],
  [401, 'Not authorized to stream this list'],
  [500, 'An unexpected error occurred'],
];

describe('error statuses, blocking mode: the promise rejects with the exact status and message', () => {
  for (const [status, msg] of ERRORS) {
    it(`${status} ${msg}`, async () => {
      const { s, m } = await setup();
      s.failNext(1, { status, body: JSON.stringify({ error: msg }) });
      const r = record();
      const err = (await m.streamUser(r.listener).then(() => 'resolved', (e: unknown) => e)) as MastodonNetworkError;
      expect(err).toBeInstanceOf(MastodonNetworkError);
      expect(err.name).toBe('MastodonNetworkError');
      expect(err.status).toBe(status);
      expect(err.serverMessage).toBe(msg);
      expect(err.fatal).toBe(status !== 500);
      expect(err.message).toBe(`/api/v1/streaming/user answered ${status}: ${msg}`);
      expect(r.calls).toEqual([['onAbort', err]]);
      expect(s.streamRequests().length).toBe(1);
    });
  }

  it('404 (no SSE here) says to try the WebSocket transport', async () => {
    const { s, m } = await setup();
    s.failNext(1, { status: 404, body: '<html>Not Found</html>', headers: { 'content-type': 'text/html' } });
    const err = (await m.streamUser({}).catch((e: unknown) => e)) as MastodonNetworkError;
    expect(err).toBeInstanceOf(MastodonNetworkError);
    expect(err.status).toBe(404);
    expect(err.serverMessage).toBeUndefined();
    expect(err.fatal).toBe(true);
    expect(err.message).toBe("/api/v1/streaming/user answered 404. No SSE here; try transport: 'websocket'");
  });

  it('X-Error-Message is the server message when the body has none', async () => {
    const { s, m } = await setup();
    s.failNext(1, { status: 401, body: '', headers: { 'x-error-message': 'Invalid access token' } });
    const err = (await m.streamUser({}).catch((e: unknown) => e)) as MastodonNetworkError;
    expect([err.status, err.serverMessage]).toEqual([401, 'Invalid access token']);
  });

  it('429 carries retryAfterSec', async () => {
    const { s, m } = await setup();
    s.failNext(1, { status: 429, body: '{"error":"Too many requests"}', headers: { 'retry-after': '7' } });
    const err = (await m.streamUser({}).catch((e: unknown) => e)) as MastodonNetworkError;
    expect([err.status, err.serverMessage, err.retryAfterSec, err.fatal]).toEqual([429, 'Too many requests', 7, false]);
  });

  it('200 that is not an event stream is an error', async () => {
    const { m } = await setup();
    const fetchFn = (async () => new Response('<html></html>', { status: 200, headers: { 'content-type': 'text/html' } })) as typeof fetch;
    const m2 = new Mastodon({ apiBaseUrl: m.apiBaseUrl, accessToken: TOKEN, streamingBaseUrl: m.apiBaseUrl, fetch: fetchFn });
    const err = (await m2.streamUser({}).catch((e: unknown) => e)) as MastodonNetworkError;
    expect(err).toBeInstanceOf(MastodonNetworkError);
    expect(err.message).toBe('/api/v1/streaming/user answered text/html, not an event stream');
  });
});

describe('error statuses, async mode with reconnectAsync', () => {
  for (const [status, body] of [
    [400, 'Unknown channel requested'],
    [401, 'Invalid access token'],
    [404, 'Not found'],
  ] as const) {
    it(`${status} is fatal: one attempt, onAbort once, isAlive false, done resolves`, async () => {
      const { s, m } = await setup();
      s.failNext(3, { status, body: JSON.stringify({ error: body }) });
      const r = record();
      const h = track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.02 }));
      await h.done;
      expect(h.isAlive()).toBe(false);
      expect(h.isReceiving()).toBe(false);
      await sleep(150);
      expect(s.streamRequests().length).toBe(1);
      expect(r.names()).toEqual(['onAbort']);
      const err = r.aborts()[0] as MastodonNetworkError;
      expect(err).toBeInstanceOf(MastodonNetworkError);
      expect([err.status, err.fatal]).toEqual([status, true]);
      expect((h as Stream).error).toBe(err);
      if (status === 404) expect(err.message).toContain("transport: 'websocket'");
    });
  }

  for (const status of [500, 502, 503, 504]) {
    it(`${status} is retried`, async () => {
      const { s, m } = await setup();
      s.failNext(1, { status, body: '{"error":"An unexpected error occurred"}' });
      const r = record();
      track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.02 }));
      await s.waitForConns(1);
      await until(() => r.calls.length === 2);
      expect(r.names()).toEqual(['onAbort', 'handleHeartbeat']);
      expect((r.aborts()[0] as MastodonNetworkError).status).toBe(status);
      expect(s.streamRequests().length).toBe(2);
    });
  }

  it('429 is retried after Retry-After (≥ ~1 s even with a tiny base wait)', async () => {
    const { s, m } = await setup();
    s.failNext(1, { status: 429, body: '{"error":"Too many requests"}', headers: { 'retry-after': '1' } });
    const r = record();
    track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.02 }));
    await s.waitForConns(1, 4000);
    const [a, b] = s.streamRequests();
    expect(b!.time - a!.time).toBeGreaterThanOrEqual(950);
    expect(b!.time - a!.time).toBeLessThan(2000);
    await until(() => r.calls.length === 2);
    expect(r.names()).toEqual(['onAbort', 'handleHeartbeat']);
    expect((r.aborts()[0] as MastodonNetworkError).retryAfterSec).toBe(1);
  });

  it('without reconnectAsync, a retryable error ends the handle (error kept)', async () => {
    const { s, m } = await setup();
    s.failNext(1, { status: 503, body: '' });
    const r = record();
    const h = track(m.streamUser(r.listener, { runAsync: true }));
    await h.done;
    expect(h.isAlive()).toBe(false);
    expect((h as Stream).error).toBe(r.aborts()[0]);
    expect(s.streamRequests().length).toBe(1);
  });
});

describe('handle states', () => {
  it('connecting → open → (drop) waiting/connecting → open; isReceiving follows', async () => {
    const { s, m } = await setup();
    const r = record();
    const h = track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.4, timeoutSec: 5 }));
    expect(stateOf(h)).toBe('connecting');
    expect(h.isAlive()).toBe(true);
    expect(h.isReceiving()).toBe(false);
    await until(() => r.calls.length === 1);
    expect(stateOf(h)).toBe('open');
    expect(h.isReceiving()).toBe(true);
    await sleep(450); // up longer than the base wait: a healthy connection
    s.failNext(1, { status: 503, body: '' });
    s.drop();
    // The reconnect is immediate, meets 503, then waits 0.2–0.4 s.
    await until(() => stateOf(h) === 'waiting', { what: 'waiting' });
    expect(h.isReceiving()).toBe(false);
    expect(h.isAlive()).toBe(true);
    expect(s.streamRequests().length).toBe(2);
    await until(() => stateOf(h) === 'open', { what: 'open again' });
    expect(h.isReceiving()).toBe(true);
    expect(r.names()).toEqual(['handleHeartbeat', 'onAbort', 'onAbort', 'handleHeartbeat']);
    expect(r.aborts().map((e) => [e.constructor.name, e.message, (e as MastodonNetworkError).status])).toEqual([
      ['MastodonNetworkError', 'Connection to /api/v1/streaming/user lost', undefined],
      ['MastodonNetworkError', '/api/v1/streaming/user answered 503', 503],
    ]);
  });

  it('isReceiving is false while stalled past timeoutSec (clock moved on, timer not yet fired)', async () => {
    const { m } = await setup();
    const r = record();
    const h = track(m.streamUser(r.listener, { runAsync: true, timeoutSec: 2 }));
    await until(() => r.calls.length === 1);
    expect(h.isReceiving()).toBe(true);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 1900);
    expect(h.isReceiving()).toBe(true);
    vi.setSystemTime(Date.now() + 200);
    expect(h.isReceiving()).toBe(false);
    expect(stateOf(h)).toBe('open');
    vi.useRealTimers();
  });

  it('close() takes effect at once, is idempotent, the server sees the connection closed, done resolves', async () => {
    const { s, m } = await setup();
    const r = record();
    const h = track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.02 }));
    await until(() => r.calls.length === 1);
    h.close();
    expect(h.isAlive()).toBe(false);
    expect(h.isReceiving()).toBe(false);
    expect(stateOf(h)).toBe('closed');
    h.close();
    await h.done;
    await until(() => s.conns[0]!.closed, { what: 'server sees close' });
    await s.write('event: delete\ndata: 1\n\n').catch(() => {});
    await sleep(100);
    expect(r.calls).toEqual([['handleHeartbeat']]);
    expect(s.streamRequests().length).toBe(1);
  });

  it('close() from inside a listener: no later event of the same chunk, no onAbort', async () => {
    const { s, m } = await setup();
    let h!: StreamHandle;
    const r = record(undefined, { onUpdate: () => h.close() });
    h = track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true }));
    await until(() => r.calls.length === 1);
    await s.write('event: update\ndata: {"id":"1"}\n\nevent: delete\ndata: 2\n\n:thump\n\nevent: update\ndata: {"id":"3"}\n\n');
    await h.done;
    await sleep(50);
    expect(r.calls).toEqual([['handleHeartbeat'], ['onUpdate', { id: '1' }]]);
    expect(h.isAlive()).toBe(false);
    await until(() => s.conns[0]!.closed, { what: 'server sees close' });
  });

  it('close() while connecting and while waiting', async () => {
    const { s, m } = await setup();
    s.failNext(1, 'hang');
    const h1 = track(m.streamUser({}, { runAsync: true }));
    await until(() => s.streamRequests().length === 1);
    expect(stateOf(h1)).toBe('connecting');
    h1.close();
    await h1.done;
    s.failNext(1, { status: 503, body: '' });
    const r = record();
    const h2 = track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 10 }));
    await until(() => stateOf(h2) === 'waiting');
    h2.close();
    await h2.done;
    expect(stateOf(h2)).toBe('closed');
    await sleep(50);
    expect(s.streamRequests().length).toBe(2);
  });

  it('signal abort = close (async)', async () => {
    const { s, m } = await setup();
    const ac = new AbortController();
    const h = track(m.streamUser({}, { runAsync: true, reconnectAsync: true, signal: ac.signal }));
    await s.waitForConns(1);
    ac.abort();
    expect(h.isAlive()).toBe(false);
    await h.done;
    await until(() => s.conns[0]!.closed);
  });

  it('signal abort resolves a blocking stream; an already aborted signal makes no request', async () => {
    const { s, m } = await setup();
    const ac = new AbortController();
    const r = record();
    const p = m.streamUser(r.listener, { signal: ac.signal });
    await until(() => r.calls.length === 1);
    ac.abort();
    await expect(p).resolves.toBeUndefined();
    await until(() => s.conns[0]!.closed);
    expect(r.calls).toEqual([['handleHeartbeat']]);
    await expect(m.streamUser({}, { signal: AbortSignal.abort() })).resolves.toBeUndefined();
    await sleep(30);
    expect(s.streamRequests().length).toBe(1);
  });
});

describe('reconnect', () => {
  it('after a drop mid-event: no partial event, then the next connection delivers', async () => {
    const { s, m } = await setup();
    const r = record();
    track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.02 }));
    await until(() => r.calls.length === 1);
    await s.write('event: update\ndata: {"id":"1"');
    await sleep(30);
    s.drop();
    await s.waitForConns(2);
    await until(() => r.calls.length === 3);
    await s.write('event: update\ndata: {"id":"2"}\n\n');
    await until(() => r.calls.length === 4);
    expect(r.calls.map((c) => (c[0] === 'onAbort' ? ['onAbort', (c[1] as Error).message] : c))).toEqual([
      ['handleHeartbeat'],
      ['onAbort', 'Connection to /api/v1/streaming/user lost'],
      ['handleHeartbeat'],
      ['onUpdate', { id: '2' }],
    ]);
  });

  it('after a clean end: async reconnects', async () => {
    const { s, m } = await setup();
    const r = record();
    track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.02 }));
    await until(() => r.calls.length === 1);
    s.end();
    await s.waitForConns(2);
    await until(() => r.calls.length === 3);
    expect(r.calls.map((c) => (c[0] === 'onAbort' ? ['onAbort', (c[1] as Error).message] : c))).toEqual([
      ['handleHeartbeat'],
      ['onAbort', 'The server ended the stream'],
      ['handleHeartbeat'],
    ]);
  });

  it('after a clean end then 401 (session killed): stops', async () => {
    const { s, m } = await setup();
    const r = record();
    const h = track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.02 }));
    await until(() => r.calls.length === 1);
    s.failNext(5, { status: 401, body: '{"error":"Invalid access token"}' });
    s.end();
    await h.done;
    await sleep(100);
    expect(r.names()).toEqual(['handleHeartbeat', 'onAbort', 'onAbort']);
    expect((r.aborts()[1] as MastodonNetworkError).status).toBe(401);
    expect(s.streamRequests().length).toBe(2);
  });

  it('after a clean end: blocking resolves, no onAbort', async () => {
    const { s, m } = await setup();
    const r = record();
    const p = m.streamUser(r.listener);
    await until(() => r.calls.length === 1);
    s.end();
    await expect(p).resolves.toBeUndefined();
    expect(r.calls).toEqual([['handleHeartbeat']]);
  });

  it('a drop in blocking mode rejects with the network error', async () => {
    const { s, m } = await setup();
    const r = record();
    const p = m.streamUser(r.listener);
    await until(() => r.calls.length === 1);
    s.drop();
    const err = (await p.catch((e: unknown) => e)) as MastodonNetworkError;
    expect(err).toBeInstanceOf(MastodonNetworkError);
    expect(err.message).toBe('Connection to /api/v1/streaming/user lost');
    expect(r.calls).toEqual([['handleHeartbeat'], ['onAbort', err]]);
  });

  it('5xx in a row: waits grow 0.05–0.1, 0.1–0.2, 0.2–0.4, 0.4–0.8 s', async () => {
    const { s, m } = await setup();
    s.failNext(4, { status: 503, body: '' });
    const r = record();
    track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.1 }));
    await s.waitForConns(1, 5000);
    const t = s.streamRequests().map((q) => q.time);
    expect(t.length).toBe(5);
    const gaps = t.slice(1).map((x, i) => x - t[i]!);
    const bounds = [[50, 100], [100, 200], [200, 400], [400, 800]] as const;
    gaps.forEach((g, i) => {
      expect(g).toBeGreaterThanOrEqual(bounds[i]![0] - 5);
      expect(g).toBeLessThanOrEqual(bounds[i]![1] + 80);
    });
  }, 10_000);

  it('never after 401', async () => {
    const { s, m } = await setup();
    s.failNext(3, { status: 401, body: '{"error":"Invalid access token"}' });
    const h = track(m.streamUser({}, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.01 }));
    await h.done;
    await sleep(200);
    expect(s.streamRequests().length).toBe(1);
  });

  it('back-off resets after a healthy connection', async () => {
    const { s, m } = await setup();
    s.failNext(3, { status: 503, body: '' });
    const r = record();
    track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.1 }));
    await s.waitForConns(1, 3000); // after waits of 0.05–0.1, 0.1–0.2, 0.2–0.4 s
    await sleep(150); // healthy: up longer than the base wait
    s.failNext(1, { status: 503, body: '' });
    s.drop();
    await s.waitForConns(2, 3000);
    const t = s.streamRequests().map((q) => q.time);
    expect(t.length).toBe(6);
    // The reconnect after the healthy connection is immediate; the 503 that follows waits
    // like a first failure (0.05–0.1 s), not like a fourth (0.4–0.8 s).
    expect(t[5]! - t[4]!).toBeGreaterThanOrEqual(45);
    expect(t[5]! - t[4]!).toBeLessThan(200);
  }, 10_000);

  it('a server that accepts and drops at once causes no tight loop', async () => {
    const { s, m } = await setup({ onStream: (c) => c.res.socket?.destroy() });
    track(m.streamUser({}, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.05 }));
    await sleep(1000);
    // 25–50, 50–100, 100–200, 200–400 ms …: at most about 6 attempts in a second.
    expect(s.streamRequests().length).toBeGreaterThanOrEqual(3);
    expect(s.streamRequests().length).toBeLessThanOrEqual(7);
  });

  it('a server that accepts and ends cleanly at once causes no tight loop', async () => {
    const { s, m } = await setup({ onStream: (c) => c.res.end() });
    track(m.streamUser({}, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.05 }));
    await sleep(1000);
    expect(s.streamRequests().length).toBeGreaterThanOrEqual(3);
    expect(s.streamRequests().length).toBeLessThanOrEqual(7);
  });
});

describe('read timeout', () => {
  it('a stalled server trips timeoutSec: MastodonReadTimeout to onAbort, then a reconnect', async () => {
    const { s, m } = await setup();
    const r = record();
    const start = Date.now();
    track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.05, timeoutSec: 0.3 }));
    await until(() => r.aborts().length === 1);
    const elapsed = Date.now() - start;
    const err = r.aborts()[0]!;
    expect(err).toBeInstanceOf(MastodonReadTimeout);
    expect(err.name).toBe('MastodonReadTimeout');
    expect(err.message).toBe('Nothing received for 0.3 s');
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1000);
    await s.waitForConns(2);
    await until(() => s.conns[0]!.closed);
  });

  it('heartbeats keep it alive', async () => {
    const { s, m } = await setup({ heartbeatMs: 50 });
    const r = record();
    const h = track(m.streamUser(r.listener, { runAsync: true, timeoutSec: 0.3 }));
    await sleep(700);
    expect(r.aborts()).toEqual([]);
    expect(h.isReceiving()).toBe(true);
    expect(s.streamRequests().length).toBe(1);
  });

  it('blocking mode rejects with MastodonReadTimeout', async () => {
    const { m } = await setup();
    const r = record();
    const err = await m.streamUser(r.listener, { timeoutSec: 0.2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MastodonReadTimeout);
    expect(r.calls).toEqual([['handleHeartbeat'], ['onAbort', err]]);
  });

  it('no answer within requestTimeoutSec is a network error', async () => {
    const s = await startServer();
    servers.push(s);
    s.failNext(1, 'hang');
    const m = new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN, streamingBaseUrl: s.url, requestTimeoutSec: 0.2 });
    const err = (await m.streamUser({}, { timeoutSec: 5 }).catch((e: unknown) => e)) as MastodonNetworkError;
    expect(err).toBeInstanceOf(MastodonNetworkError);
    expect(err).not.toBeInstanceOf(MastodonReadTimeout);
    expect(err.message).toBe('No answer within 0.2 s');
  });
});
