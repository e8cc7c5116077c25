// The handle's resilience: `online` and a frozen runtime reconnect at once (no read timeout,
// no back-off), and the back-off count resets after a healthy connection. Node has no
// `online` event, so globalThis.addEventListener is stubbed (platform.ts reads it at run time).
// The library's time is virtual (FakeClock): "at once" means with no virtual time passing, a
// freeze is a jump of the clock past the timers, and a throttled tab is timers that fire late
// while bytes keep coming — exactly, without blocking or patching this process's timers.
import { describe, expect, it } from 'vitest';
import { Mastodon, MastodonNetworkError, StreamListener, type StreamHandle } from '../src/index.js';
import type { Stream } from '../src/handle.js';
import { FakeClock, stubOnline, until, useFakeMastodon, type FakeMastodon } from './kit/index.js';

const { start, keep } = useFakeMastodon();
const { goOnline, count: onlineListenerCount } = stubOnline();

class Recorder extends StreamListener {
  aborts: Error[] = [];
  heartbeats = 0;
  override onAbort(err: Error): void {
    this.aborts.push(err);
  }
  override handleHeartbeat(): void {
    this.heartbeats++;
  }
}

async function open(opts: { timeoutSec: number; reconnectAsyncWaitSec: number }) {
  const clock = keep(new FakeClock().install());
  const fake = await start();
  const mastodon = new Mastodon({ apiBaseUrl: fake.apiUrl, streamingBaseUrl: fake.streamingUrl, accessToken: fake.token });
  const listener = new Recorder();
  const handle = keep(mastodon.streamUser(listener, { runAsync: true, reconnectAsync: true, ...opts }));
  await fake.waitForConnections(1);
  await until(() => listener.heartbeats === 1, { what: 'the greeting' });
  return { clock, fake, listener, handle };
}

const sseCount = (f: FakeMastodon) => f.requests.filter((r) => r.kind === 'sse').length;
const stateOf = (h: StreamHandle) => (h as Stream)._state();

describe('online', () => {
  it('while connected: drops the connection and reconnects at once, without waiting for the read timeout', async () => {
    const { clock, fake, listener, handle } = await open({ timeoutSec: 30, reconnectAsyncWaitSec: 10 });
    expect(onlineListenerCount()).toBe(1);
    const t0 = clock.now();
    goOnline();
    await fake.waitFor(() => sseCount(fake) === 2 && fake.sseConnections() === 1);
    expect(clock.now()).toBe(t0); // no virtual time passed: no timer was waited for
    expect(listener.aborts.map((e) => [e.name, e.message])).toEqual([['MastodonNetworkError', 'Back online']]);
    expect(listener.aborts[0]).toBeInstanceOf(MastodonNetworkError);
    await until(() => handle.isReceiving(), { what: 'receiving again' });
    expect(handle.isAlive()).toBe(true);
  });

  it('while backing off: ends the wait at once', async () => {
    const { clock, fake, listener, handle } = await open({ timeoutSec: 30, reconnectAsyncWaitSec: 10 });
    // Up for less than reconnectAsyncWaitSec: a failure, so the next attempt waits 10 × 0.75 s.
    fake.dropConnections();
    await until(() => stateOf(handle) === 'waiting');
    expect(clock.delays()).toEqual([7500]);
    await clock.advance(7499);
    expect(sseCount(fake)).toBe(1);
    goOnline();
    await fake.waitFor(() => sseCount(fake) === 2 && fake.sseConnections() === 1);
    expect(listener.aborts.map((e) => e.message)).toEqual(['Connection to /api/v1/streaming/user lost']);
  });

  it('stops listening once the handle is closed', async () => {
    const { handle } = await open({ timeoutSec: 30, reconnectAsyncWaitSec: 10 });
    expect(onlineListenerCount()).toBe(1);
    handle.close();
    expect(onlineListenerCount()).toBe(0);
  });
});

describe('a frozen runtime', () => {
  it('reconnects at once when a timer fires far too late', async () => {
    const { clock, fake, listener } = await open({ timeoutSec: 4, reconnectAsyncWaitSec: 10 });
    // The runtime sleeps 10 s: past the read timeout's timer by more than the threshold (half
    // the read timeout, at least 1 s). On waking the timer fires late, with nothing read.
    clock.jump(10_000);
    await clock.advance(0);
    await fake.waitFor(() => sseCount(fake) === 2 && fake.sseConnections() === 1);
    expect(listener.aborts.map((e) => [e.name, e.message])).toEqual([['MastodonNetworkError', 'Runtime was frozen']]);
  });

  it('a timer late by no more than the threshold is no freeze', async () => {
    const { clock, fake, listener } = await open({ timeoutSec: 4, reconnectAsyncWaitSec: 10 });
    // Bytes at 3 s; the timer (due at 4 s) fires at 6 s: 2 s late, exactly the threshold (half
    // the read timeout), so no freeze; and 3 s of silence is not the 4 s read timeout.
    clock.jump(3000);
    await fake.writeRaw(':thump\n\n');
    await until(() => listener.heartbeats === 2);
    clock.jump(3000);
    await clock.advance(0);
    expect(listener.aborts).toEqual([]);
    expect(sseCount(fake)).toBe(1);
  });

  it('leaves the stream alone when timers run late but bytes keep coming (a throttled hidden tab)', async () => {
    const { clock, fake, listener, handle } = await open({ timeoutSec: 2, reconnectAsyncWaitSec: 10 });
    // Chrome runs the timers of a long-hidden tab up to a minute late while the page still
    // reads its streams. Here the handle's timer fires 1.5 s late (past the 1 s threshold),
    // ten times in a row, while a heartbeat arrives every 500 ms.
    for (let round = 0; round < 10; round++) {
      const due = clock.now() + clock.delays()[0]!;
      while (clock.now() < due + 1500) {
        clock.jump(500);
        const n = listener.heartbeats;
        await fake.writeRaw(':thump\n\n');
        await until(() => listener.heartbeats === n + 1);
      }
      expect(clock.now() - due).toBeGreaterThan(1000);
      await clock.advance(0); // the late timer fires
      expect(clock.pending()).toBe(1); // re-armed
    }
    expect(listener.aborts).toEqual([]);
    expect(sseCount(fake)).toBe(1);
    expect(handle.isReceiving()).toBe(true);
  });
});

describe('back-off', () => {
  it('resets after a healthy connection; a connection that ends sooner counts as a failure', async () => {
    const { clock, fake, handle } = await open({ timeoutSec: 30, reconnectAsyncWaitSec: 1 });
    const reconnected = (n: number) => fake.waitFor(() => sseCount(fake) === n && fake.sseConnections() === 1);
    // Up 1 s (the base wait): healthy, the reconnect is immediate.
    await clock.advance(1000);
    fake.dropConnections();
    await reconnected(2);
    // Up 0 ms: a failure, waits 1 × 0.75 s.
    fake.dropConnections();
    await until(() => stateOf(handle) === 'waiting');
    expect(clock.delays()).toEqual([750]);
    await clock.advance(750);
    await reconnected(3);
    // Healthy again: the count is reset, immediate again.
    await clock.advance(1000);
    fake.dropConnections();
    await reconnected(4);
    expect(clock.pending()).toBe(1); // only the read timeout's timer: no back-off wait was set
  });
});
