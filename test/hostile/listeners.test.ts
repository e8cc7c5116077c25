/**
 * Careless listeners cannot break a handle: async methods that reject, methods that are
 * throwing getters, listeners that mutate what they are given; and event names that are not
 * strings (a WebSocket message can carry any JSON) reach no method.
 */
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { Mastodon, type Listener } from '../../src/index.js';
import { record, stubOnline, until, useCleanup } from '../kit/index.js';
import { hostileServer, hostileWsServer, sse } from '../kit/hostile-server.js';

const { keep, defer } = useCleanup();
const client = (url: string) => new Mastodon({ apiBaseUrl: url, streamingBaseUrl: url, accessToken: 'tok' });

describe('a listener that fails cannot kill the handle', () => {
  it('an async method that rejects goes to onListenerError, and the next event still comes', async () => {
    const s = keep(await hostileServer((_req, res) => sse(res, 'event: update\ndata: {"id":"1"}\n\nevent: delete\ndata: 2\n\n')));
    const boom = new Error('async listener bug');
    const calls: unknown[][] = [];
    const listener: Listener = {
      async onUpdate() {
        await Promise.resolve();
        throw boom;
      },
      onDelete: (id) => void calls.push(['onDelete', id]),
      onListenerError: (err, name) => void calls.push(['onListenerError', err, name]),
    };
    const h = keep(client(s.url).streamUser(listener, { runAsync: true }));
    await until(() => calls.length >= 2, { what: 'onDelete and onListenerError' });
    // c136974: an unhandled rejection (Node exits; vitest fails the run).
    expect(calls).toEqual([
      ['onDelete', '2'],
      ['onListenerError', boom, 'onUpdate'],
    ]);
    expect(h.isAlive()).toBe(true);
  });

  it('an async onListenerError that rejects goes to console.error, nowhere else', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    defer(() => spy.mockRestore());
    const s = keep(await hostileServer((_req, res) => sse(res, 'event: delete\ndata: 2\n\n')));
    const inner = new Error('handler bug');
    const h = keep(
      client(s.url).streamUser(
        {
          onDelete() {
            throw new Error('outer');
          },
          async onListenerError() {
            throw inner;
          },
        },
        { runAsync: true },
      ),
    );
    await until(() => spy.mock.calls.length >= 1, { what: 'console.error' });
    expect(spy.mock.calls).toEqual([['mastodon-streaming: onDelete threw', inner]]);
    expect(h.isAlive()).toBe(true);
  });

  it('a method that is a throwing getter: onListenerError, and the stream goes on (blocking mode)', async () => {
    const s = keep(await hostileServer((_req, res) => sse(res, 'event: update\ndata: {"id":"1"}\n\nevent: delete\ndata: 2\n\n')));
    const boom = new Error('getter bug');
    const calls: unknown[][] = [];
    const listener = {
      get onUpdate(): () => void {
        throw boom;
      },
      onDelete: (id: string) => void calls.push(['onDelete', id]),
      onListenerError: (err: unknown, name: string) => void calls.push(['onListenerError', err, name]),
      onAbort: (err: Error) => void calls.push(['onAbort', err]),
    };
    const ac = new AbortController();
    const done = client(s.url).streamUser(listener, { signal: ac.signal });
    await until(() => calls.length >= 2, { what: 'two calls' });
    // c136974: the getter's error escaped into the parser: the connection was dropped, the promise rejected.
    expect(calls).toEqual([
      ['onListenerError', boom, 'onUpdate'],
      ['onDelete', '2'],
    ]);
    ac.abort();
    await expect(done).resolves.toBeUndefined();
  });

  it('a listener that reverses forStream cannot change the next reconnect’s URL', async () => {
    const s = keep(
      await hostileServer((_req, res, n) => {
        sse(res, 'event: update\ndata: {"id":"1"}\n\n');
        if (n == 0) setTimeout(() => res.socket?.destroy(), 50);
      }),
    );
    const seen: unknown[] = [];
    const errors: unknown[] = [];
    keep(
      client(s.url).streamHashtag(
        'cats',
        {
          onAnyEvent(_name, _payload, forStream) {
            seen.push([...forStream]);
            (forStream as string[]).reverse();
          },
          onListenerError: (err) => void errors.push(err),
        },
        { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.1 },
      ),
    );
    await until(() => s.count() >= 2 && seen.length >= 2, { what: 'the reconnect and its event' });
    // c136974: the second request went to /api/v1/streaming/cats?tag=hashtag.
    expect(s.requests.map((r) => r.url)).toEqual(['/api/v1/streaming/hashtag?tag=cats', '/api/v1/streaming/hashtag?tag=cats']);
    expect(seen).toEqual([
      ['hashtag', 'cats'],
      ['hashtag', 'cats'],
    ]);
    // The array is frozen: reversing it throws, which is the listener's own error.
    expect(errors.length).toBe(2);
    expect(errors[0]).toBeInstanceOf(TypeError);
  });
});

describe('online in blocking mode', () => {
  const online = stubOnline();

  it('a healthy blocking stream is not ended by the browser’s online event', async () => {
    const s = keep(await hostileServer((_req, res) => sse(res)));
    const r = record();
    const ac = new AbortController();
    let settled: unknown = 'pending';
    const p = client(s.url)
      .streamUser(r.listener, { signal: ac.signal })
      .then(
        () => (settled = 'resolved'),
        (e: unknown) => (settled = e),
      );
    await until(() => r.calls.length >= 1, { what: 'the greeting' });
    online.goOnline();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // c136974: rejected with MastodonNetworkError "Back online".
    expect(settled).toBe('pending');
    expect(s.count()).toBe(1);
    ac.abort();
    await p;
    expect(settled).toBe('resolved');
  });
});

describe('WebSocket event names that are not strings', () => {
  it('["update"], 42 and objects in place of strings reach no listener method and kill nothing; the next real event does', async () => {
    const { wss, url } = keep(await hostileWsServer());
    wss.on('connection', (socket) => {
      socket.on('message', (data) => {
        const m = JSON.parse(String(data)) as { type: string; stream: string };
        if (m.type != 'subscribe') return;
        socket.send(JSON.stringify({ stream: ['user'], event: ['update'], payload: '{"id":"1"}' }));
        socket.send(JSON.stringify({ stream: ['user'], event: 42, payload: '{"id":"2"}' }));
        socket.send(JSON.stringify({ stream: ['user'], event: { toString: 'update' }, payload: '{"id":"3"}' }));
        // Objects where strings belong, whose toString is no function: `==` or String() on them throws.
        socket.send(JSON.stringify({ stream: { toString: 'user' }, event: 'update', payload: '{"id":"4"}' }));
        socket.send(JSON.stringify({ stream: [{ toString: 'user' }], event: 'update', payload: '{"id":"5"}' }));
        socket.send(JSON.stringify({ error: 'Not allowed', status: { toString: 401 } }));
        socket.send(JSON.stringify({ event: 'pleroma:respond', payload: JSON.stringify({ type: { toString: 1 }, result: { toString: 'error' } }) }));
        socket.send(JSON.stringify({ stream: ['user'], event: 'delete', payload: '7' }));
      });
    });
    const m = new Mastodon({ apiBaseUrl: url, streamingBaseUrl: url, accessToken: 'tok', transport: 'websocket', WebSocket });
    const r = record(undefined, { onAnyEvent: () => {}, on42: () => {} });
    keep(m.streamUser(r.listener, { runAsync: true }));
    await until(() => r.calls.some((c) => c[0] == 'onDelete' || c[0] == 'onAbort'), { what: 'the delete' });
    // c136974: onUpdate({id: '1'}), on42({id: '2'}) and their onAnyEvent calls.
    expect(r.events()).toEqual([
      ['onAnyEvent', 'delete', '7', ['user']],
      ['onDelete', '7'],
    ]);
  });
});
