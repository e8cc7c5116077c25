/**
 * The handle: error statuses in both modes, states, close(), signal, reconnect and back-off,
 * the read timeout.
 */
import { describe, expect, it } from 'vitest';
import {
  Mastodon,
  MastodonNetworkError,
  MastodonReadTimeout,
  type StreamHandle,
} from '../../src/index.js';
import type { Stream } from '../../src/handle.js';
import { FakeClock, record, sleep, until, useWireServer, type ServerOptions, type TestServer } from '../kit/index.js';

const TOKEN = 'test-token';
const wire = useWireServer();
async function setup(opts: ServerOptions = {}): Promise<{ s: TestServer; m: Mastodon }> {
  const s = await wire.start(opts);
  return { s, m: new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN, streamingBaseUrl: s.url }) };
}
/** Closes the handle after the test. */
const track = <H extends StreamHandle>(h: H): H => wire.keep(h);
/**
 * The library's time is virtual for this test (FakeClock, undone after it): waits and timeouts
 * are exact and happen only when the test advances the clock, so "nothing more happens" is
 * proven by `pending() === 0` instead of a quiet real-time window.
 */
const virtualTime = (): FakeClock => wire.keep(new FakeClock().install());
const stateOf = (h: StreamHandle) => (h as Stream)._state();

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
    it(`${status} is fatal: one attempt, onAbort once, isAlive false, done resolves, nothing scheduled`, async () => {
      const clock = virtualTime();
      const { s, m } = await setup();
      s.failNext(3, { status, body: JSON.stringify({ error: body }) });
      const r = record();
      const h = track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.02 }));
      await h.done;
      expect(h.isAlive()).toBe(false);
      expect(h.isReceiving()).toBe(false);
      expect(clock.pending()).toBe(0);
      await clock.advance(3_600_000);
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
    const clock = virtualTime();
    const { s, m } = await setup();
    const r = record();
    const h = track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 2, timeoutSec: 5 }));
    expect(stateOf(h)).toBe('connecting');
    expect(h.isAlive()).toBe(true);
    expect(h.isReceiving()).toBe(false);
    await until(() => r.calls.length === 1);
    expect(stateOf(h)).toBe('open');
    expect(h.isReceiving()).toBe(true);
    await clock.advance(2000); // up for the base wait: a healthy connection
    s.failNext(1, { status: 503, body: '' });
    s.drop();
    // The reconnect is immediate (no virtual time passes), meets 503, then waits 2 × 0.75 s.
    await until(() => stateOf(h) === 'waiting', { what: 'waiting' });
    expect(h.isReceiving()).toBe(false);
    expect(h.isAlive()).toBe(true);
    expect(s.streamRequests().length).toBe(2);
    expect(clock.delays()).toEqual([1500]);
    await clock.advance(1499);
    expect(s.streamRequests().length).toBe(2);
    await clock.advance(1);
    await until(() => stateOf(h) === 'open', { what: 'open again' });
    expect(s.streamRequests().length).toBe(3);
    expect(h.isReceiving()).toBe(true);
    expect(r.names()).toEqual(['handleHeartbeat', 'onAbort', 'onAbort', 'handleHeartbeat']);
    expect(r.aborts().map((e) => [e.constructor.name, e.message, (e as MastodonNetworkError).status])).toEqual([
      ['MastodonNetworkError', 'Connection to /api/v1/streaming/user lost', undefined],
      ['MastodonNetworkError', '/api/v1/streaming/user answered 503', 503],
    ]);
  });

  it('isReceiving is false while stalled past timeoutSec (clock moved on, timer not yet fired)', async () => {
    const clock = virtualTime();
    const { m } = await setup();
    const r = record();
    const h = track(m.streamUser(r.listener, { runAsync: true, timeoutSec: 2 }));
    await until(() => r.calls.length === 1);
    expect(h.isReceiving()).toBe(true);
    clock.jump(1999);
    expect(h.isReceiving()).toBe(true);
    clock.jump(1);
    expect(h.isReceiving()).toBe(false);
    expect(stateOf(h)).toBe('open');
  });

  it('close() takes effect at once, is idempotent, the server sees the connection closed, done resolves', async () => {
    const clock = virtualTime();
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
    expect(r.calls).toEqual([['handleHeartbeat']]);
    // Nothing is scheduled: no reconnect can ever come.
    expect(clock.pending()).toBe(0);
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
    // The chunk was fed to the parser in one go: a later event of it would have been
    // dispatched before done resolved; and the connection is gone, so nothing else can come.
    await until(() => s.conns[0]!.closed, { what: 'server sees close' });
    expect(r.calls).toEqual([['handleHeartbeat'], ['onUpdate', { id: '1' }]]);
    expect(h.isAlive()).toBe(false);
  });

  it('close() while connecting and while waiting', async () => {
    const clock = virtualTime();
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
    expect(clock.pending()).toBe(0);
    await clock.advance(60_000);
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
    let fetches = 0;
    const counting = new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN, streamingBaseUrl: s.url, fetch: (i, o) => (fetches++, fetch(i, o)) });
    await expect(counting.streamUser({}, { signal: AbortSignal.abort() })).resolves.toBeUndefined();
    expect(fetches).toBe(0);
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
    await sleep(30); // let the client read the partial event (if it has not, the test proves less, never fails)
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
    const clock = virtualTime();
    const { s, m } = await setup();
    const r = record();
    const h = track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.02 }));
    await until(() => r.calls.length === 1);
    s.failNext(5, { status: 401, body: '{"error":"Invalid access token"}' });
    s.end();
    // The clean end of a connection that was up for no time is a failure: one back-off wait.
    await until(() => stateOf(h) === 'waiting');
    await clock.next();
    await h.done;
    expect(clock.pending()).toBe(0);
    await clock.advance(3_600_000);
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

  /**
   * Each wait the handle makes, in virtual time: it is `waiting` with exactly one timer pending
   * (the back-off); that timer's delay is recorded and the clock moved to it.
   */
  async function waits(clock: FakeClock, s: TestServer, h: StreamHandle, n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const requests = s.streamRequests().length;
      await until(() => stateOf(h) === 'waiting' && clock.pending() === 1, { what: `wait ${i + 1}` });
      out.push(...clock.delays());
      await clock.next();
      await until(() => s.streamRequests().length === requests + 1, { what: `attempt ${i + 2}` });
    }
    return out;
  }

  it('5xx in a row: waits of exactly base × 2^(n−1) × (0.5 + random/2), capped', async () => {
    const clock = virtualTime();
    const { s, m } = await setup();
    s.failNext(5, { status: 503, body: '' });
    const h = track(m.streamUser({}, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.5, reconnectAsyncMaxWaitSec: 4 }));
    await until(() => s.streamRequests().length === 1);
    // random() = 0.5: factor 0.75 — 0.5, 1, 2, 4, 4 (the cap) seconds × 0.75.
    expect(await waits(clock, s, h, 5)).toEqual([375, 750, 1500, 3000, 3000]);
    await s.waitForConns(1);
    expect(s.streamRequests()).toHaveLength(6);
  });

  it('5xx in a row: the random factor spans [0.5, 1) of the wait', async () => {
    const clock = virtualTime();
    const { s, m } = await setup();
    s.failNext(2, { status: 503, body: '' });
    clock.rand = 0;
    const h = track(m.streamUser({}, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 2 }));
    await until(() => s.streamRequests().length === 1);
    await until(() => stateOf(h) === 'waiting' && clock.pending() === 1);
    const low = clock.delays();
    clock.rand = 0.5; // before the second attempt fails
    await clock.next();
    await until(() => s.streamRequests().length === 2 && stateOf(h) === 'waiting' && clock.pending() === 1);
    // 2 s × 0.5, then 4 s × 0.75.
    expect([...low, ...clock.delays()]).toEqual([1000, 3000]);
  });

  it('never after 401', async () => {
    const clock = virtualTime();
    const { s, m } = await setup();
    s.failNext(3, { status: 401, body: '{"error":"Invalid access token"}' });
    const h = track(m.streamUser({}, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.01 }));
    await h.done;
    expect(clock.pending()).toBe(0);
    await clock.advance(3_600_000);
    expect(s.streamRequests().length).toBe(1);
  });

  it('back-off resets after a healthy connection', async () => {
    const clock = virtualTime();
    const { s, m } = await setup();
    s.failNext(3, { status: 503, body: '' });
    const r = record();
    const h = track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 2, reconnectAsyncMaxWaitSec: 60 }));
    await until(() => s.streamRequests().length === 1);
    expect(await waits(clock, s, h, 3)).toEqual([1500, 3000, 6000]);
    await s.waitForConns(1);
    await until(() => stateOf(h) === 'open');
    await clock.advance(2000); // up for the base wait: healthy
    s.failNext(1, { status: 503, body: '' });
    s.drop();
    // The reconnect after the healthy connection is immediate (no virtual time passes); the 503
    // that follows waits like a first failure (1.5 s), not like a fourth (12 s).
    await until(() => s.streamRequests().length === 5);
    expect(await waits(clock, s, h, 1)).toEqual([1500]);
    await s.waitForConns(2);
    expect(s.streamRequests()).toHaveLength(6);
  });

  it('a connection up for less than the base wait counts as a failure', async () => {
    const clock = virtualTime();
    const { s, m } = await setup();
    const h = track(m.streamUser({}, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 2, reconnectAsyncMaxWaitSec: 60 }));
    await s.waitForConns(1);
    await clock.advance(1999);
    s.drop();
    expect(await waits(clock, s, h, 1)).toEqual([1500]);
  });

  for (const [what, onStream] of [
    ['accepts and drops at once', (c: { res: { socket: { destroy(): void } | null } }) => c.res.socket?.destroy()],
    ['accepts and ends cleanly at once', (c: { res: { end(): void } }) => c.res.end()],
  ] as const) {
    it(`a server that ${what} causes no tight loop: every attempt waits its back-off`, async () => {
      const clock = virtualTime();
      const { s, m } = await setup({ onStream: onStream as ServerOptions['onStream'] });
      const h = track(m.streamUser({}, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.5, reconnectAsyncMaxWaitSec: 4 }));
      await until(() => s.streamRequests().length === 1);
      expect(await waits(clock, s, h, 5)).toEqual([375, 750, 1500, 3000, 3000]);
    });
  }
});

describe('read timeout', () => {
  it('a stalled server trips timeoutSec exactly: MastodonReadTimeout to onAbort, then a reconnect', async () => {
    const clock = virtualTime();
    const { s, m } = await setup();
    const r = record();
    track(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.05, timeoutSec: 3 }));
    await until(() => r.calls.length === 1);
    await clock.advance(2999);
    expect(r.aborts()).toEqual([]);
    await clock.advance(1);
    await until(() => r.aborts().length === 1);
    const err = r.aborts()[0]!;
    expect(err).toBeInstanceOf(MastodonReadTimeout);
    expect(err.name).toBe('MastodonReadTimeout');
    expect(err.message).toBe('Nothing received for 3 s');
    await until(() => s.conns[0]!.closed);
    await clock.next(); // the back-off wait
    await s.waitForConns(2);
  });

  it('bytes keep it alive: the timeout counts from the last byte read', async () => {
    const clock = virtualTime();
    const { s, m } = await setup();
    const r = record();
    const h = track(m.streamUser(r.listener, { runAsync: true, timeoutSec: 3 }));
    await until(() => r.calls.length === 1);
    // A heartbeat every 2 s of virtual time, for 20 s: never 3 s without a byte.
    for (let i = 1; i <= 10; i++) {
      await clock.advance(2000);
      await s.write(':thump\n\n');
      await until(() => r.calls.length === 1 + i, { what: `heartbeat ${i}` });
    }
    expect(r.aborts()).toEqual([]);
    expect(h.isReceiving()).toBe(true);
    // Then silence: the timeout comes exactly 3 s after the last heartbeat.
    await clock.advance(2999);
    expect(r.aborts()).toEqual([]);
    await clock.advance(1);
    await until(() => r.aborts().length === 1);
    expect(r.aborts()[0]).toBeInstanceOf(MastodonReadTimeout);
    expect(s.streamRequests().length).toBe(1);
  });

  it('blocking mode rejects with MastodonReadTimeout', async () => {
    const clock = virtualTime();
    const { m } = await setup();
    const r = record();
    const p = m.streamUser(r.listener, { timeoutSec: 0.2 }).catch((e: unknown) => e);
    await until(() => r.calls.length === 1);
    await clock.advance(200);
    const err = await p;
    expect(err).toBeInstanceOf(MastodonReadTimeout);
    expect(r.calls).toEqual([['handleHeartbeat'], ['onAbort', err]]);
  });

  it('no answer within requestTimeoutSec is a network error', async () => {
    const clock = virtualTime();
    const s = await wire.start();
    s.failNext(1, 'hang');
    const m = new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN, streamingBaseUrl: s.url, requestTimeoutSec: 0.2 });
    const p = m.streamUser({}, { timeoutSec: 5 }).catch((e: unknown) => e);
    await until(() => s.streamRequests().length === 1);
    await clock.advance(200);
    const err = (await p) as MastodonNetworkError;
    expect(err).toBeInstanceOf(MastodonNetworkError);
    expect(err).not.toBeInstanceOf(MastodonReadTimeout);
    expect(err.message).toBe('No answer within 0.2 s');
  });
});

