/**
 * Careless callers: every constructor option and every stream option of the wrong type, a
 * number that is not finite and ≥ 0, a token with a control character — each refused at once
 * with a MastodonIllegalArgumentError that names the option and never quotes the value, before
 * any request.
 */
import { describe, expect, it } from 'vitest';
import { Mastodon, MastodonIllegalArgumentError, type MastodonOptions } from '../../src/index.js';
import { Mastodon as SseMastodon } from '../../src/sse.js';

const API = 'https://mastodon.example';
const TOKEN = 'SECRET-token-4e1d';

/** A fetch that counts its calls and never answers: nothing leaves the machine. */
function counting() {
  const calls: string[] = [];
  const fetchFn = ((url: string) => (calls.push(String(url)), new Promise(() => {}))) as unknown as typeof fetch;
  return { calls, fetchFn };
}

/** What `fn` throws: its class and message. */
function thrown(fn: () => unknown): [unknown, string] {
  try {
    fn();
  } catch (e) {
    return [(e as Error).constructor, (e as Error).message];
  }
  return [undefined, 'nothing thrown'];
}

const illegal = (message: string): [unknown, string] => [MastodonIllegalArgumentError, message];

describe('the constructor', () => {
  it('no options at all, or no apiBaseUrl: the typed error, not a TypeError', () => {
    const make = (o: unknown) => () => new Mastodon(o as MastodonOptions);
    // c136974: TypeError: Cannot read properties of undefined (reading 'trim' / 'apiBaseUrl').
    for (const o of [{}, undefined, null, { accessToken: TOKEN }, { apiBaseUrl: 42 }, { apiBaseUrl: '' }, { apiBaseUrl: 'ftp://mastodon.example' }, { apiBaseUrl: 'https://' }])
      expect(thrown(make(o))).toEqual(illegal('apiBaseUrl must be an http(s) URL'));
  });

  it.each([
    ['accessToken', 42, 'accessToken must be a string without control characters'],
    ['accessToken', { toString: () => TOKEN }, 'accessToken must be a string without control characters'],
    ['userAgent', 'app\r\nX-Injected: 1', 'userAgent must be a string without control characters'],
    ['streamingBaseUrl', 42, 'streamingBaseUrl must be an http(s) URL'],
    ['streamingBaseUrl', 'ftp://s.example', 'streamingBaseUrl must be an http(s) URL'],
    ['streamingBaseUrl', 'https://a b', 'streamingBaseUrl must be an http(s) URL'],
    ['transport', 'ws', "transport must be 'sse' or 'websocket'"],
    ['transport', 'SSE', "transport must be 'sse' or 'websocket'"],
    ['transport', ['sse'], "transport must be 'sse' or 'websocket'"],
    ['fetch', 'fetch', 'fetch must be a function'],
    ['fetch', {}, 'fetch must be a function'],
    ['WebSocket', 'ws', 'WebSocket must be a function'],
    ['tokenInQuery', 'yes', 'tokenInQuery must be a boolean'],
    ['tokenInQuery', 1, 'tokenInQuery must be a boolean'],
    ['userAgent', 7, 'userAgent must be a string without control characters'],
    ['requestTimeoutSec', '300', 'requestTimeoutSec must be a number > 0'],
    ['requestTimeoutSec', -1, 'requestTimeoutSec must be a number > 0'],
    ['requestTimeoutSec', 0 / 0, 'requestTimeoutSec must be a number > 0'],
    ['requestTimeoutSec', 1 / 0, 'requestTimeoutSec must be a number > 0'],
    ['requestTimeoutSec', 10n, 'requestTimeoutSec must be a number > 0'],
    ['requestTimeoutSec', 0, 'requestTimeoutSec must be a number > 0'],
  ])('%s = %o: "%s"', (name, value, message) => {
    const { calls, fetchFn } = counting();
    // c136974: accepted, and failed later (or never: 'ws' streamed over SSE; '300' became a string timer).
    expect(thrown(() => new Mastodon({ apiBaseUrl: API, accessToken: TOKEN, fetch: fetchFn, [name]: value } as MastodonOptions))).toEqual(illegal(message));
    expect(calls).toEqual([]);
  });

  it('the SSE-only client checks the same', () => {
    expect(thrown(() => new SseMastodon({ apiBaseUrl: API, requestTimeoutSec: '300' } as unknown as MastodonOptions))).toEqual(illegal('requestTimeoutSec must be a number > 0'));
    expect(thrown(() => new SseMastodon({} as MastodonOptions))).toEqual(illegal('apiBaseUrl must be an http(s) URL'));
  });

  it('a token with CR, LF, NUL or another control character: refused, and the message does not quote it', () => {
    for (const bad of [TOKEN + '\r\nX-Injected: 1', TOKEN + '\n', '\0' + TOKEN, TOKEN + '\t', TOKEN + '\x7f', TOKEN + '\x1b[0m']) {
      const { calls, fetchFn } = counting();
      let err: unknown;
      try {
        new Mastodon({ apiBaseUrl: API, accessToken: bad, fetch: fetchFn });
      } catch (e) {
        err = e;
      }
      // c136974: accepted; undici then quoted the whole Authorization header in its error.
      expect(err).toBeInstanceOf(MastodonIllegalArgumentError);
      expect((err as Error).message).toBe('accessToken must be a string without control characters');
      expect(String((err as Error).stack)).not.toContain('SECRET');
      expect(calls).toEqual([]);
    }
  });

  it('valid options are accepted; undefined and null mean "not given"', () => {
    const { fetchFn } = counting();
    const m = new Mastodon({
      apiBaseUrl: 'mastodon.example/',
      accessToken: TOKEN,
      streamingBaseUrl: 'wss://streaming.mastodon.example',
      transport: 'websocket',
      fetch: fetchFn,
      WebSocket: class {} as unknown,
      tokenInQuery: false,
      userAgent: 'app/1.0',
      requestTimeoutSec: 0.5,
    });
    expect([m.apiBaseUrl, m.transport, m.requestTimeoutSec]).toEqual(['https://mastodon.example', 'websocket', 0.5]);
    const n = new Mastodon({ apiBaseUrl: API, accessToken: undefined, streamingBaseUrl: null, transport: undefined, requestTimeoutSec: null } as unknown as MastodonOptions);
    expect([n.transport, n.requestTimeoutSec]).toEqual(['sse', 300]);
  });
});

describe('stream options', () => {
  const { calls, fetchFn } = counting();
  const m = new Mastodon({ apiBaseUrl: API, streamingBaseUrl: API, accessToken: TOKEN, fetch: fetchFn });

  it.each([
    ['runAsync', 'yes', 'runAsync must be a boolean'],
    ['runAsync', 1, 'runAsync must be a boolean'],
    ['reconnectAsync', 'true', 'reconnectAsync must be a boolean'],
    ['catchUp', 'yes', 'catchUp must be a boolean'],
    ['catchUp', 1, 'catchUp must be a boolean'],
    ['signal', 'abort', 'signal must be an AbortSignal'],
    ['signal', {}, 'signal must be an AbortSignal'],
    ['local', 'yes', 'local must be a boolean'],
    ['remote', 1, 'remote must be a boolean'],
    ['onlyMedia', 'true', 'onlyMedia must be a boolean'],
    ['timeoutSec', 0, 'timeoutSec must be a number > 0'],
    ['maxEventBytes', 0, 'maxEventBytes must be a number > 0'],
    ['reconnectAsyncWaitSec', -0.5, 'reconnectAsyncWaitSec must be a number ≥ 0'],
  ])('%s = %o: "%s", before anything is sent', (name, value, message) => {
    // c136974: accepted ('yes' ran async; a string signal threw a TypeError; local: 'yes' was truthy).
    expect(thrown(() => m.streamPublic({}, { runAsync: true, [name]: value } as never))).toEqual(illegal(message));
    expect(calls).toEqual([]);
  });

  it('every stream method checks them', () => {
    const bad = { runAsync: true, reconnectAsync: 'yes' } as never;
    for (const open of [
      () => m.streamUser({}, bad),
      () => m.streamUserNotification({}, bad),
      () => m.streamLocal({}, bad),
      () => m.streamHashtag('cats', {}, bad),
      () => m.streamList('1', {}, bad),
      () => m.streamDirect({}, bad),
      () => m.stream('user', undefined, { reconnectAsync: 'yes' } as never),
    ])
      expect(thrown(open)).toEqual(illegal('reconnectAsync must be a boolean'));
    expect(calls).toEqual([]);
  });

  it('catchUp takes true, false or { from }; a bad position names catchUp.from', () => {
    expect(thrown(() => m.streamUser({}, { runAsync: true, catchUp: { from: { stream: ['direct'], ids: {} } } }))).toEqual(illegal('catchUp.from: not a position of user'));
    for (const catchUp of [true, false, { from: undefined }, { from: null }, { from: { stream: ['user'], ids: { update: '5' } } }]) {
      const h = m.streamUser({}, { runAsync: true, catchUp });
      expect(h.isAlive()).toBe(true);
      h.close();
    }
  });
});
