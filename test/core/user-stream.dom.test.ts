// @vitest-environment happy-dom
/**
 * The user-stream flow in happy-dom (browser globals, CORS enforced by happy-dom's fetch: the
 * test server answers the preflight and sends `Access-Control-Allow-Origin: *`).
 */
import { describe, expect, it } from 'vitest';
import { Mastodon, MastodonNetworkError, type StreamHandle } from '../../src/index.js';
import { record, until, useWireServer, type TestServer } from '../kit/index.js';

const { start: startServer, keep } = useWireServer();
const hold = (h: StreamHandle) => void keep(h);
let s: TestServer;

describe('happy-dom: user stream', () => {
  it('runs where window and document exist, with the page fetch', () => {
    expect(typeof window).toBe('object');
    expect(typeof document).toBe('object');
    expect(globalThis.fetch).toBe(window.fetch);
  });

  it('update, exact delete id, reconnect after a drop, close', async () => {
    s = await startServer();
    const m = new Mastodon({ apiBaseUrl: s.url, accessToken: 'tok-abc123', streamingBaseUrl: s.url });
    const r = record();
    const h = m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.02 });
    hold(h);
    await s.waitForConns(1);
    await s.write('event: update\ndata: {"id":"117024236332527350","account":{"acct":"a"}}\n\nevent: delete\ndata: 117024236332527350\n\n');
    await until(() => r.calls.length === 3);
    expect(h.isReceiving()).toBe(true);
    s.drop();
    await s.waitForConns(2);
    await until(() => r.calls.length === 5);
    await s.write('event: delete\ndata: 2\n\n');
    await until(() => r.calls.length === 6);
    expect(r.calls.map((c) => (c[0] === 'onAbort' ? ['onAbort', (c[1] as Error).constructor.name] : c))).toEqual([
      ['handleHeartbeat'],
      ['onUpdate', { id: '117024236332527350', account: { acct: 'a' } }],
      ['onDelete', '117024236332527350'],
      ['onAbort', 'MastodonNetworkError'],
      ['handleHeartbeat'],
      ['onDelete', '2'],
    ]);
    const req = s.streamRequests()[0]!;
    expect(req.url).toBe('/api/v1/streaming/user');
    expect(req.headers.authorization).toBe('Bearer tok-abc123');
    // happy-dom's fetch (not Node's) made it: the page origin, after a CORS preflight.
    expect(req.headers.origin).toBe('http://localhost:3000');
    expect(s.requests.filter((q) => q.method === 'OPTIONS').length).toBeGreaterThanOrEqual(1);
    h.close();
    expect(h.isAlive()).toBe(false);
    await h.done;
    await until(() => s.conns[1]!.closed, { what: 'server sees the close' });
    expect(r.calls.length).toBe(6);
  });

  it('a fatal 401 ends the handle', async () => {
    s = await startServer();
    s.failNext(1, { status: 401, body: '{"error":"Invalid access token"}' });
    const m = new Mastodon({ apiBaseUrl: s.url, accessToken: 'tok-abc123', streamingBaseUrl: s.url });
    const r = record();
    const h = m.streamUser(r.listener, { runAsync: true, reconnectAsync: true });
    hold(h);
    await h.done;
    const err = r.aborts()[0] as MastodonNetworkError;
    expect([err.constructor.name, err.status, err.serverMessage]).toEqual(['MastodonNetworkError', 401, 'Invalid access token']);
  });

  it('the window online event ends a back-off wait at once', async () => {
    s = await startServer();
    s.failNext(1, { status: 503, body: '' });
    const m = new Mastodon({ apiBaseUrl: s.url, accessToken: 'tok-abc123', streamingBaseUrl: s.url });
    const r = record();
    hold(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 30 }));
    await until(() => r.aborts().length === 1);
    await new Promise((res) => setTimeout(res, 50));
    expect(s.conns.length).toBe(0);
    window.dispatchEvent(new Event('online'));
    await s.waitForConns(1, 2000);
    await until(() => r.names().includes('handleHeartbeat'));
  });
});
