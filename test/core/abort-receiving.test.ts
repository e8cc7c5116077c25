/**
 * What a listener sees of the handle from inside `onAbort`: the connection that ended is no
 * longer receiving (API.md: `isReceiving()` is false while connecting, backing off, stalled or
 * closed), while the handle is still alive (it is about to reconnect, or to end after onAbort).
 * Before the fix the state stayed 'open' until onAbort returned, so a listener sampling
 * isReceiving() in onAbort after a drop saw true.
 */
import { describe, expect, it } from 'vitest';
import { Mastodon, type StreamHandle } from '../../src/index.js';
import type { Stream } from '../../src/handle.js';
import { stubOnline, until, useWireServer } from '../kit/index.js';

const TOKEN = 'test-token';
const wire = useWireServer();
const { goOnline } = stubOnline();

async function setup() {
  const s = await wire.start();
  return { s, m: new Mastodon({ apiBaseUrl: s.url, accessToken: TOKEN, streamingBaseUrl: s.url }) };
}

/** A listener that records, at each onAbort, the error's message and what the handle says right then. */
function sampler(handle: () => StreamHandle | undefined) {
  const seen: { message: string; receiving: boolean; alive: boolean; state: string }[] = [];
  let heartbeats = 0;
  const listener = {
    handleHeartbeat: () => void heartbeats++,
    onAbort: (err: Error) => {
      const h = handle()!;
      seen.push({ message: err.message, receiving: h.isReceiving(), alive: h.isAlive(), state: (h as Stream)._state() });
    },
  };
  return { listener, seen, heartbeats: () => heartbeats };
}

describe('isReceiving() inside onAbort is false', () => {
  it('after a drop mid-stream (reconnectAsync): not receiving, still alive; receiving again after the reconnect', async () => {
    const { s, m } = await setup();
    let h: StreamHandle | undefined;
    const r = sampler(() => h);
    h = wire.keep(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.05 }));
    await until(() => r.heartbeats() === 1 && h!.isReceiving(), { what: 'receiving' });
    s.drop();
    await until(() => r.seen.length === 1, { what: 'onAbort' });
    expect(r.seen).toEqual([{ message: 'Connection to /api/v1/streaming/user lost', receiving: false, alive: true, state: 'waiting' }]);
    await until(() => r.heartbeats() === 2 && h!.isReceiving(), { what: 'receiving again' });
    expect(s.streamRequests().length).toBe(2);
  });

  it('after a clean end of the stream (an async handle reconnects)', async () => {
    const { s, m } = await setup();
    let h: StreamHandle | undefined;
    const r = sampler(() => h);
    h = wire.keep(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.05 }));
    await until(() => r.heartbeats() === 1 && h!.isReceiving(), { what: 'receiving' });
    s.end();
    await until(() => r.seen.length === 1, { what: 'onAbort' });
    expect(r.seen).toEqual([{ message: 'The server ended the stream', receiving: false, alive: true, state: 'waiting' }]);
    await until(() => r.heartbeats() === 2 && h!.isReceiving(), { what: 'receiving again' });
  });

  it('after `online` interrupts a connection that was receiving (bytes just came)', async () => {
    const { s, m } = await setup();
    let h: StreamHandle | undefined;
    const r = sampler(() => h);
    h = wire.keep(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.05 }));
    await until(() => r.heartbeats() === 1 && h!.isReceiving(), { what: 'receiving' });
    goOnline();
    await until(() => r.seen.length === 1, { what: 'onAbort' });
    expect(r.seen).toEqual([{ message: 'Back online', receiving: false, alive: true, state: 'waiting' }]);
    await until(() => r.heartbeats() === 2 && h!.isReceiving(), { what: 'receiving again' });
    expect(s.streamRequests().length).toBe(2);
  });

  it('without reconnectAsync: not receiving in onAbort, then the handle ends', async () => {
    const { s, m } = await setup();
    let h: StreamHandle | undefined;
    const r = sampler(() => h);
    h = wire.keep(m.streamUser(r.listener, { runAsync: true }));
    await until(() => r.heartbeats() === 1 && h!.isReceiving(), { what: 'receiving' });
    s.drop();
    await h.done;
    expect(r.seen).toEqual([{ message: 'Connection to /api/v1/streaming/user lost', receiving: false, alive: true, state: 'waiting' }]);
    expect([h.isAlive(), h.isReceiving(), (h as Stream)._state()]).toEqual([false, false, 'closed']);
  });
});
