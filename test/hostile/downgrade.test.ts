/**
 * Discovery that names a cleartext streaming URL (`ws:` or `http:`) for an `https` API: refused
 * with a MastodonIllegalArgumentError naming `streamingBaseUrl` (the way to insist), fatal, and
 * the cleartext server never receives a request, so the token never travels unencrypted.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Mastodon, MastodonIllegalArgumentError } from '../../src/index.js';
import { record, until, useCleanup } from '../kit/index.js';
import { answer, hostileServer, sse } from '../kit/hostile-server.js';

const { keep } = useCleanup();
const TOKEN = 'downgrade-secret';
const API = 'https://mastodon.example';
const REFUSED = 'streamingBaseUrl must be set to stream without TLS';

/**
 * The https API, in process (no certificate needed): its instance endpoints answer `instance`
 * (v2) or 404; every other URL goes to the real network, where the cleartext server listens.
 */
const httpsApi = (v2: unknown, v1?: unknown) =>
  (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    if (url == API + '/api/v2/instance') return v2 ? Response.json(v2) : new Response('', { status: 404 });
    if (url == API + '/api/v1/instance') return v1 ? Response.json(v1) : new Response('', { status: 404 });
    return fetch(input, init);
  }) as typeof fetch;

async function cleartext() {
  return keep(await hostileServer((_req, res) => sse(res)));
}

describe('a cleartext streaming URL discovered for an https API', () => {
  for (const [label, v2, v1] of [
    ['v2 names ws:', (u: string) => ({ configuration: { urls: { streaming: u.replace('http:', 'ws:') } } }), undefined],
    ['v2 names http:', (u: string) => ({ configuration: { urls: { streaming: u } } }), undefined],
    ['v1 names ws:', undefined, (u: string) => ({ urls: { streaming_api: u.replace('http:', 'ws:') } })],
  ] as const) {
    it(`${label}: a blocking stream rejects with MastodonIllegalArgumentError; no request reaches it`, async () => {
      const s = await cleartext();
      const m = new Mastodon({ apiBaseUrl: API, accessToken: TOKEN, fetch: httpsApi(v2?.(s.url), v1?.(s.url)) });
      const err = await m.streamUser({}).catch((e: unknown) => e);
      // c136974: the stream request went to the cleartext host, `Authorization: Bearer <token>` in clear.
      expect([(err as Error).constructor, (err as Error).message]).toEqual([MastodonIllegalArgumentError, REFUSED]);
      expect(s.requests).toEqual([]);
      // streamingBase() says the same.
      await expect(m.streamingBase()).rejects.toThrow(REFUSED);
    });
  }

  it('a reconnecting handle ends (fatal): one onAbort, no retry, nothing sent in clear', async () => {
    const s = await cleartext();
    let asked = 0;
    const api = httpsApi({ configuration: { urls: { streaming: s.url.replace('http:', 'ws:') } } });
    const m = new Mastodon({ apiBaseUrl: API, accessToken: TOKEN, fetch: ((u: string, i?: RequestInit) => (asked++, api(u, i))) as typeof fetch });
    const r = record();
    const h = keep(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.1 }));
    await until(() => !h.isAlive(), { what: 'the handle ended' });
    expect(r.calls.map(([name, e]) => [name, (e as Error).constructor, (e as Error).message])).toEqual([['onAbort', MastodonIllegalArgumentError, REFUSED]]);
    expect(asked).toBe(1);
    expect(s.requests).toEqual([]);
  });

  it('over WebSocket too: the socket is never opened', async () => {
    const s = await cleartext();
    const m = new Mastodon({ apiBaseUrl: API, accessToken: TOKEN, transport: 'websocket', WebSocket, fetch: httpsApi({ configuration: { urls: { streaming: s.url.replace('http:', 'ws:') } } }) });
    const r = record();
    const h = keep(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.1 }));
    await until(() => !h.isAlive(), { what: 'the handle ended' });
    expect(r.calls.map(([name, e]) => [name, (e as Error).constructor, (e as Error).message])).toEqual([['onAbort', MastodonIllegalArgumentError, REFUSED]]);
    expect(s.requests).toEqual([]);
  });

  it('https named for an https API, and http for an http API, are accepted', async () => {
    const https = new Mastodon({ apiBaseUrl: API, fetch: httpsApi({ configuration: { urls: { streaming: 'wss://streaming.mastodon.example' } } }) });
    expect(await https.streamingBase()).toBe('https://streaming.mastodon.example');
    const s = await cleartext();
    const api = keep(await hostileServer((req, res) => (req.url == '/api/v2/instance' ? answer(res, 200, JSON.stringify({ configuration: { urls: { streaming: s.url.replace('http:', 'ws:') } } })) : answer(res, 404))));
    expect(await new Mastodon({ apiBaseUrl: api.url }).streamingBase()).toBe(s.url);
  });

  it('streamingBaseUrl insists: an explicit cleartext base for an https API is used', async () => {
    const s = await cleartext();
    const r = record();
    const m = new Mastodon({ apiBaseUrl: API, streamingBaseUrl: s.url, accessToken: TOKEN, fetch: httpsApi(undefined) });
    keep(m.streamUser(r.listener, { runAsync: true }));
    await until(() => r.calls.length == 1, { what: 'the greeting' });
    expect(s.requests.map((q) => [q.url, q.headers.authorization])).toEqual([['/api/v1/streaming/user', 'Bearer ' + TOKEN]]);
  });
});
