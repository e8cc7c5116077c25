// What only the WebSocket transport does: one shared socket, counted subscriptions, where the
// token goes, subscribe errors, keepalive.
import { describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { FakeClock, record, until, useFakeMastodon, type FakeMastodon } from './kit/index.js';
import { StandardLikeWebSocket } from './kit/standard-websocket.js';
import { Mastodon, MastodonMalformedEventError, MastodonNetworkError, type MastodonOptions, type StreamHandle } from '../src/index.js';

const { start, keep } = useFakeMastodon();

const fast = { runAsync: true as const, reconnectAsync: true, reconnectAsyncWaitSec: 0.05, timeoutSec: 5 };

/** The kit's standard-like WebSocket (no headers, no pings shown, 1006 for a refusal) that records its URLs. */
class BrowserLikeWebSocket extends StandardLikeWebSocket {
  static urls: string[] = [];
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    BrowserLikeWebSocket.urls.push(url);
  }
}

const client = (f: FakeMastodon, o: Partial<MastodonOptions> = {}) =>
  new Mastodon({ apiBaseUrl: f.apiUrl, accessToken: f.token, transport: 'websocket', WebSocket, ...o } as MastodonOptions);
const wsUpgrades = (f: FakeMastodon) => f.requests.filter((r) => r.kind === 'ws');
const sent = (f: FakeMastodon) => f.wsMessages.map((m) => m.message);
/** The markers that close a batch of subscribes (and probe a quiet socket): see src/transport/ws/ledger.ts. */
const MARKER = { type: 'unsubscribe', stream: 'ping' };
const LIST_MARKER = { type: 'unsubscribe', stream: 'list', list: '0' };

/** The kit's recorder, for updates and aborts; `brief()` reads `['update', id]`, `['abort', error]`. */
const recorder = () => record(['onUpdate', 'onAbort']);

describe('WebSocket transport', () => {
  test('streams of one client share one socket; the subscribes that are due go out together', async () => {
    const f = await start();
    const m = client(f);
    const user = recorder(), local = recorder(), list = recorder();
    const handles = [m.streamUser(user.listener, fast), m.streamLocal(local.listener, { ...fast, onlyMedia: true }), m.streamList('12', list.listener, fast)].map(keep);
    await f.waitForSubscriptions(3);
    expect(f.wsConnections()).toBe(1);
    expect(wsUpgrades(f)).toHaveLength(1);
    expect(sent(f)).toEqual([
      { type: 'subscribe', stream: 'user' },
      { type: 'subscribe', stream: 'public:local:media' },
      { type: 'subscribe', stream: 'list', list: '12' },
      LIST_MARKER,
    ]);
    // One batch, not one subscribe per round trip: the three subscribes share ONE marker (a
    // subscribe sent on its own would have a marker of its own). No timing bound: the machine may be loaded.
    // The marker came back with no refusal before it: every stream counts as receiving, none was sent again.
    await until(() => handles.every((h) => h.isReceiving()));
    expect(sent(f)).toHaveLength(4);
    const s = f.postStatus({ lists: ['12'], media: 1 });
    await until(() => user.brief().length && local.brief().length && list.brief().length);
    expect([user.brief(), local.brief(), list.brief()]).toEqual([[['update', s.id]], [['update', s.id]], [['update', s.id]]]);
  });

  test('forty hashtags: one batch of subscribes, all receiving after it settles', async () => {
    const f = await start();
    const m = client(f);
    const tags = Array.from({ length: 40 }, (_, i) => 'tag' + i);
    const recs = tags.map(() => recorder());
    const handles = tags.map((tag, i) => keep(m.streamHashtag(tag, recs[i]!.listener, fast)));
    await f.waitForSubscriptions(40);
    await until(() => sent(f).length == 41);
    expect(sent(f)).toEqual([...tags.map((tag) => ({ type: 'subscribe', stream: 'hashtag', tag })), MARKER]);
    // One marker closes all forty (above), so they went as one batch. Sent one per settle window
    // (250 ms), forty would take ≥ 9.75 s: 5 s is generous on a loaded machine and still tells the two apart.
    const t = f.wsMessages.map((x) => x.time);
    expect(t[39]! - t[0]!).toBeLessThan(5000);
    await until(() => handles.every((h) => h.isReceiving()));
    const s = f.postStatus({ tags: ['tag7', 'tag31'] });
    await until(() => recs[7]!.brief().length && recs[31]!.brief().length);
    expect(recs.map((r) => r.brief().length)).toEqual(tags.map((_, i) => (i == 7 || i == 31 ? 1 : 0)));
    expect(recs[31]!.brief()).toEqual([['update', s.id]]);
  });

  test('Node 20 with ws: the token goes in the Authorization header, nowhere else', async () => {
    const f = await start();
    keep(client(f, { userAgent: 'test-agent/1' }).streamUser({}, fast));
    await f.waitForSubscriptions(1);
    const [up] = wsUpgrades(f);
    expect(up!.url).toBe('/api/v1/streaming');
    expect(up!.headers.authorization).toBe('Bearer ' + f.token);
    expect(up!.headers['sec-websocket-protocol']).toBeUndefined();
    expect(up!.headers['user-agent']).toBe('test-agent/1');
  });

  test('a browser-like WebSocket gets the token as its single subprotocol', async () => {
    const f = await start();
    BrowserLikeWebSocket.urls = [];
    const r = recorder();
    const h = keep(client(f, { WebSocket: BrowserLikeWebSocket }).streamUser(r.listener, fast));
    await f.waitForSubscriptions(1);
    const [up] = wsUpgrades(f);
    expect(up!.headers['sec-websocket-protocol']).toBe(f.token);
    expect(up!.headers.authorization).toBeUndefined();
    expect(BrowserLikeWebSocket.urls).toEqual([f.streamingUrl.replace('http', 'ws') + '/api/v1/streaming']);
    await until(() => h.isReceiving(), { what: 'the subscribe to be settled' });
    const s = f.postStatus();
    await until(() => r.brief().length);
    expect(r.brief()).toEqual([['update', s.id]]);
  });

  test('tokenInQuery puts the token in ?access_token= and in no header', async () => {
    const f = await start();
    keep(client(f, { tokenInQuery: true }).streamUser({}, fast));
    await f.waitForSubscriptions(1);
    const [up] = wsUpgrades(f);
    expect(up!.url).toBe('/api/v1/streaming?access_token=' + f.token);
    expect(up!.headers.authorization).toBeUndefined();
    expect(up!.headers['sec-websocket-protocol']).toBeUndefined();
  });

  test('browser-like: a refused upgrade (1006) is told from a network failure by an HTTP probe: 401 is fatal', async () => {
    const f = await start();
    const r = recorder();
    const err = await client(f, { WebSocket: BrowserLikeWebSocket, accessToken: 'bad-token' }).streamUser(r.listener).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MastodonNetworkError);
    expect((err as MastodonNetworkError).status).toBe(401);
    expect((err as MastodonNetworkError).fatal).toBe(true);
    expect((err as MastodonNetworkError).serverMessage).toBe('Invalid access token');
    expect((err as Error).message).toBe('/api/v1/streaming/user answered 401: Invalid access token');
    expect(r.brief()).toEqual([['abort', err]]);
    const probe = f.requests.find((q) => q.url === '/api/v1/streaming/user' && q.headers.upgrade === undefined);
    expect(probe?.headers.authorization).toBe('Bearer bad-token');
  });

  test('browser-like: a refused upgrade that is no 401 is retried', async () => {
    const f = await start();
    f.failNext(1, 502, { kind: 'ws' });
    const r = recorder();
    const h = keep(client(f, { WebSocket: BrowserLikeWebSocket }).streamUser(r.listener, fast));
    await f.waitForSubscriptions(1);
    await until(() => h.isReceiving());
    expect(r.brief()).toHaveLength(1);
    const e = r.brief()[0]![1] as MastodonNetworkError;
    expect([e.message, e.fatal, e.status]).toEqual([`Could not connect to ${f.streamingUrl}/api/v1/streaming`, false, undefined]);
  });

  test('a dropped socket is reopened once and every stream subscribed again', async () => {
    const f = await start();
    const m = client(f);
    const a = recorder(), b = recorder();
    const ha = keep(m.streamUser(a.listener, fast));
    const hb = keep(m.streamHashtag('cats', b.listener, fast));
    await f.waitForSubscriptions(2);
    await until(() => ha.isReceiving() && hb.isReceiving());
    const before = f.wsMessages.length;
    f.dropConnections();
    await f.waitFor(() => wsUpgrades(f).length === 2 && f.wsMessages.length === before + 3);
    // Settled (the batch's marker answered): nothing more is sent after this.
    await until(() => ha.isReceiving() && hb.isReceiving());
    expect(wsUpgrades(f)).toHaveLength(2);
    expect(f.subscriptions()).toBe(2);
    expect(f.wsConnections()).toBe(1);
    const again = f.wsMessages.slice(before);
    expect(new Set(again.map((x) => x.socketId)).size).toBe(1);
    expect(again.map((x) => x.message).sort((x, y) => x.stream.localeCompare(y.stream))).toEqual([
      { type: 'subscribe', stream: 'hashtag', tag: 'cats' },
      MARKER,
      { type: 'subscribe', stream: 'user' },
    ]);
    await until(() => ha.isReceiving() && hb.isReceiving());
    const s = f.postStatus({ tags: ['cats'] });
    await until(() => a.brief().length === 2 && b.brief().length === 2);
    expect(a.brief()[1]).toEqual(['update', s.id]);
    expect(b.brief()[1]).toEqual(['update', s.id]);
  });

  test('a failing subscribe (a list the user does not own) ends only its handle', async () => {
    const f = await start({ wsSubscribeErrorDelayMs: 50 });
    const m = client(f);
    const user = recorder(), list = recorder(), tag = recorder();
    const hu = keep(m.streamUser(user.listener, fast));
    const hl = keep(m.streamList('99', list.listener, fast));
    const ht = keep(m.streamHashtag('cats', tag.listener, fast));
    await hl.done;
    // The three went out together, closed by a marker that takes the list's road; the refusal
    // came before the marker's answer and speaks of a list: it is the only list's. Nothing is
    // sent again.
    expect(sent(f)).toEqual([
      { type: 'subscribe', stream: 'user' },
      { type: 'subscribe', stream: 'list', list: '99' },
      { type: 'subscribe', stream: 'hashtag', tag: 'cats' },
      LIST_MARKER,
    ]);
    expect(list.brief()).toHaveLength(1);
    const err = list.brief()[0]![1] as MastodonNetworkError;
    expect(err).toBeInstanceOf(MastodonNetworkError);
    expect([err.message, err.status, err.fatal, err.serverMessage]).toEqual([
      'Subscribe to list 99 answered 401: Not authorized to stream this list', 401, true, 'Not authorized to stream this list',
    ]);
    await f.waitForSubscriptions(2);
    await until(() => hu.isReceiving() && ht.isReceiving());
    const s = f.postStatus({ tags: ['cats'] });
    await until(() => user.brief().length && tag.brief().length);
    expect(user.brief()).toEqual([['update', s.id]]);
    expect(tag.brief()).toEqual([['update', s.id]]);
    expect([hu.isAlive(), hl.isAlive(), ht.isAlive()]).toEqual([true, false, true]);
    expect(f.wsConnections()).toBe(1);
  });

  test('two failing subscribes in one batch: each error reaches its own handle', async () => {
    const f = await start({ wsSubscribeErrorDelayMs: 50 });
    const m = client(f);
    const user = recorder(), l98 = recorder(), l99 = recorder();
    const hu = keep(m.streamUser(user.listener, fast));
    const h98 = keep(m.streamList('98', l98.listener, fast));
    const h99 = keep(m.streamList('99', l99.listener, fast));
    await Promise.all([h98.done, h99.done]);
    // Two refusals for lists in the batch: either list's. Each list is subscribed again alone,
    // with its own marker; the user stream is not (a refusal about a list is no user stream's).
    expect(sent(f)).toEqual([
      { type: 'subscribe', stream: 'user' },
      { type: 'subscribe', stream: 'list', list: '98' },
      { type: 'subscribe', stream: 'list', list: '99' },
      LIST_MARKER,
      { type: 'subscribe', stream: 'list', list: '98' },
      LIST_MARKER,
      { type: 'subscribe', stream: 'list', list: '99' },
      LIST_MARKER,
    ]);
    expect(l98.brief().map(([kind, e]) => [kind, (e as Error).message])).toEqual([['abort', 'Subscribe to list 98 answered 401: Not authorized to stream this list']]);
    expect(l99.brief().map(([kind, e]) => [kind, (e as Error).message])).toEqual([['abort', 'Subscribe to list 99 answered 401: Not authorized to stream this list']]);
    await until(() => hu.isReceiving());
    const s = f.postStatus();
    await until(() => user.brief().length);
    expect(user.brief()).toEqual([['update', s.id]]);
    expect([hu.isAlive(), h98.isAlive(), h99.isAlive()]).toEqual([true, false, false]);
  });

  test('a subscribe error in blocking mode rejects the promise', async () => {
    const f = await start({ tokens: { 'test-token': ['read:notifications'] } });
    const err = await client(f).streamPublic({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MastodonNetworkError);
    expect((err as MastodonNetworkError).status).toBe(401);
    expect((err as Error).message).toBe('Subscribe to public answered 401: Access token does not have the required scopes');
    await until(() => f.wsConnections() === 0);
  });

  test('two handles on one hashtag: one subscribe; closing one keeps the other subscribed', async () => {
    const f = await start();
    const m = client(f);
    const a = recorder(), b = recorder();
    const ha = keep(m.streamHashtag('cats', a.listener, fast));
    const hb = keep(m.streamHashtag('Cats', b.listener, fast));
    await until(() => ha.isReceiving() && hb.isReceiving());
    expect(sent(f)).toEqual([{ type: 'subscribe', stream: 'hashtag', tag: 'cats' }, MARKER]);
    ha.close();
    // A later batch on the same socket: once the fake has it, an unsubscribe sent by the close
    // would have arrived before it (one socket, in order).
    const hu = keep(m.streamUser({}, fast));
    await f.waitFor(() => f.subscriptions() === 2 && sent(f).length === 4);
    expect(sent(f)).toEqual([{ type: 'subscribe', stream: 'hashtag', tag: 'cats' }, MARKER, { type: 'subscribe', stream: 'user' }, MARKER]);
    hu.close();
    await f.waitFor(() => f.subscriptions() === 1);
    const s = f.postStatus({ tags: ['cats'] });
    await until(() => b.brief().length);
    expect(b.brief()).toEqual([['update', s.id]]);
    expect(a.brief()).toEqual([]);
    hb.close();
    await until(() => f.wsConnections() === 0);
  });

  test('the last stream to close unsubscribes nothing and closes the socket; the next opens a new one', async () => {
    const f = await start();
    const m = client(f);
    const hu = keep(m.streamUser({}, fast));
    const hd = keep(m.streamDirect({}, fast));
    await until(() => hu.isReceiving() && hd.isReceiving());
    hu.close();
    await f.waitFor(() => f.subscriptions() === 1);
    expect(sent(f).at(-1)).toEqual({ type: 'unsubscribe', stream: 'user' });
    expect(f.wsConnections()).toBe(1);
    hd.close();
    await until(() => f.wsConnections() === 0);
    expect(sent(f)).toEqual([{ type: 'subscribe', stream: 'user' }, { type: 'subscribe', stream: 'direct' }, MARKER, { type: 'unsubscribe', stream: 'user' }]);
    keep(m.streamUser({}, fast));
    await f.waitForSubscriptions(1);
    expect(wsUpgrades(f)).toHaveLength(2);
  });

  test('liveness: a quiet socket is asked for a sign of life (a marker) every third of timeoutSec; the answers keep a quiet stream receiving', async () => {
    // Virtual time: the probes and the read timeout are the library's timers; each answer is a
    // real round trip, and each step waits for it, however loaded the machine.
    const clock = keep(new FakeClock().install());
    const f = await start();
    // A browser-like socket: no pings to see, so only the markers' answers show the socket alive.
    const h = keep(client(f, { WebSocket: BrowserLikeWebSocket }).streamUser({}, { ...fast, timeoutSec: 3 }));
    await f.waitForSubscriptions(1);
    await f.waitFor(() => sent(f).length === 2); // the batch's marker
    await until(() => h.isReceiving());
    // Ten quiet seconds, more than three read timeouts: a probe per second of quiet, and the
    // stream stays receiving on the answers.
    for (let i = 1; i <= 10; i++) {
      await clock.advance(1000);
      await f.waitFor(() => sent(f).length === 2 + i, { timeoutMs: 10_000 });
      await until(() => h.isReceiving(), { what: `receiving after probe ${i}` });
    }
    const [first, ...probes] = sent(f);
    expect(first).toEqual({ type: 'subscribe', stream: 'user' });
    expect(probes).toEqual(Array(11).fill(MARKER));
    expect(wsUpgrades(f)).toHaveLength(1);
  });

  test('hashtag messages are routed case-insensitively (a server may name the tag as published)', async () => {
    const f = await start({ hashtagStreamCase: 'published' });
    const seen: unknown[] = [];
    const h = keep(client(f).streamHashtag('cats', { onAnyEvent: (name, p, stream) => seen.push([name, (p as { id: string }).id, stream]) }, fast));
    await until(() => h.isReceiving());
    const s = f.postStatus({ tags: ['CATS'] });
    await until(() => seen.length);
    expect(seen).toEqual([['update', s.id, ['hashtag', 'CATS']]]);
  });

  test('a read timeout of one handle reopens the shared socket for every stream on it', async () => {
    const f = await start();
    const m = client(f);
    const a = recorder(), b = recorder();
    const ha = keep(m.streamUser(a.listener, { ...fast, timeoutSec: 0.4 }));
    const hb = keep(m.streamDirect(b.listener, fast));
    await until(() => ha.isReceiving() && hb.isReceiving());
    // The server stops answering (no server pings: wsPingMs 0): the socket is silent.
    f.stall();
    await f.waitFor(() => wsUpgrades(f).length === 2, { timeoutMs: 3000 });
    expect(a.brief().map((c) => (c[1] as Error).name)).toEqual(['MastodonReadTimeout']);
    expect(b.brief().map((c) => (c[1] as Error).name)).toEqual(['MastodonReadTimeout']);
    await until(() => f.subscriptions() === 2 && f.wsConnections() === 1);
  });

  test('events larger than maxEventBytes: a standard WebSocket reads the message, then it is malformed', async () => {
    const f = await start();
    const errs: unknown[] = [];
    const h = keep(client(f, { WebSocket: BrowserLikeWebSocket }).streamUser({ onAbort: (e) => errs.push(e) }, { ...fast, reconnectAsync: false, maxEventBytes: 500 }));
    await until(() => h.isReceiving());
    f.postStatus({ text: 'x'.repeat(600) });
    await h.done;
    expect(errs).toHaveLength(1);
    expect((errs[0] as Error).message).toBe('Malformed event: Event too large');
  });

  test('events larger than maxEventBytes: ws refuses the frame from its header (maxPayload) and drops the socket', async () => {
    const f = await start();
    const errs: unknown[] = [];
    const h = keep(client(f).streamUser({ onAbort: (e) => errs.push(e) }, { ...fast, reconnectAsync: false, maxEventBytes: 500 }));
    await until(() => h.isReceiving());
    f.postStatus({ text: 'x'.repeat(600) });
    await h.done;
    expect(errs).toHaveLength(1);
    // `ws` aborts the socket itself (it sends 1009 to the server and sees 1006): reported as over
    // SSE and with a standard WebSocket, a malformed event.
    expect(errs[0]).toBeInstanceOf(MastodonMalformedEventError);
    expect((errs[0] as Error).message).toBe('Malformed event: Event too large');
  });

  test('no WebSocket in the runtime and none passed: a clear error at once', async () => {
    const m = new Mastodon({ apiBaseUrl: 'http://127.0.0.1:9', accessToken: 't', transport: 'websocket' });
    const g = globalThis as { WebSocket?: unknown };
    const saved = g.WebSocket;
    delete g.WebSocket;
    try {
      expect(() => m.streamUser({}, { runAsync: true })).toThrow(new TypeError('No WebSocket here: pass the WebSocket option'));
    } finally {
      if (saved) g.WebSocket = saved;
    }
  });
});
