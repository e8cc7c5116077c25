/**
 * Request storms a server (or a careless option) could cause, measured as what the server sees:
 * requests per second under each storm, in real time with upper bounds (a loaded machine only
 * lowers them), and the exact waits in virtual time (test/kit/clock.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import { Mastodon } from '../../src/index.js';
import { clock as platformClock } from '../../src/platform.js';
import { FakeClock, record, sleep, until, useCleanup } from '../kit/index.js';
import { acceptAndDrop, hostileServer, retryAfter, sse } from '../kit/hostile-server.js';

const { keep, defer } = useCleanup();
const TOKEN = 'storm-token';
const client = (url: string) => new Mastodon({ apiBaseUrl: url, streamingBaseUrl: url, accessToken: TOKEN });

/** Most requests the server saw within any `ms` window. */
const peak = (times: number[], ms: number): number => Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + ms).length));

describe('Retry-After that would overflow a timer', () => {
  for (const [label, value] of [
    ['2,147,484 s (past 2^31−1 ms)', '2147484'],
    ['a far-future HTTP date', 'Fri, 31 Dec 9999 23:59:59 GMT'],
    ['more digits than a number holds', '9'.repeat(400)],
  ] as const) {
    it(`${label}: one request, then quiet (real time, 1.5 s)`, async () => {
      const s = keep(await hostileServer((_req, res) => retryAfter(res, 503, value)));
      keep(client(s.url).streamUser({}, { runAsync: true, reconnectAsync: true }));
      await until(() => s.count() >= 1, { what: 'the first request' });
      await sleep(1500);
      // c136974: the wait overflowed setTimeout (fired after 1 ms): about 500 requests a second.
      expect(s.count()).toBe(1);
    });
  }

  it('the next attempt comes exactly reconnectAsyncMaxWaitSec later (virtual time)', async () => {
    const clock = keep(new FakeClock().install());
    const attempts: number[] = [];
    const t0 = clock.now();
    const m = new Mastodon({
      apiBaseUrl: 'https://mastodon.example',
      streamingBaseUrl: 'https://mastodon.example',
      accessToken: TOKEN,
      fetch: async () => {
        attempts.push(clock.now() - t0);
        return new Response('{"error":"Slow down"}', { status: 429, headers: { 'retry-after': 'Fri, 31 Dec 9999 23:59:59 GMT' } });
      },
    });
    keep(m.streamUser({}, { runAsync: true, reconnectAsync: true, reconnectAsyncMaxWaitSec: 120 }));
    await clock.until(() => attempts.length >= 3, { stepMs: 1000, maxMs: 400_000 });
    expect(attempts).toEqual([0, 120_000, 240_000]);
  });
});

describe('a base wait of 0 (or tiny) waits at least 0.1 s after a failure', () => {
  it('503 at once: at most 10 requests in any second (real time)', async () => {
    const s = keep(await hostileServer((_req, res) => void res.writeHead(503).end()));
    keep(client(s.url).streamUser({}, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0 }));
    await until(() => s.count() >= 3, { what: 'three requests' });
    await sleep(1200);
    const times = s.requests.map((r) => r.time);
    // c136974: about 2,000 requests a second.
    expect(peak(times, 1000)).toBeLessThanOrEqual(11);
  });

  it('accept and drop at once: at most 10 connections in any second (real time)', async () => {
    const s = keep(await hostileServer((_req, res) => acceptAndDrop(res)));
    keep(client(s.url).streamUser({}, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0, reconnectAsyncMaxWaitSec: 0 }));
    await until(() => s.count() >= 3, { what: 'three connections' });
    await sleep(1200);
    expect(peak(s.requests.map((r) => r.time), 1000)).toBeLessThanOrEqual(11);
  });

  it('the waits are exactly 0.1 s with reconnectAsyncWaitSec: 0 and reconnectAsyncMaxWaitSec: 0 (virtual time)', async () => {
    const clock = keep(new FakeClock().install());
    const attempts: number[] = [];
    const t0 = clock.now();
    const m = new Mastodon({
      apiBaseUrl: 'https://mastodon.example',
      streamingBaseUrl: 'https://mastodon.example',
      fetch: async () => {
        attempts.push(clock.now() - t0);
        throw new TypeError('fetch failed');
      },
    });
    keep(m.streamUser({}, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0, reconnectAsyncMaxWaitSec: 0 }));
    await clock.until(() => attempts.length >= 5, { stepMs: 10, maxMs: 10_000 });
    expect(attempts.slice(0, 5)).toEqual([0, 100, 200, 300, 400]);
  });
});

describe('a huge timeoutSec does not spin timers', () => {
  it('timeoutSec: 1e7 on a quiet stream: a handful of timers in a second, none longer than 2^31−1 ms', async () => {
    const set = vi.spyOn(platformClock, 'set');
    defer(() => set.mockRestore());
    const s = keep(await hostileServer((_req, res) => sse(res)));
    const r = record();
    const h = keep(client(s.url).streamUser(r.listener, { runAsync: true, timeoutSec: 1e7 }));
    await until(() => r.calls.length >= 1, { what: 'the greeting' });
    await sleep(1000);
    // c136974: 1e10 ms overflowed setTimeout, so the timer fired every millisecond (≈ 800 a second).
    expect(set.mock.calls.length).toBeLessThanOrEqual(3);
    for (const [, ms] of set.mock.calls) expect(ms).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(h.isReceiving()).toBe(true);
    expect(s.count()).toBe(1);
  });
});

describe('Content-Type', () => {
  for (const type of ['TEXT/EVENT-STREAM; charset=utf-8', 'text/event-stream;charset=UTF-8', 'Text/Event-Stream ; q=1']) {
    it(`"${type}" is an event stream (case-insensitive, parameters ignored)`, async () => {
      const s = keep(await hostileServer((_req, res) => sse(res, 'event: delete\ndata: 42\n\n', type)));
      const r = record();
      keep(client(s.url).streamUser(r.listener, { runAsync: true, reconnectAsync: true }));
      await until(() => r.calls.length >= 2, { what: 'the greeting and the delete' });
      // c136974: refused as "not an event stream" and retried forever.
      expect(r.calls).toEqual([['handleHeartbeat'], ['onDelete', '42']]);
      expect(s.count()).toBe(1);
    });
  }

  it('"text/event-streams" and "text/html" are not', async () => {
    for (const type of ['text/event-streams', 'text/html; a=text/event-stream']) {
      const s = keep(await hostileServer((_req, res) => sse(res, '', type)));
      const err = (await client(s.url)
        .streamUser({})
        .catch((e: unknown) => e)) as Error;
      expect(err.message).toBe(`/api/v1/streaming/user answered ${type}, not an event stream`);
    }
  });
});
