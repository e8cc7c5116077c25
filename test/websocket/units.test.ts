// The socket adapter and the supervisor alone, on the fake clock, with an in-memory WebSocket:
// what is constructed and sent, when a liveness marker goes out, what each handle is told to
// wait, and that nothing is left after the last attempt leaves.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FakeClock, MemoryEmitterSocket, MemorySocket } from '../kit/index.js';
import { MastodonError } from '../../src/errors/MastodonError.js';
import { MastodonNetworkError } from '../../src/errors/MastodonNetworkError.js';
import { check, DEFAULTS, type ResolvedStreamOptions, type StreamOptions } from '../../src/options.js';
import { streamSpec } from '../../src/streams.js';
import { openSocket } from '../../src/transport/ws/adapter.js';
import { wsTransport } from '../../src/transport/ws/supervisor.js';
import type { ConnectionHooks } from '../../src/transport/types.js';

const MARKER = '{"type":"unsubscribe","stream":"ping"}';
const answer = { error: 'Error unsubscribing from channel' };
const flush = () => new Promise((r) => setTimeout(r, 0));

function hooks() {
  const calls: string[] = [];
  const h: ConnectionHooks = {
    _open: () => calls.push('open'),
    _activity: () => calls.push('activity'),
    _event: (name, payload) => calls.push(`event ${name} ${JSON.stringify(payload)}`),
    _heartbeat: () => calls.push('heartbeat'),
  };
  return { calls, h };
}

/** A stream's options as the client resolves them (checked, defaults filled in). */
const opts = (o: StreamOptions = {}) => check({ runAsync: true, reconnectAsync: true, ...o }, DEFAULTS, { requestTimeoutSec: 300 } as ResolvedStreamOptions);

let clock: FakeClock;
beforeEach(() => {
  clock = new FakeClock().install();
  MemorySocket.made = [];
});
afterEach(() => clock.uninstall());

describe('adapter', () => {
  const events = () => ({ _open() {}, _message() {}, _alive() {}, _close() {} });

  test('a standard WebSocket gets the token as its single subprotocol; ws gets headers and maxPayload; tokenInQuery puts it in the URL only', () => {
    openSocket(MemorySocket, 'https://s.example/x', { accessToken: 'tok', userAgent: 'ua' }, 1000, events());
    openSocket(MemoryEmitterSocket, 'http://s.example', { accessToken: 'tok', userAgent: 'ua' }, 1000, events());
    openSocket(MemorySocket, 'https://s.example', { accessToken: 'a b', tokenInQuery: true }, 1000, events());
    expect(MemorySocket.made.map((s) => [s.url, s.arg])).toEqual([
      ['wss://s.example/x/api/v1/streaming', 'tok'],
      ['ws://s.example/api/v1/streaming', { headers: { 'User-Agent': 'ua', Authorization: 'Bearer tok' }, maxPayload: 1000 }],
      ['wss://s.example/api/v1/streaming?access_token=a%20b', undefined],
    ]);
  });

  test('ws: a refused upgrade gives its status, X-Error-Message and Retry-After, and the socket is terminated', () => {
    const closes: unknown[] = [];
    const s = openSocket(MemoryEmitterSocket, 'http://s.example', { accessToken: 'tok' }, 1000, { ...events(), _close: (code, refused) => closes.push([code, refused]) });
    const raw = MemorySocket.made[0] as MemoryEmitterSocket;
    raw.listeners['unexpected-response']!({}, { statusCode: 429, headers: { 'retry-after': '2', 'x-error-message': 'Slow down' } });
    expect(raw.terminated).toBe(1);
    raw.drop();
    const [[code, err]] = closes as [[number, MastodonNetworkError]];
    expect(code).toBe(1006);
    expect([err.message, err.status, err.retryAfterSec, err.fatal]).toEqual(['/api/v1/streaming answered 429: Slow down', 429, 2, false]);
    s._end();
    expect(raw.terminated).toBe(2);
    expect(raw.closed).toBe(0);
  });
});

describe('supervisor', () => {
  const transport = (WebSocket: unknown = MemorySocket) =>
    wsTransport({ _fetch: () => fetch, _base: async () => 'http://s.example', _o: { accessToken: 'tok', WebSocket } });

  test('a batch of subscribes and its marker; the streams open when the marker is answered', async () => {
    const t = transport();
    const a = hooks(), b = hooks();
    const ac = new AbortController(), bc = new AbortController();
    void t._connect(streamSpec('user'), a.h, ac.signal, opts()).catch(() => {});
    void t._connect(streamSpec('hashtag', { tag: 'cats' }), b.h, bc.signal, opts()).catch(() => {});
    await flush();
    const [s] = MemorySocket.made;
    s!.open();
    expect(s!.sent).toEqual(['{"type":"subscribe","stream":"user"}', '{"type":"subscribe","stream":"hashtag","tag":"cats"}', MARKER]);
    expect(a.calls).toEqual(['activity']);
    s!.say(answer);
    expect(a.calls).toEqual(['activity', 'activity', 'open', 'activity']);
    expect(b.calls).toEqual(['activity', 'activity', 'open', 'activity']);
    s!.say({ stream: ['hashtag', 'Cats'], event: 'delete', payload: '123' });
    expect(b.calls.at(-1)).toBe('event delete "123"');
    expect(a.calls.at(-1)).toBe('activity');
    ac.abort();
    expect(s!.sent.at(-1)).toBe('{"type":"unsubscribe","stream":"user"}');
    bc.abort();
    expect(s!.closed).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  test('liveness: after a third of timeoutSec of quiet, one marker; none while one is unanswered', async () => {
    const t = transport();
    const a = hooks();
    const ac = new AbortController();
    void t._connect(streamSpec('user'), a.h, ac.signal, opts({ timeoutSec: 30 })).catch(() => {});
    await flush();
    const [s] = MemorySocket.made;
    s!.open();
    s!.say(answer);
    const sent = () => s!.sent.length;
    expect(sent()).toBe(2);
    await clock.advance(9_999);
    expect(sent()).toBe(2);
    await clock.advance(1);
    expect(s!.sent.slice(2)).toEqual([MARKER]);
    // Unanswered: no second marker.
    await clock.advance(20_000);
    expect(sent()).toBe(3);
    s!.say(answer);
    await clock.advance(10_000);
    expect(sent()).toBe(4);
    // Events keep the socket busy: no marker.
    for (let i = 0; i < 5; i++) {
      await clock.advance(5_000);
      s!.say({ stream: ['user'], event: 'delete', payload: String(i) });
    }
    expect(sent()).toBe(4);
    ac.abort();
    expect(clock.pending()).toBe(0);
  });

  test('a server that answers no marker (not Mastodon): the batch settles once its marker is a third of timeoutSec unanswered, and the socket counts as mute', async () => {
    const t = transport();
    const a = hooks();
    const ac = new AbortController();
    void t._connect(streamSpec('user'), a.h, ac.signal, opts({ timeoutSec: 30 })).catch(() => {});
    await flush();
    const [s] = MemorySocket.made;
    s!.open();
    await clock.advance(9_999);
    expect(a.calls).toEqual(['activity']);
    await clock.advance(1);
    expect(a.calls).toEqual(['activity', 'open', 'activity']);
    // Nothing more was sent: the unanswered marker of the batch was the last word.
    expect(s!.sent).toEqual(['{"type":"subscribe","stream":"user"}', MARKER]);
    ac.abort();
    expect(clock.pending()).toBe(0);
  });

  test('one back-off clock: every handle is told the same wait after a socket that never opened; Retry-After wins', async () => {
    const t = transport(MemoryEmitterSocket);
    const errs: unknown[] = [];
    const o = opts({ reconnectAsyncWaitSec: 1, reconnectAsyncMaxWaitSec: 60 });
    for (const tag of ['a', 'b', 'c']) void t._connect(streamSpec('hashtag', { tag }), hooks().h, new AbortController().signal, o).catch((e) => errs.push(e));
    await flush();
    expect(MemorySocket.made).toHaveLength(1);
    const s = MemorySocket.made[0] as MemoryEmitterSocket;
    s.listeners['unexpected-response']!({}, { statusCode: 429, headers: { 'retry-after': '2' } });
    s.drop();
    await flush();
    expect(errs).toHaveLength(3);
    expect(new Set(errs).size).toBe(1);
    // Retry-After 2 s beats the first back-off (0.75 s with the fake clock's random 0.5).
    expect(errs.map((e) => t._wait(e))).toEqual([2000, 2000, 2000]);
    await clock.advance(500);
    expect(t._wait(errs[0])).toBe(1500);
    // A failure that is not the socket's (the socket is fine) is left to the handle's own back-off.
    void t._connect(streamSpec('user'), hooks().h, new AbortController().signal, o).catch(() => {});
    expect(t._wait(new MastodonError('mine'))).toBeUndefined();
  });
});
