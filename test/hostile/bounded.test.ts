/**
 * Every request besides a stream's own — streamHealthy(), discovery, the WebSocket probe after a
 * refused upgrade — and the body of a refused stream are bounded: in time (requestTimeoutSec,
 * or timeoutSec for a refusal's body, in virtual time: exact), in bytes (1 MiB of an endless
 * body, the heap stays flat), and discovery is let go when the last stream waiting for it
 * closes.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Mastodon, MastodonNetworkError } from '../../src/index.js';
import { FakeClock, record, until, useCleanup } from '../kit/index.js';
import { answer, endless, hostileServer, sse, stalled } from '../kit/hostile-server.js';
import { StandardLikeWebSocket } from '../kit/standard-websocket.js';

const { keep, defer } = useCleanup();
const TOKEN = 'bounded-secret';
const MiB = 1024 * 1024;

/** Heap and buffers in use now. */
const used = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Samples memory until stopped; returns the peak growth over the start. */
function memoryPeak(): () => number {
  global.gc?.();
  const before = used();
  let peak = before;
  const t = setInterval(() => (peak = Math.max(peak, used())), 5);
  defer(() => clearInterval(t));
  return () => {
    clearInterval(t);
    return Math.max(peak, used()) - before;
  };
}

/** `p`'s outcome, or 'still pending' after `ms` of real time: a bound, so that the code before the fix fails cleanly. */
const within = <T,>(p: Promise<T>, ms = 15_000): Promise<T | 'still pending'> =>
  Promise.race([p, new Promise<'still pending'>((resolve) => setTimeout(() => resolve('still pending'), ms))]);

/** A promise's state, without waiting. */
function watch<T>(p: Promise<T>) {
  const w = { settled: false, value: undefined as T | undefined, error: undefined as unknown };
  p.then(
    (v) => Object.assign(w, { settled: true, value: v }),
    (e: unknown) => Object.assign(w, { settled: true, error: e }),
  );
  return w;
}

describe('streamHealthy()', () => {
  it('an endless 200 body: false once 1 MiB is read; the server could write little, the heap stays flat', async () => {
    const s = keep(await hostileServer((_req, res) => endless(res, 200, Buffer.from('OK'.padEnd(64 * 1024)))));
    const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url });
    const peak = memoryPeak();
    // c136974: res.text() buffered the body for ever (150 MiB in 3 s), and never returned.
    expect(await within(m.streamHealthy())).toBe(false);
    expect(peak()).toBeLessThan(64 * MiB);
    await until(() => s.openSockets() == 0, { what: 'the body let go' });
    expect(s.written()).toBeLessThan(32 * MiB);
  });

  it('a body that stalls: false exactly requestTimeoutSec after the call (virtual time)', async () => {
    const s = keep(await hostileServer((_req, res) => stalled(res, 200, 'O')));
    const clock = keep(new FakeClock().install());
    const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, requestTimeoutSec: 30 });
    const w = watch(m.streamHealthy());
    await until(() => s.written() > 0, { what: 'the first byte' });
    await clock.advance(29_999);
    // c136974: no timeout at all: it never returned.
    expect(w.settled).toBe(false);
    await clock.advance(1);
    await until(() => w.settled, { what: 'the answer' });
    expect(w.value).toBe(false);
    await until(() => s.openSockets() == 0, { what: 'the request let go' });
    expect(clock.pending()).toBe(0);
  });

  it('discovery that stalls: false after requestTimeoutSec in all, and discovery is let go', async () => {
    const s = keep(await hostileServer((_req, res) => stalled(res, 200, '{"configuration":')));
    const clock = keep(new FakeClock().install());
    const m = new Mastodon({ apiBaseUrl: s.url, requestTimeoutSec: 30 });
    const w = watch(m.streamHealthy());
    await until(() => s.count() == 1, { what: 'the discovery request' });
    await clock.advance(29_999);
    expect(w.settled).toBe(false);
    await clock.advance(1);
    await until(() => w.settled, { what: 'the answer' });
    expect(w.value).toBe(false);
    // Nobody else waited for discovery: it was aborted, not left to run (v1 was never asked).
    await until(() => s.openSockets() == 0, { what: 'discovery let go' });
    expect(s.requests.map((r) => r.url)).toEqual(['/api/v2/instance']);
    expect(clock.pending()).toBe(0);
  });
});

describe('discovery', () => {
  it('an endless /api/v2/instance body: 1 MiB read, then /api/v1/instance; the heap stays flat', async () => {
    const s = keep(
      await hostileServer((req, res) => {
        if (req.url == '/api/v2/instance') return endless(res, 200, Buffer.from('{"configuration":'.padEnd(64 * 1024)));
        answer(res, 200, JSON.stringify({ urls: { streaming_api: 'https://streaming.example' } }));
      }),
    );
    const m = new Mastodon({ apiBaseUrl: s.url });
    const peak = memoryPeak();
    // c136974: res.json() buffered the endless body for requestTimeoutSec (300 s).
    expect(await within(m.streamingBase())).toBe('https://streaming.example');
    expect(peak()).toBeLessThan(64 * MiB);
    expect(s.requests.map((r) => r.url)).toEqual(['/api/v2/instance', '/api/v1/instance']);
    expect(s.written()).toBeLessThan(32 * MiB);
  });

  it('a stalled /api/v2/instance: given up after requestTimeoutSec, then /api/v1/instance (virtual time)', async () => {
    const s = keep(
      await hostileServer((req, res) => {
        if (req.url == '/api/v2/instance') return stalled(res, 200, '{"configuration":');
        answer(res, 200, JSON.stringify({ urls: { streaming_api: 'wss://streaming.example' } }));
      }),
    );
    const clock = keep(new FakeClock().install());
    const m = new Mastodon({ apiBaseUrl: s.url, requestTimeoutSec: 20 });
    const w = watch(m.streamingBase());
    await until(() => s.count() == 1, { what: 'the v2 request' });
    await clock.advance(19_999);
    expect(s.count()).toBe(1);
    await clock.advance(1);
    await until(() => w.settled, { what: 'the base' });
    expect(w.value).toBe('https://streaming.example');
    expect(clock.pending()).toBe(0);
  });

  it('close() of the only stream waiting for it aborts discovery', async () => {
    const list: { url?: string; closed: boolean }[] = [];
    const s = keep(
      await hostileServer((req, res) => {
        const r = { url: req.url, closed: false };
        res.on('close', () => (r.closed = true));
        list.push(r);
        stalled(res, 200);
      }),
    );
    const h = keep(new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN }).streamUser({}, { runAsync: true }));
    await until(() => list.length == 1, { what: 'the discovery request' });
    expect(list[0]!.url).toBe('/api/v2/instance');
    h.close();
    // c136974: discovery ran on for requestTimeoutSec (300 s) after close().
    await until(() => list[0]!.closed, { what: 'discovery aborted', timeoutMs: 5_000 });
    expect(s.count()).toBe(1);
  });

  it('one of two streams closing does not abort it: the other gets the discovered base', async () => {
    const stream = keep(await hostileServer((_req, res) => sse(res)));
    let answerNow!: () => void;
    const api = keep(
      await hostileServer(async (req, res) => {
        if (req.url != '/api/v2/instance') return answer(res, 404);
        await new Promise<void>((resolve) => (answerNow = resolve));
        answer(res, 200, JSON.stringify({ configuration: { urls: { streaming: stream.url } } }));
      }),
    );
    const m = new Mastodon({ apiBaseUrl: api.url, accessToken: TOKEN });
    const a = keep(m.streamUser({}, { runAsync: true }));
    const r = record();
    keep(m.streamDirect(r.listener, { runAsync: true }));
    await until(() => api.count() == 1, { what: 'one discovery request for both' });
    a.close();
    answerNow();
    await until(() => r.calls.length == 1, { what: 'the direct stream’s greeting' });
    expect(r.calls).toEqual([['handleHeartbeat']]);
    expect(api.requests.map((q) => q.url)).toEqual(['/api/v2/instance']);
    expect(stream.requests.map((q) => q.url)).toEqual(['/api/v1/streaming/direct']);
  });
});

describe('a refused stream whose body stalls', () => {
  for (const [status, fatal] of [
    [503, false],
    [401, true],
  ] as const) {
    it(`${status}: the refusal after timeoutSec, not requestTimeoutSec (virtual time)`, async () => {
      const s = keep(await hostileServer((_req, res) => stalled(res, status, '{"error":"Inval')));
      const clock = keep(new FakeClock().install());
      const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN });
      const w = watch(m.streamUser({}, { timeoutSec: 5 }));
      await until(() => s.written() > 0, { what: 'the head of the body' });
      await clock.advance(4_999);
      expect(w.settled).toBe(false);
      await clock.advance(1);
      // c136974: held for requestTimeoutSec (300 s), then "No answer within 300 s" (retryable, even for a 401).
      await until(() => w.settled, { what: 'the refusal' });
      const e = w.error as MastodonNetworkError;
      expect([e.constructor, e.message, e.status, e.fatal]).toEqual([MastodonNetworkError, `/api/v1/streaming/user answered ${status}`, status, fatal]);
      await until(() => s.openSockets() == 0, { what: 'the body let go' });
      expect(clock.pending()).toBe(0);
    });
  }

  it('a 401 whose body stalls ends a reconnecting handle (fatal), after timeoutSec', async () => {
    const s = keep(await hostileServer((_req, res) => stalled(res, 401, '{"error":"Inval')));
    const clock = keep(new FakeClock().install());
    const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN });
    const r = record();
    const h = keep(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, timeoutSec: 5 }));
    await until(() => s.written() > 0, { what: 'the head of the body' });
    await clock.advance(5_000);
    await until(() => !h.isAlive(), { what: 'the handle ended' });
    expect(r.aborts().map((e) => [e.message, (e as MastodonNetworkError).status])).toEqual([['/api/v1/streaming/user answered 401', 401]]);
    expect(s.count()).toBe(1);
  });
});

describe('the WebSocket probe after a refused upgrade', () => {
  it('an endless 401 body: the fatal refusal, a few KiB read', async () => {
    const s = keep(await hostileServer((_req, res) => endless(res, 401)));
    // (The hostile server answers no upgrade: a standard WebSocket sees 1006, and probes.)
    const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN, transport: 'websocket', WebSocket: StandardLikeWebSocket });
    const r = record();
    const peak = memoryPeak();
    const h = keep(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true }));
    expect(await within(h.done)).toBeUndefined();
    expect(peak()).toBeLessThan(64 * MiB);
    const e = r.aborts()[0] as MastodonNetworkError;
    expect([r.aborts().length, e.message, e.status, e.fatal]).toEqual([1, '/api/v1/streaming/user answered 401', 401, true]);
    expect(s.requests.map((q) => [q.url, q.headers.upgrade])).toEqual([
      ['/api/v1/streaming', 'websocket'],
      ['/api/v1/streaming/user', undefined],
    ]);
    await until(() => s.openSockets() == 0, { what: 'the body let go' });
    expect(s.written()).toBeLessThan(32 * MiB);
  });

  it('with the ws class (which shows the refused upgrade itself): no probe at all', async () => {
    const s = keep(await hostileServer((_req, res) => endless(res, 401)));
    const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN, transport: 'websocket', WebSocket });
    const r = record();
    const h = keep(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true }));
    expect(await within(h.done)).toBeUndefined();
    expect(r.aborts().map((e) => [e.message, (e as MastodonNetworkError).fatal])).toEqual([['/api/v1/streaming answered 401', true]]);
    expect(s.count()).toBe(1);
  });
});
