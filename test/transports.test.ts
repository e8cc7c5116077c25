// The listener-level behaviour of a stream, identical over both transports: SSE and the
// shared WebSocket (Node 20: the `ws` package passed as the WebSocket option).
import { describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { record, until, useFakeMastodon, type FakeMastodon } from './kit/index.js';
import { Mastodon, MastodonNetworkError, type Listener, type MastodonOptions, type StreamHandle } from '../src/index.js';

const { start, keep } = useFakeMastodon();

const fast = { runAsync: true as const, reconnectAsync: true, reconnectAsyncWaitSec: 0.05, timeoutSec: 5 };

/** The kit's recorder with the methods these tests listen to (no heartbeats: SSE has them, WebSocket not). */
const recorder = () => record(['onUpdate', 'onDelete', 'onNotification', 'onUnknownEvent', 'onAbort']);

describe.each(['sse', 'websocket'] as const)('transport %s', (transport) => {
  const client = (f: FakeMastodon, o: Partial<MastodonOptions> = {}) =>
    new Mastodon({ apiBaseUrl: f.apiUrl, accessToken: f.token, transport, WebSocket, ...o } as MastodonOptions);
  /** Resolves once the stream is subscribed (WebSocket) or connected (SSE). */
  const ready = (f: FakeMastodon, n = 1) => (transport === 'sse' ? f.waitForConnections(n) : f.waitForSubscriptions(n));
  const isOpen = (h: StreamHandle) => () => h.isReceiving();

  test('update, notification and delete arrive with exact payloads and ids', async () => {
    const f = await start();
    const r = recorder();
    const seen: unknown[] = [];
    const h = keep(client(f).streamUser({ ...r.listener, onAnyEvent: (name, _p, s) => seen.push([name, s]) }, fast));
    await ready(f);
    await until(isOpen(h));
    const status = f.postStatus({ text: 'hello' });
    const note = f.notify('favourite');
    f.deleteStatus(status.id);
    await until(() => r.calls.length === 3);
    expect(r.calls).toEqual([['onUpdate', status], ['onNotification', note], ['onDelete', status.id]]);
    expect(status.id).toMatch(/^\d{18}$/);
    expect(r.calls[2]![1]).toBe(status.id);
    expect(seen).toEqual([['update', ['user']], ['notification', ['user']], ['delete', ['user']]]);
  });

  test('hashtag events reach only the stream of their tag, whatever its case', async () => {
    const f = await start();
    const cats = recorder(), dogs = recorder();
    const m = client(f);
    const hc = keep(m.streamHashtag('Cats', cats.listener, fast));
    const hd = keep(m.streamHashtag('dogs', dogs.listener, fast));
    await ready(f, 2);
    await until(() => hc.isReceiving() && hd.isReceiving());
    const a = f.postStatus({ tags: ['cats'] });
    const b = f.postStatus({ tags: ['dogs'] });
    const c = f.postStatus({ tags: ['CATS', 'dogs'] });
    // A last status on both tags: once each stream has it, a misrouted or duplicated earlier
    // one would have arrived before it.
    const d = f.postStatus({ tags: ['cats', 'dogs'] });
    await until(() => cats.calls.length >= 3 && dogs.calls.length >= 3);
    expect(cats.calls).toEqual([['onUpdate', a], ['onUpdate', c], ['onUpdate', d]]);
    expect(dogs.calls).toEqual([['onUpdate', b], ['onUpdate', c], ['onUpdate', d]]);
  });

  test('unknown events go to a matching method, else to onUnknownEvent', async () => {
    const f = await start();
    const r = recorder();
    const custom: unknown[] = [];
    const h = keep(client(f).streamUser({ ...r.listener, onSomeNewEvent: (p: unknown) => custom.push(p) } as Listener, fast));
    await ready(f);
    await until(isOpen(h));
    f.publish({ stream: 'user' }, 'some.new_event', { a: 1 });
    f.publish({ stream: 'user' }, 'brand_new', { id: '117024248092393662' });
    f.publish({ stream: 'user' }, 'count', '117024248092393663');
    await until(() => r.calls.length === 2);
    expect(custom).toEqual([{ a: 1 }]);
    expect(r.calls).toEqual([
      ['onUnknownEvent', 'brand_new', { id: '117024248092393662' }],
      ['onUnknownEvent', 'count', '117024248092393663'],
    ]);
  });

  test('a dropped connection reconnects and delivers again', async () => {
    const f = await start();
    const r = recorder();
    const h = keep(client(f).streamUser(r.listener, fast));
    await ready(f);
    await until(isOpen(h));
    expect(f.dropConnections()).toBe(1);
    await until(() => r.calls.length === 1);
    await ready(f);
    await until(isOpen(h));
    const s = f.postStatus();
    await until(() => r.calls.length === 2);
    expect(r.names()).toEqual(['onAbort', 'onUpdate']);
    expect(r.calls[0]![1]).toBeInstanceOf(MastodonNetworkError);
    expect((r.calls[0]![1] as MastodonNetworkError).fatal).toBe(false);
    expect(r.calls[1]![1]).toEqual(s);
    expect(h.isAlive()).toBe(true);
  });

  test('a clean end (revoked session) reconnects, meets 401 and stops for good', async () => {
    const f = await start();
    const r = recorder();
    const h = keep(client(f).streamUser(r.listener, fast));
    await ready(f);
    await until(isOpen(h));
    f.revoke(f.token);
    await h.done;
    expect(r.names()).toEqual(['onAbort', 'onAbort']);
    const [end, refused] = [r.calls[0]![1] as MastodonNetworkError, r.calls[1]![1] as MastodonNetworkError];
    expect(end).toBeInstanceOf(MastodonNetworkError);
    expect(end.status).toBeUndefined();
    expect(refused).toBeInstanceOf(MastodonNetworkError);
    expect(refused.status).toBe(401);
    expect(refused.fatal).toBe(true);
    expect(refused.serverMessage).toBe('Invalid access token');
    expect(refused.message).not.toContain(f.token);
    expect(h.isAlive()).toBe(false);
  });

  test('a blocking stream resolves on a clean end', async () => {
    const f = await start();
    const updates: unknown[] = [];
    const done = client(f).streamUser({ onUpdate: (s) => updates.push(s) }, { timeoutSec: 5 });
    await ready(f);
    // The stream is proven live (an event went through) before the server ends it.
    const s = f.postStatus();
    await until(() => updates.length === 1);
    expect(updates).toEqual([s]);
    expect(f.endStreams()).toBe(1);
    await expect(done).resolves.toBeUndefined();
  });

  test('5xx answers are retried until the stream opens', async () => {
    const f = await start();
    f.failNext(2, 503);
    const r = recorder();
    const h = keep(client(f).streamUser(r.listener, fast));
    await ready(f);
    await until(isOpen(h));
    const s = f.postStatus();
    await until(() => r.calls.length === 3);
    expect(r.names()).toEqual(['onAbort', 'onAbort', 'onUpdate']);
    for (const c of r.calls.slice(0, 2)) {
      expect(c[1]).toBeInstanceOf(MastodonNetworkError);
      expect((c[1] as MastodonNetworkError).fatal).toBe(false);
    }
    // Over WebSocket the status is known only where the class shows it: `ws` does.
    expect((r.calls[0]![1] as MastodonNetworkError).status).toBe(503);
    expect(r.calls[2]![1]).toEqual(s);
  });

  test('a bad token is fatal: 401, one onAbort, the blocking promise rejects', async () => {
    const f = await start();
    const r = recorder();
    const err = await client(f, { accessToken: 'wrong-token' }).streamUser(r.listener).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MastodonNetworkError);
    expect((err as MastodonNetworkError).status).toBe(401);
    expect((err as MastodonNetworkError).fatal).toBe(true);
    expect((err as MastodonNetworkError).serverMessage).toBe('Invalid access token');
    expect(String((err as Error).message)).not.toContain('wrong-token');
    expect(r.calls).toEqual([['onAbort', err]]);
    await until(() => f.connections() === 0);
  });

  test('close() stops everything: no more calls, no connection left', async () => {
    const f = await start();
    const r = recorder();
    const h = keep(client(f).streamUser(r.listener, fast));
    await ready(f);
    await until(isOpen(h));
    const connects = f.requests.filter((q) => q.kind === (transport === 'sse' ? 'sse' : 'ws')).length;
    h.close();
    expect(h.isAlive()).toBe(false);
    await until(() => f.connections() === 0);
    // A witness on its own client sees a status posted after close(): by then the closed
    // handle would have had it too.
    const witness = recorder();
    const w = keep(client(f).streamUser(witness.listener, fast));
    await ready(f);
    await until(isOpen(w));
    const s = f.postStatus();
    await until(() => witness.calls.length === 1);
    expect(witness.calls).toEqual([['onUpdate', s]]);
    expect(r.calls).toEqual([]);
    await expect(h.done).resolves.toBeUndefined();
    // The closed handle never connected again (the one new connection is the witness's).
    expect(f.requests.filter((q) => q.kind === (transport === 'sse' ? 'sse' : 'ws')).length).toBe(connects + 1);
  });

  test('stream() yields typed events; break closes the stream', async () => {
    const f = await start();
    const it = client(f).stream('hashtag', { tag: 'cats' }, { timeoutSec: 5 });
    const got: unknown[] = [];
    const posted: unknown[] = [];
    void (async () => {
      await ready(f);
      posted.push(f.postStatus({ tags: ['cats'] }));
      f.publish({ stream: 'hashtag', tag: 'cats' }, 'delete', '117024248092393670');
    })();
    for await (const e of it) {
      got.push(e);
      if (got.length === 2) break;
    }
    expect(got).toEqual([
      { event: 'update', payload: posted[0], stream: ['hashtag', 'cats'] },
      { event: 'delete', payload: '117024248092393670', stream: ['hashtag', 'cats'] },
    ]);
    await until(() => f.connections() === 0);
  });
});
