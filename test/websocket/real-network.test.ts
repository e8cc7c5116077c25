// The WebSocket transport on a real network: latency (test/kit/latency-proxy.ts between the
// library and the fake Mastodon), a refusing server, a dead peer, a quiet stream, close().
// Issue 12, "Tests that prove it".
import { afterEach, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { FakeClock, record, sleep, until, useFakeMastodon, type FakeMastodon } from '../kit/index.js';
import { latencyProxy, type LatencyProxy } from '../kit/latency-proxy.js';
import { Mastodon, MastodonNetworkError, type MastodonOptions } from '../../src/index.js';
import { clock as platformClock } from '../../src/platform.js';
import { StandardLikeWebSocket } from '../kit/standard-websocket.js';

const { start, keep, defer } = useFakeMastodon();


const portOf = (url: string) => Number(new URL(url).port);
const viaProxy = async (f: FakeMastodon, rttMs: number, jitterMs = 0): Promise<LatencyProxy> =>
  keep(await latencyProxy(portOf(f.streamingUrl), { rttMs, jitterMs }));
const client = (f: FakeMastodon, url: string, o: Partial<MastodonOptions> = {}) =>
  new Mastodon({ apiBaseUrl: url, streamingBaseUrl: url, accessToken: f.token, transport: 'websocket', WebSocket, ...o } as MastodonOptions);
const upgrades = (f: FakeMastodon) => f.requests.filter((r) => r.kind === 'ws');

/** The kit's recorder, for updates and aborts; `brief()` reads `['update', id]`, `['abort', error]`. */
const recorder = () => record(['onUpdate', 'onAbort']);

const saved = { ...platformClock };
afterEach(() => void Object.assign(platformClock, saved));

describe('WebSocket on a real network', () => {
  for (const rtt of [0, 300, 800]) {
    test(`a refused list among 40 streams at ${rtt} ms round trip: exactly the list's handle fails, the other 39 receive`, { timeout: 60_000 }, async () => {
      // The list is refused after a database lookup (20 ms), as Mastodon does.
      const f = await start({ wsSubscribeErrorDelayMs: 20 });
      const proxy = await viaProxy(f, rtt, rtt ? 100 : 0);
      const m = client(f, proxy.url);
      const o = { runAsync: true as const, reconnectAsync: true, reconnectAsyncWaitSec: 1, timeoutSec: 30 };
      const tags = Array.from({ length: 36 }, (_, i) => 'tag' + i);
      const recs = Array.from({ length: 40 }, () => recorder());
      const handles = [
        m.streamUser(recs[0]!.listener, o),
        ...tags.map((t, i) => m.streamHashtag(t, recs[i + 1]!.listener, o)),
        m.streamList('12', recs[37]!.listener, o),
        m.streamList('99', recs[38]!.listener, o),
        m.streamList('13', recs[39]!.listener, o),
      ].map(keep);
      const refused = handles[38]!;
      await refused.done;
      const [[kind, err]] = recs[38]!.brief() as [[string, MastodonNetworkError]];
      expect(kind).toBe('abort');
      expect(err).toBeInstanceOf(MastodonNetworkError);
      expect([err.message, err.status, err.fatal]).toEqual(['Subscribe to list 99 answered 401: Not authorized to stream this list', 401, true]);
      const healthy = handles.filter((h) => h !== refused);
      await until(() => healthy.every((h) => h.isReceiving()), { timeoutMs: 30_000, what: 'the 39 receiving' });
      const s = f.postStatus({ tags, lists: ['12', '13'] });
      await until(() => recs.every((r, i) => i == 38 || r.brief().length == 1), { timeoutMs: 30_000, what: 'the 39 events' }).catch((e: Error) => {
        const missing = recs.flatMap((r, i) => (i != 38 && r.brief().length != 1 ? [`${i}: ${JSON.stringify(r.brief())}`] : []));
        throw new Error(e.message + '; missing ' + missing.join(', ') + '; sent ' + JSON.stringify(f.wsMessages.map((x) => x.message)));
      });
      expect(recs.map((r, i) => (i == 38 ? 'refused' : r.brief()))).toEqual(recs.map((_, i) => (i == 38 ? 'refused' : [['update', s.id]])));
      expect(healthy.every((h) => h.isAlive())).toBe(true);
      expect(upgrades(f)).toHaveLength(1);
    });
  }

  test('20 handles on a server that refuses every upgrade make no more attempts than one', { timeout: 60_000 }, async () => {
    // Virtual time (the same random factor for both runs): the back-off schedule is exact, and
    // each refusal is awaited in real time before the clock moves on, however loaded the machine.
    const attempts = async (handles: number): Promise<number[]> => {
      const clock = new FakeClock().install();
      clock.rand = 0.5;
      try {
        const f = await start();
        f.failNext(1e6, 503, { kind: 'ws' });
        const m = client(f, f.streamingUrl);
        const o = { runAsync: true as const, reconnectAsync: true, reconnectAsyncWaitSec: 0.2, reconnectAsyncMaxWaitSec: 0.4, timeoutSec: 10 };
        const hs = Array.from({ length: handles }, (_, i) => keep(m.streamHashtag('t' + i, {}, o)));
        const t0 = clock.now();
        const at: number[] = [];
        // Each refusal is settled when every handle waits again: one back-off timer each (not the
        // attempt's request timeout), all due together.
        const settled = (n: number) =>
          upgrades(f).length === n && clock.pending() === handles && new Set(clock.delays()).size === 1 && clock.delays()[0]! < 10_000;
        for (let n = 1; clock.now() - t0 <= 2500; n++) {
          await until(() => settled(n), { what: `refusal ${n} settled` });
          at.push(clock.now() - t0);
          await clock.next();
        }
        for (const h of hs) h.close();
        return at;
      } finally {
        clock.uninstall();
      }
    };
    const one = await attempts(1);
    const twenty = await attempts(20);
    // Waits of 0.15, 0.3, 0.3, … s (0.2 s × 2^(n-1), capped at 0.4, × 0.75): the same attempts,
    // at the same virtual times, for twenty handles as for one (was ≈ 80 for twenty).
    expect(one).toEqual([0, 150, 450, 750, 1050, 1350, 1650, 1950, 2250, 2550].slice(0, one.length));
    expect(one.length).toBeGreaterThanOrEqual(9);
    expect(twenty).toEqual(one);
  });

  test('a 429 with Retry-After: 2 on the upgrade delays the next upgrade by at least 2 s', { timeout: 30_000 }, async () => {
    const f = await start();
    f.failNext(1, 429, { kind: 'ws', retryAfter: 2 });
    const r = recorder();
    const h = keep(client(f, f.streamingUrl).streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.1, timeoutSec: 10 }));
    await until(() => h.isReceiving(), { timeoutMs: 10_000 });
    const [first, second] = upgrades(f);
    expect(upgrades(f)).toHaveLength(2);
    expect(second!.time - first!.time).toBeGreaterThanOrEqual(2000);
    const e = r.brief()[0]![1] as MastodonNetworkError;
    expect([e.message, e.status, e.retryAfterSec, e.fatal]).toEqual(['/api/v1/streaming answered 429', 429, 2, false]);
  });

  test('standard WebSocket: a stream quiet for 3 × timeoutSec never reconnects and stays receiving; a dead peer is reported within timeoutSec and the stream recovers', { timeout: 30_000 }, async () => {
    const f = await start();
    const proxy = await viaProxy(f, 0);
    const r = recorder();
    const timeoutSec = 1.5;
    const h = keep(client(f, proxy.url, { WebSocket: StandardLikeWebSocket }).streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.2, timeoutSec }));
    await until(() => h.isReceiving());
    // Quiet: no event, no server ping (wsPingMs 0). Sampled every 100 ms for 3 × timeoutSec.
    const end = Date.now() + 3 * timeoutSec * 1000;
    let lapses = 0;
    while (Date.now() < end) {
      if (!h.isReceiving()) lapses++;
      await sleep(100);
    }
    expect(lapses).toBe(0);
    expect(r.brief()).toEqual([]);
    expect(upgrades(f)).toHaveLength(1);
    // The peer dies: TCP stays open, nothing is read or written.
    proxy.freeze();
    const frozenAt = Date.now();
    await until(() => r.brief().length > 0, { timeoutMs: 10_000, what: 'the dead peer reported' });
    const noticed = Date.now() - frozenAt;
    expect((r.brief()[0]![1] as Error).name).toBe('MastodonReadTimeout');
    // Within timeoutSec of the last sign of life (+ 1 s for a loaded machine's timers).
    expect(noticed).toBeLessThanOrEqual(timeoutSec * 1000 + 1000);
    proxy.thaw();
    await until(() => h.isReceiving(), { timeoutMs: 10_000, what: 'receiving again' });
    const s = f.postStatus();
    await until(() => r.brief().some(([k]) => k == 'update'), { timeoutMs: 10_000 });
    // Attempts made while the peer was dead failed too (each reported); then the event came, once.
    expect(r.brief().filter(([k]) => k == 'update')).toEqual([['update', s.id]]);
    expect(r.brief().at(-1)).toEqual(['update', s.id]);
    for (const [k, e] of r.brief()) if (k == 'abort') expect(e).toBeInstanceOf(MastodonNetworkError);
    expect(h.isAlive()).toBe(true);
  });

  test('close() leaves no socket, no timer and no request, even when the peer ignores the close handshake', { timeout: 30_000 }, async () => {
    const f = await start();
    const proxy = await viaProxy(f, 0);
    const clock = new FakeClock().install();
    defer(() => clock.uninstall());
    const m = client(f, proxy.url);
    const o = { runAsync: true as const, reconnectAsync: true, timeoutSec: 30 };
    const hs = [m.streamUser({}, o), m.streamHashtag('cats', {}, o), m.streamList('12', {}, o)].map(keep);
    await until(() => hs.every((h) => h.isReceiving()));
    expect(clock.pending()).toBeGreaterThan(0);
    // The peer stops answering anything, the close frame included.
    proxy.freeze();
    for (const h of hs) h.close();
    expect(clock.pending()).toBe(0);
    // The socket is terminated at once: the proxy sees its TCP connection end.
    await until(() => proxy.open() === 0, { timeoutMs: 2000, what: 'no connection left' });
    await clock.advance(60_000);
    expect(clock.pending()).toBe(0);
    expect(upgrades(f)).toHaveLength(1);
  });
});
