/**
 * After `close()`, nothing of the handle is left: no socket, no request, no timer — whatever it
 * was doing (streaming, waiting for discovery, backing off, catching up, probing a refused
 * WebSocket upgrade), over SSE and WebSocket. Proven twice: the runtime's active resources
 * (`process.getActiveResourcesInfo()`: sockets, referenced timers) go back to what they were
 * before the handle, and in virtual time the fake clock has no timer pending.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Mastodon, type StreamHandle } from '../../src/index.js';
import { FakeClock, record, until, useCleanup, useFakeMastodon } from '../kit/index.js';
import { answer, hostileServer, hostileWsServer, retryAfter, sse, stalled } from '../kit/hostile-server.js';
import { StandardLikeWebSocket } from '../kit/standard-websocket.js';

const { keep, defer } = useCleanup();
const fake = useFakeMastodon();
const TOKEN = 'leftover-secret';

/** The runtime's active resources, counted by kind (`TCPSocketWrap`, `Timeout`, …). */
const resources = (): Record<string, number> => {
  const n: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) n[r] = (n[r] ?? 0) + 1;
  return n;
};

/** Client sockets and timers beyond `base`. (An idle keep-alive socket of fetch's pool closes by itself within 4 s: the bound is generous.) */
const extra = (base: Record<string, number>): Record<string, number> => {
  const now = resources();
  const out: Record<string, number> = {};
  for (const k of ['TCPSocketWrap', 'Timeout']) if ((now[k] ?? 0) > (base[k] ?? 0)) out[k] = now[k]! - (base[k] ?? 0);
  return out;
};

/**
 * Opens a handle with `open` once the servers are up, lets `ready` happen, closes it and
 * waits for the resources to be what they were before it (servers included in both).
 */
async function closesClean(open: () => StreamHandle, ready: () => unknown, what: string): Promise<void> {
  // Whatever a previous test left in fetch's pool is gone first.
  await until(() => !resources().TCPSocketWrap, { what: 'no client socket before the test', timeoutMs: 15_000 });
  const base = resources();
  const h = open();
  await until(ready, { what });
  // Something is going on: a socket, a timer or both.
  expect(Object.keys(extra(base)).length).toBeGreaterThan(0);
  h.close();
  let left: Record<string, number> = {};
  await until(() => ((left = extra(base)), !Object.keys(left).length), { what: `nothing left after close() (${what})`, timeoutMs: 15_000 }).catch(() => {});
  expect(left).toEqual({});
}

const sseClient = (url: string, o: object = {}) => new Mastodon({ apiBaseUrl: url, streamingBaseUrl: url, accessToken: TOKEN, ...o });
const OPTS = { runAsync: true, reconnectAsync: true } as const;

// (Generous: fetch's pool may keep an idle socket for 4 s after an abort, before and after each test.)
describe('no socket or timer left after close() (real time, process.getActiveResourcesInfo)', { timeout: 60_000 }, () => {
  it('SSE: streaming', async () => {
    const s = keep(await hostileServer((_req, res) => sse(res)));
    const r = record();
    await closesClean(() => sseClient(s.url).streamUser(r.listener, OPTS), () => r.calls.length, 'the greeting');
  });

  it('SSE: waiting for discovery', async () => {
    const s = keep(await hostileServer((_req, res) => stalled(res, 200)));
    // c136974: discovery went on for requestTimeoutSec (300 s) after close().
    await closesClean(() => new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN }).streamUser({}, OPTS), () => s.count(), 'the discovery request');
  });

  it('SSE: backing off after a 503', async () => {
    const s = keep(await hostileServer((_req, res) => retryAfter(res, 503, '60')));
    const r = record();
    await closesClean(() => sseClient(s.url).streamUser(r.listener, OPTS), () => r.aborts().length, 'the first failure');
  });

  it('SSE: a refused stream whose body stalls', async () => {
    const s = keep(await hostileServer((_req, res) => stalled(res, 503, '{"err')));
    await closesClean(() => sseClient(s.url).streamUser({}, OPTS), () => s.written(), 'the head of the body');
  });

  it('SSE: catching up (a REST page that stalls)', async () => {
    const f = await fake.start();
    let stalledPages = 0;
    let dropped = false;
    const pages = keep(
      await hostileServer((req, res) => {
        if (req.url!.includes('min_id=')) return void (stalledPages++, stalled(res, 200, '['));
        answer(res, 200, JSON.stringify([{ id: '100', account: { acct: 'a' } }]));
      }),
    );
    // REST from the hostile server, the stream from the fake Mastodon.
    const m = new Mastodon({ apiBaseUrl: pages.url, streamingBaseUrl: f.streamingUrl, accessToken: f.token });
    const r = record();
    let h: StreamHandle;
    await closesClean(
      () => (h = m.streamUser(r.listener, { ...OPTS, catchUp: true, reconnectAsyncWaitSec: 0.1 })),
      () => {
        // Once the baseline is recorded, drop the stream: the reconnect catches up, from a page that stalls.
        if (h.position()?.ids.update && !dropped) (dropped = true), f.dropConnections();
        return stalledPages;
      },
      'the catch-up request',
    );
  });

  it('WebSocket: streaming', async () => {
    const f = await fake.start();
    const m = new Mastodon({ apiBaseUrl: f.apiUrl, streamingBaseUrl: f.streamingUrl, accessToken: f.token, transport: 'websocket', WebSocket });
    let h: StreamHandle;
    await closesClean(() => (h = m.streamUser({}, OPTS)), () => h.isReceiving(), 'receiving');
  });

  it('WebSocket: waiting for discovery', async () => {
    const s = keep(await hostileServer((_req, res) => stalled(res, 200)));
    const m = new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN, transport: 'websocket', WebSocket });
    await closesClean(() => m.streamUser({}, OPTS), () => s.count(), 'the discovery request');
  });

  it('WebSocket: backing off after the socket was refused', async () => {
    const s = keep(await hostileServer((_req, res) => answer(res, 503)));
    const r = record();
    const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN, transport: 'websocket', WebSocket });
    await closesClean(() => m.streamUser(r.listener, OPTS), () => r.aborts().length, 'the first failure');
  });

  it('WebSocket: probing a refused upgrade (the probe stalls)', async () => {
    const s = keep(await hostileServer((_req, res) => stalled(res, 200)));
    const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN, transport: 'websocket', WebSocket: StandardLikeWebSocket });
    await closesClean(() => m.streamUser({}, OPTS), () => s.count() == 2, 'the probe');
  });
});

describe('no timer pending after close() (virtual time)', () => {
  /** Opens with the fake clock installed, lets `ready` happen, closes: nothing pending. */
  async function noTimers(open: () => StreamHandle, ready: () => unknown, what: string) {
    const clock = keep(new FakeClock().install());
    const h = open();
    await until(ready, { what });
    expect(clock.pending()).toBeGreaterThan(0);
    h.close();
    // (A request's own timer goes once its abort has reached it: a few turns of the event loop.)
    await until(() => !clock.pending(), { what: 'no timer pending', timeoutMs: 5_000 }).catch(() => {});
    // c136974: discovery's timeout signals (300 s each) outlived the handle.
    expect(clock.delays()).toEqual([]);
  }

  it('SSE: waiting for discovery', async () => {
    const s = keep(await hostileServer((_req, res) => stalled(res, 200)));
    await noTimers(() => new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN }).streamUser({}, OPTS), () => s.count(), 'the discovery request');
  });

  it('SSE: streaming, after discovery answered', async () => {
    const stream = keep(await hostileServer((_req, res) => sse(res)));
    const api = keep(await hostileServer((req, res) => (req.url == '/api/v2/instance' ? answer(res, 200, JSON.stringify({ configuration: { urls: { streaming: stream.url } } })) : answer(res, 404))));
    const r = record();
    await noTimers(() => new Mastodon({ apiBaseUrl: api.url, accessToken: TOKEN }).streamUser(r.listener, OPTS), () => r.calls.length, 'the greeting');
  });

  it('SSE: backing off', async () => {
    const s = keep(await hostileServer((_req, res) => retryAfter(res, 503, '60')));
    const r = record();
    await noTimers(() => sseClient(s.url).streamUser(r.listener, OPTS), () => r.aborts().length, 'the first failure');
  });

  it('SSE: a refused stream whose body stalls', async () => {
    const s = keep(await hostileServer((_req, res) => stalled(res, 503, '{"err')));
    await noTimers(() => sseClient(s.url).streamUser({}, OPTS), () => s.written(), 'the head of the body');
  });

  it('WebSocket: waiting for discovery, and probing', async () => {
    const s = keep(await hostileServer((_req, res) => stalled(res, 200)));
    await noTimers(
      () => new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN, transport: 'websocket', WebSocket }).streamUser({}, OPTS),
      () => s.count(),
      'the discovery request',
    );
    const p = keep(await hostileServer((_req, res) => stalled(res, 200)));
    await noTimers(
      () => new Mastodon({ apiBaseUrl: p.url, streamingBaseUrl: p.url, accessToken: TOKEN, transport: 'websocket', WebSocket: StandardLikeWebSocket }).streamUser({}, OPTS),
      () => p.count() == 2,
      'the probe',
    );
  });

  it('WebSocket: streaming', async () => {
    const { wss, url } = keep(await hostileWsServer());
    let h: StreamHandle;
    await noTimers(() => (h = new Mastodon({ apiBaseUrl: url, streamingBaseUrl: url, accessToken: TOKEN, transport: 'websocket', WebSocket }).streamUser({}, OPTS)), () => wss.clients.size, 'the socket');
    expect(h!.isAlive()).toBe(false);
  });
});
