/**
 * The token in nothing the library makes: the client (both builds, before and after streams
 * opened, over SSE and WebSocket), a handle, an iterator, and every kind of error — each
 * searched with util.inspect (all depths, hidden properties), JSON.stringify, String() and the
 * cause chain (test/kit/shown.ts).
 */
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  Mastodon,
  MastodonAPIError,
  MastodonIllegalArgumentError,
  MastodonMalformedEventError,
  MastodonNetworkError,
  MastodonReadTimeout,
  type CatchUpGap,
} from '../../src/index.js';
import { Mastodon as SseMastodon } from '../../src/sse.js';
import { deadPort, FakeClock, record, until, useCleanup } from '../kit/index.js';
import { answer, hostileServer, sse } from '../kit/hostile-server.js';
import { shown } from '../kit/shown.js';

const { keep, defer } = useCleanup();
const TOKEN = 'SECRET-c0ffee-token';

/** A ws server whose every answer quotes the Authorization header it got. */
async function echoingWsServer(reply: (auth: string) => unknown) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  defer(() => new Promise<void>((resolve) => wss.close(() => resolve())));
  defer(() => {
    for (const c of wss.clients) c.terminate();
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (socket, req) => {
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type == 'subscribe') socket.send(JSON.stringify(reply(String(req.headers.authorization))));
    });
  });
  return `http://127.0.0.1:${(wss.address() as { port: number }).port}`;
}

describe('the token is in nothing the library makes', () => {
  it('the client, both builds, before and after it streamed (SSE and WebSocket)', async () => {
    const s = keep(await hostileServer((_req, res) => sse(res)));
    const ws = await echoingWsServer(() => ({ stream: ['user'], event: 'delete', payload: '1' }));
    const clients = [
      new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN, userAgent: 'ua' }),
      new SseMastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN }),
      new Mastodon({ apiBaseUrl: ws, streamingBaseUrl: ws, accessToken: TOKEN, transport: 'websocket', WebSocket }),
      new Mastodon({ apiBaseUrl: ws, streamingBaseUrl: ws, accessToken: TOKEN, transport: 'websocket', WebSocket, tokenInQuery: true }),
    ];
    for (const m of clients) expect(shown(m)).not.toContain('SECRET');
    const recorders = clients.map((m) => {
      const r = record();
      const h = keep(m.streamUser(r.listener, { runAsync: true }));
      expect(shown(h)).not.toContain('SECRET');
      return r;
    });
    await until(() => recorders.every((r) => r.calls.length), { what: 'every stream receiving' });
    for (const m of clients) expect(shown(m)).not.toContain('SECRET');
  });

  it('an iterator of stream()', async () => {
    const s = keep(await hostileServer((_req, res) => sse(res, 'event: delete\ndata: 1\n\n')));
    const it = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN }).stream('user');
    defer(() => it.return?.());
    expect((await it.next()).value).toEqual({ event: 'delete', payload: '1', stream: ['user'] });
    expect(shown(it)).not.toContain('SECRET');
  });

  it('MastodonIllegalArgumentError: a token with a control character, a stream option, a refused downgrade', async () => {
    const errors: unknown[] = [];
    try {
      new Mastodon({ apiBaseUrl: 'https://m.example', accessToken: TOKEN + '\r\n' });
    } catch (e) {
      errors.push(e);
    }
    const m = new Mastodon({ apiBaseUrl: 'https://m.example', accessToken: TOKEN, fetch: (async () => Response.json({ configuration: { urls: { streaming: 'ws://s.example' } } })) as typeof fetch });
    try {
      m.streamUser({}, { runAsync: true, timeoutSec: TOKEN as never });
    } catch (e) {
      errors.push(e);
    }
    errors.push(await m.streamUser({}).catch((e: unknown) => e));
    expect(errors.map((e) => [(e as Error).constructor, (e as Error).message])).toEqual([
      [MastodonIllegalArgumentError, 'accessToken must be a string without control characters'],
      [MastodonIllegalArgumentError, 'timeoutSec must be a number ≥ 0'],
      [MastodonIllegalArgumentError, 'streamingBaseUrl must be set to stream without TLS'],
    ]);
    for (const e of errors) expect(shown(e)).not.toContain('SECRET');
  });

  it('MastodonReadTimeout (virtual time)', async () => {
    const s = keep(await hostileServer((_req, res) => sse(res)));
    const clock = keep(new FakeClock().install());
    const r = record();
    const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN });
    const done = m.streamUser(r.listener, { timeoutSec: 5 }).catch((e: unknown) => e);
    await until(() => r.calls.length, { what: 'the greeting' });
    await clock.advance(5_000);
    const err = await done;
    expect([(err as Error).constructor, (err as Error).message]).toEqual([MastodonReadTimeout, 'Nothing received for 5 s']);
    expect(shown(err)).not.toContain('SECRET');
  });

  it('MastodonNetworkError: unreachable, a refusal quoting the token', async () => {
    const port = await deadPort();
    const dead = `http://127.0.0.1:${port}`;
    const echo = keep(await hostileServer((req, res) => answer(res, 403, JSON.stringify({ error: String(req.headers.authorization) }), { 'x-error-message': String(req.headers.authorization) })));
    const errors = [
      await new Mastodon({ apiBaseUrl: dead, streamingBaseUrl: dead, accessToken: TOKEN }).streamUser({}).catch((e: unknown) => e),
      await new Mastodon({ apiBaseUrl: echo.url, streamingBaseUrl: echo.url, accessToken: TOKEN }).streamUser({}).catch((e: unknown) => e),
    ];
    expect(errors.map((e) => [(e as Error).constructor, (e as MastodonNetworkError).status])).toEqual([
      [MastodonNetworkError, undefined],
      [MastodonNetworkError, 403],
    ]);
    expect((errors[1] as Error).message).toBe('/api/v1/streaming/user answered 403: Bearer [redacted]');
    for (const e of errors) expect(shown(e)).not.toContain('SECRET');
  });

  it('WebSocket: a subscribe refusal quoting the token, a refused upgrade quoting it, an unreachable socket with the token in the query', async () => {
    const refusing = await echoingWsServer((auth) => ({ error: `Bad token ${auth}`, status: 401 }));
    const upgrade = keep(await hostileServer((req, res) => answer(res, 401, '', { 'x-error-message': 'Bad token ' + String(req.headers.authorization) })));
    const port = await deadPort();
    const errors = [];
    for (const [url, o] of [
      [refusing, {}],
      [upgrade.url, {}],
      [`http://127.0.0.1:${port}`, { tokenInQuery: true }],
    ] as const) {
      const m = new Mastodon({ apiBaseUrl: url, streamingBaseUrl: url, accessToken: TOKEN, transport: 'websocket', WebSocket, ...o });
      errors.push(await m.streamUser({}).catch((e: unknown) => e));
    }
    expect(errors.map((e) => [(e as Error).constructor, (e as Error).message])).toEqual([
      [MastodonNetworkError, 'Subscribe to user answered 401: Bad token Bearer [redacted]'],
      [MastodonNetworkError, '/api/v1/streaming answered 401: Bad token Bearer [redacted]'],
      [MastodonNetworkError, `Could not connect to http://127.0.0.1:${port}/api/v1/streaming`],
    ]);
    for (const e of errors) expect(shown(e)).not.toContain('SECRET');
  });

  it('MastodonAPIError and the catch-up gap that carries it', async () => {
    let n = 0;
    const rest = keep(
      await hostileServer((req, res) => {
        // The baseline (no min_id) answers; the catch-up after the drop is refused, quoting the token.
        if (!req.url!.includes('min_id=')) return answer(res, 200, '[{"id":"100","account":{"acct":"a"}}]');
        answer(res, 403, JSON.stringify({ error: `Token ${String(req.headers.authorization)} refused` }));
      }),
    );
    const stream = keep(
      await hostileServer((_req, res) => {
        sse(res);
        if (n++ == 0) setTimeout(() => res.socket?.destroy(), 300);
      }),
    );
    const gaps: CatchUpGap[] = [];
    const m = new Mastodon({ apiBaseUrl: rest.url, streamingBaseUrl: stream.url, accessToken: TOKEN });
    const h = keep(m.streamUser({ onCatchUpGap: (g) => void gaps.push(g) }, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.1, catchUp: true }));
    await until(() => gaps.length, { what: 'the gap' });
    const err = gaps[0]!.error as MastodonAPIError;
    expect([err.constructor, err.status, err.message]).toEqual([MastodonAPIError, 403, '/api/v1/timelines/home answered 403: Token Bearer [redacted] refused']);
    expect(shown(err)).not.toContain('SECRET');
    expect(shown(gaps)).not.toContain('SECRET');
    expect(shown(h)).not.toContain('SECRET');
  });

  it('MastodonMalformedEventError over WebSocket: data quoting the token', async () => {
    const ws = await echoingWsServer((auth) => ({ stream: ['user'], event: 'update', payload: `{"echo": "${auth}" oops}` }));
    const m = new Mastodon({ apiBaseUrl: ws, streamingBaseUrl: ws, accessToken: TOKEN, transport: 'websocket', WebSocket });
    const err = (await m.streamUser({}).catch((e: unknown) => e)) as MastodonMalformedEventError;
    expect([err.constructor, err.reason, err.data]).toEqual([MastodonMalformedEventError, 'Bad JSON', '{"echo": "Bearer [redacted]" oops}']);
    expect(shown(err)).not.toContain('SECRET');
  });
});
