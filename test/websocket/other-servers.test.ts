// The WebSocket transport against servers other than Mastodon (test/kit/other-servers.ts):
// GoToSocial, which answers no client message (so no marker) and pings, and Akkoma, which
// answers every subscribe and unsubscribe with a `pleroma:respond` event. Library timers on the
// fake clock; the sockets are real (loopback), awaited in real time with `until`.
import { describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { FakeClock, MemorySocket, record, until, useCleanup } from '../kit/index.js';
import { startOtherServer, type Flavour, type OtherServerOptions } from '../kit/other-servers.js';
import { StandardLikeWebSocket } from '../kit/standard-websocket.js';
import { Mastodon, MastodonNetworkError, MastodonReadTimeout, type MastodonOptions } from '../../src/index.js';
import { check, DEFAULTS, type ResolvedStreamOptions } from '../../src/options.js';
import { streamSpec, type StreamSpec } from '../../src/streams.js';
import type { ConnectionHooks } from '../../src/transport/types.js';
import { wsTransport } from '../../src/transport/ws/supervisor.js';

const { keep } = useCleanup();

const MARKER = { type: 'unsubscribe', stream: 'ping' };
const LIST_MARKER = { type: 'unsubscribe', stream: 'list', list: '0' };
const sub = (stream: string, param?: Record<string, string>) => ({ type: 'subscribe', stream, ...param });
const o = { runAsync: true as const, reconnectAsync: true };

/** The standard-like WebSocket, counting the sockets made and the messages the library was handed. */
class Counted extends StandardLikeWebSocket {
  static made = 0;
  static received = 0;
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    Counted.made++;
    let fn: ((e: { data: string }) => void) | null = null;
    Object.defineProperty(this, 'onmessage', {
      get: () => fn && ((e: { data: string }) => (Counted.received++, fn!(e))),
      set: (f) => (fn = f),
    });
  }
}

const CLASSES = [
  ['ws (pings shown)', WebSocket],
  ['a standard WebSocket (pings hidden)', StandardLikeWebSocket],
] as const;

async function setup(flavour: Flavour, WS: unknown, so: OtherServerOptions = {}) {
  const clock = keep(new FakeClock().install());
  const server = keep(await startOtherServer(flavour, { clock, ...so }));
  const m = new Mastodon({ apiBaseUrl: server.url, streamingBaseUrl: server.url, accessToken: 'tok', transport: 'websocket', WebSocket: WS } as MastodonOptions);
  return { clock, server, m };
}

describe('GoToSocial (never answers a client message; pings every 30 s of silence)', () => {
  for (const [name, WS] of CLASSES) {
    test(`${name}: two streams subscribed 2 s apart both receive their events at once; once no marker came back for 20 s, later streams open as they are subscribed`, { timeout: 60_000 }, async () => {
      const { clock, server, m } = await setup('gotosocial', WS, { pingMs: 30_000 });
      const a = record(), b = record(), c = record();
      const ha = keep(m.streamUser(a.listener, o));
      await until(() => server.messages.length == 2, { what: 'the first batch' });
      await clock.advance(2000);
      const hb = keep(m.streamPublic(b.listener, o));
      // Sent at once, though the first batch's marker is unanswered (was: held until it settled).
      await until(() => server.messages.length == 3, { what: "the second stream's subscribe" });
      expect(server.messages).toEqual([sub('user'), MARKER, sub('public')]);
      expect(server.publish(['user'], 'delete', '101')).toBe(1);
      expect(server.publish(['public'], 'delete', '102')).toBe(1);
      await until(() => a.calls.length && b.calls.length, { what: 'both events' });
      expect([a.calls, b.calls]).toEqual([[['onDelete', '101']], [['onDelete', '102']]]);
      expect([ha.isReceiving(), hb.isReceiving()]).toEqual([true, true]);
      // 20 s (a third of timeoutSec 60) without the marker's answer: the socket answers no marker.
      await clock.advance(18_000);
      const hc = keep(m.streamDirect(c.listener, o));
      await until(() => server.messages.length == 4, { what: "the third stream's subscribe" });
      // No marker after it, and it counts as open at once (was: not before another 20 s).
      expect(server.messages.slice(3)).toEqual([sub('direct')]);
      expect(hc.isReceiving()).toBe(true);
      expect(server.publish(['direct'], 'delete', '103')).toBe(1);
      await until(() => c.calls.length, { what: 'the third event' });
      expect(c.calls).toEqual([['onDelete', '103']]);
      expect(server.upgrades).toBe(1);
    });
  }

  test('ws: a quiet stream stays receiving on the server pings alone: 10 minutes, no reconnect, no liveness marker (none is ever answered there)', { timeout: 60_000 }, async () => {
    const { clock, server, m } = await setup('gotosocial', WebSocket, { pingMs: 30_000 });
    const r = record();
    const h = keep(m.streamUser(r.listener, o));
    await until(() => server.messages.length == 2, { what: 'the first batch' });
    let lapses = 0;
    for (let t = 0; t < 600; t++) {
      await clock.advance(1000);
      // A ping is written by the server on its (virtual) timer and read for real: let it arrive.
      if (t % 30 == 29) await until(() => server.pings == (t + 1) / 30, { what: 'ping ' + (t + 1) / 30 });
      if (t >= 20 && !h.isReceiving()) lapses++;
    }
    expect(server.pings).toBe(20);
    expect(lapses).toBe(0);
    expect(r.calls).toEqual([]);
    expect(server.upgrades).toBe(1);
    expect(server.messages).toEqual([sub('user'), MARKER]);
  });

  test('ws, pings every 15 s (the socket is never 20 s quiet): the stream opens all the same once its marker has gone 20 s unanswered', { timeout: 60_000 }, async () => {
    const { clock, server, m } = await setup('gotosocial', WebSocket, { pingMs: 15_000 });
    const h = keep(m.streamUser({}, o));
    await until(() => server.messages.length == 2, { what: 'the first batch' });
    await clock.advance(19_999);
    expect(h.isReceiving()).toBe(false);
    // (Was: never, a ping always came before the socket had been quiet for 20 s.)
    await clock.advance(1);
    expect(h.isReceiving()).toBe(true);
    for (let t = 1; t <= 4; t++) {
      await clock.advance(15_000);
      await until(() => server.pings == t + 1, { what: 'ping ' + (t + 1) });
      expect(h.isReceiving()).toBe(true);
    }
    expect(server.messages).toEqual([sub('user'), MARKER]);
    expect(server.upgrades).toBe(1);
  });

  test('a standard WebSocket: a quiet stream cannot be proven alive (pings hidden, markers unanswered): MastodonReadTimeout after timeoutSec of silence, then a new socket — one every 80 s at timeoutSec 60', { timeout: 60_000 }, async () => {
    Counted.made = 0;
    const { clock, server, m } = await setup('gotosocial', Counted, { pingMs: 30_000 });
    const r = record();
    const h = keep(m.streamUser(r.listener, o));
    const aborts: number[] = [];
    const opened: number[] = [];
    let t0 = 0;
    for (let n = 1; n <= 3; n++) {
      // Virtual time stands still while the socket opens for real.
      await until(() => Counted.made == n && server.upgrades == n && server.messages.length == 2 * n, { what: 'socket ' + n });
      t0 ||= clock.now();
      opened.push(clock.now() - t0);
      // Not open (no greeting) until its marker has gone unanswered for 20 s.
      expect(h.isReceiving()).toBe(false);
      await clock.advance(20_000);
      expect(h.isReceiving()).toBe(true);
      const before = r.calls.length;
      await clock.until(() => r.calls.length > before, { stepMs: 1000, what: 'the read timeout' });
      aborts.push(clock.now() - t0);
    }
    // Each socket: settled at 20 s (and no probe: none is answered there), the read timeout at 80 s
    // (60 s after the settle, its last sign of life), and the next socket at once (it was healthy).
    expect(opened).toEqual([0, 80_000, 160_000]);
    expect(aborts).toEqual([80_000, 160_000, 240_000]);
    expect(server.messages).toEqual([sub('user'), MARKER, sub('user'), MARKER, sub('user'), MARKER, sub('user'), MARKER]);
    expect(r.names()).toEqual(['onAbort', 'onAbort', 'onAbort']);
    for (const e of r.aborts()) expect([e, e.message]).toEqual([expect.any(MastodonReadTimeout), 'Nothing received for 60 s']);
  });
});

describe('Akkoma (answers every subscribe and unsubscribe with a pleroma:respond event)', () => {
  for (const [name, WS] of CLASSES) {
    test(`${name}: a batch settles after one round trip; the answers reach no listener`, { timeout: 60_000 }, async () => {
      const { m, server } = await setup('akkoma', WS);
      const a = record(), b = record();
      const ha = keep(m.streamUser(a.listener, o));
      const hb = keep(m.streamHashtag('Cats', b.listener, o));
      // No virtual time passes: only the round trip (was: 20 s, the fallback for a server that answers no marker).
      await until(() => ha.isReceiving() && hb.isReceiving(), { what: 'both open' });
      expect(server.messages).toEqual([sub('user'), sub('hashtag', { tag: 'Cats' }), MARKER]);
      expect(server.publish(['hashtag', 'cats'], 'delete', '7')).toBe(1);
      await until(() => b.calls.length, { what: 'the event' });
      expect([a.calls, b.calls]).toEqual([[], [['onDelete', '7']]]);
    });
  }

  test('a refused subscribe fails exactly its handle with a typed error; the others keep receiving', { timeout: 60_000 }, async () => {
    const { m, server } = await setup('akkoma', StandardLikeWebSocket, { refuse: (x) => (x.list == '99' ? 'bad_topic' : undefined) });
    const recs = [record(), record(), record(), record()];
    const hs = [
      m.streamUser(recs[0]!.listener, o),
      m.streamHashtag('cats', recs[1]!.listener, o),
      m.streamList('99', recs[2]!.listener, o),
      m.streamList('12', recs[3]!.listener, o),
    ].map(keep);
    await hs[2]!.done;
    const [[kind, err]] = recs[2]!.calls as [[string, MastodonNetworkError]];
    expect(kind).toBe('onAbort');
    expect(err).toBeInstanceOf(MastodonNetworkError);
    expect([err.message, err.status, err.fatal]).toEqual(['Subscribe to list 99 answered 400: bad_topic', 400, true]);
    expect(hs[2]!.isAlive()).toBe(false);
    await until(() => [0, 1, 3].every((i) => hs[i]!.isReceiving()), { what: 'the other three open' });
    // `bad_topic` names no kind: each of the four was subscribed again alone, so the refusal was exact.
    expect(server.messages).toEqual([
      sub('user'), sub('hashtag', { tag: 'cats' }), sub('list', { list: '99' }), sub('list', { list: '12' }), LIST_MARKER,
      sub('user'), MARKER,
      sub('hashtag', { tag: 'cats' }), MARKER,
      sub('list', { list: '99' }), LIST_MARKER,
      sub('list', { list: '12' }), LIST_MARKER,
    ]);
    server.publish(['user'], 'delete', '1');
    server.publish(['hashtag', 'cats'], 'delete', '2');
    server.publish(['list', '12'], 'delete', '3');
    expect(server.publish(['list', '99'], 'delete', '4')).toBe(0);
    await until(() => [0, 1, 3].every((i) => recs[i]!.calls.length), { what: 'the three events' });
    expect(recs.map((r) => r.calls.map(([k, p]) => (k == 'onAbort' ? k : [k, p])))).toEqual([[['onDelete', '1']], [['onDelete', '2']], ['onAbort'], [['onDelete', '3']]]);
    expect(server.upgrades).toBe(1);
  });

  test('a standard WebSocket: a quiet stream stays receiving on answered markers for 3 × timeoutSec, with no reconnect', { timeout: 60_000 }, async () => {
    Counted.received = 0;
    const { clock, m, server } = await setup('akkoma', Counted);
    const r = record();
    const h = keep(m.streamUser(r.listener, { ...o, timeoutSec: 30 }));
    await until(() => h.isReceiving(), { what: 'open' });
    let lapses = 0;
    for (let t = 0; t < 90; t++) {
      await clock.advance(1000);
      // A probe went out (after 10 s of quiet): its answer is read before time moves on.
      await until(() => Counted.received == server.messages.length, { what: 'every answer read' });
      if (!h.isReceiving()) lapses++;
    }
    expect(lapses).toBe(0);
    expect(r.calls).toEqual([]);
    expect(server.upgrades).toBe(1);
    expect(server.messages).toEqual([sub('user'), MARKER, ...Array(9).fill(MARKER)]);
  });
});

describe('a Mastodon slower than the probe period (taken for a server that answers no marker)', () => {
  /** What the client sent on a socket, each frame parsed. */
  const sent = (s: MemorySocket) => s.sent.map((f) => JSON.parse(f));

  test("its late marker answer ends muteness: later batches wait for their marker again", async () => {
    const clock = keep(new FakeClock().install());
    const t = wsTransport({ _fetch: () => fetch, _base: async () => 'http://s.example', _o: { accessToken: 'tok', WebSocket: MemorySocket } });
    const opened: string[] = [];
    const attach = (spec: StreamSpec) => {
      const ac = new AbortController();
      const hooks: ConnectionHooks = { _open: () => opened.push(spec.join(' ')), _activity() {}, _event() {}, _heartbeat() {} };
      void t._connect(spec, hooks, ac.signal, check({ runAsync: true, reconnectAsync: true, timeoutSec: 30 }, DEFAULTS, { requestTimeoutSec: 300 } as ResolvedStreamOptions)).catch(() => {});
      return ac;
    };
    MemorySocket.made = [];
    const acs = [attach(streamSpec('user'))];
    await clock.flush();
    const [s] = MemorySocket.made;
    s!.onopen!();
    expect(sent(s!)).toEqual([sub('user'), MARKER]);
    // 10 s (a third of timeoutSec 30) without the answer: taken as mute.
    await clock.advance(10_000);
    expect(opened).toEqual(['user']);
    acs.push(attach(streamSpec('hashtag', { tag: 'cats' })));
    expect(sent(s!).slice(2)).toEqual([sub('hashtag', { tag: 'cats' })]);
    expect(opened).toEqual(['user', 'hashtag cats']);
    // The answer comes after all: the socket answers markers.
    s!.onmessage!({ data: '{"error":"Error unsubscribing from channel"}' });
    acs.push(attach(streamSpec('list', { list: '12' })));
    expect(sent(s!).slice(3)).toEqual([sub('list', { list: '12' }), LIST_MARKER]);
    expect(opened).toEqual(['user', 'hashtag cats']);
    s!.onmessage!({ data: '{"error":"Error unsubscribing from channel"}' });
    expect(opened).toEqual(['user', 'hashtag cats', 'list 12']);
    for (const ac of acs) ac.abort();
    expect(clock.pending()).toBe(0);
  });
});
