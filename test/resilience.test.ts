// The handle's resilience: `online` and a frozen runtime reconnect at once (no read timeout,
// no back-off), and the back-off count resets after a healthy connection. Node has no
// `online` event, so globalThis.addEventListener is stubbed (platform.ts reads it at run time).
import { describe, expect, it } from 'vitest';
import { Mastodon, MastodonNetworkError, StreamListener } from '../src/index.js';
import { stubOnline, useFakeMastodon, type FakeMastodon } from './kit/index.js';

const { start, keep } = useFakeMastodon();
const { goOnline, count: onlineListenerCount } = stubOnline();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Recorder extends StreamListener {
  aborts: Error[] = [];
  override onAbort(err: Error): void {
    this.aborts.push(err);
  }
}

async function open(opts: { timeoutSec: number; reconnectAsyncWaitSec: number }, heartbeatMs = 0) {
  const fake = await start({ heartbeatMs });
  const mastodon = new Mastodon({ apiBaseUrl: fake.apiUrl, streamingBaseUrl: fake.streamingUrl, accessToken: fake.token });
  const listener = new Recorder();
  const handle = mastodon.streamUser(listener, { runAsync: true, reconnectAsync: true, ...opts });
  keep(handle);
  await fake.waitForConnections(1);
  return { fake, listener, handle };
}

const sseTimes = (f: FakeMastodon) => f.requests.filter((r) => r.kind === 'sse').map((r) => r.time);

describe('online', () => {
  it('while connected: drops the connection and reconnects at once, without waiting for the read timeout', async () => {
    const { fake, listener, handle } = await open({ timeoutSec: 30, reconnectAsyncWaitSec: 10 });
    expect(onlineListenerCount()).toBe(1);
    const t0 = Date.now();
    goOnline();
    await fake.waitFor(() => sseTimes(fake).length === 2, { timeoutMs: 1000 });
    expect(sseTimes(fake)[1]! - t0).toBeLessThan(500);
    expect(listener.aborts.map((e) => [e.name, e.message])).toEqual([['MastodonNetworkError', 'Back online']]);
    expect(listener.aborts[0]).toBeInstanceOf(MastodonNetworkError);
    await fake.waitForConnections(1);
    expect(handle.isAlive()).toBe(true);
    for (let i = 0; i < 100 && !handle.isReceiving(); i++) await sleep(5);
    expect(handle.isReceiving()).toBe(true);
  });

  it('while backing off: ends the wait at once', async () => {
    const { fake, listener } = await open({ timeoutSec: 30, reconnectAsyncWaitSec: 10 });
    // Up for less than reconnectAsyncWaitSec: a failure, so the next attempt waits 5–10 s.
    fake.dropConnections();
    await sleep(300);
    expect(sseTimes(fake).length).toBe(1);
    const t0 = Date.now();
    goOnline();
    await fake.waitFor(() => sseTimes(fake).length === 2, { timeoutMs: 1000 });
    expect(sseTimes(fake)[1]! - t0).toBeLessThan(500);
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
    const { fake, listener } = await open({ timeoutSec: 1, reconnectAsyncWaitSec: 10 }, 100);
    await sleep(200);
    // Block the event loop well past the threshold (half the read timeout, at least 1 s, late).
    const end = Date.now() + 2300;
    while (Date.now() < end) {
      /* frozen */
    }
    const t0 = Date.now();
    await fake.waitFor(() => sseTimes(fake).length === 2, { timeoutMs: 1000 });
    expect(sseTimes(fake)[1]! - t0).toBeLessThan(500);
    expect(listener.aborts.map((e) => [e.name, e.message])).toEqual([['MastodonNetworkError', 'Runtime was frozen']]);
  });

  it('leaves the stream alone when timers run late but bytes keep coming (a throttled hidden tab)', async () => {
    const { fake, listener, handle } = await open({ timeoutSec: 2, reconnectAsyncWaitSec: 10 }, 100);
    // Chrome runs the timers of a long-hidden tab up to a minute late while the page still
    // reads its streams. Here every timer of 300 ms or more (the handle's; the fake's
    // heartbeats and these sleeps are shorter) runs 1.5 s late: past the 1 s threshold.
    const real = globalThis.setTimeout;
    let delayed = 0;
    globalThis.setTimeout = ((fn: () => void, ms?: number) => {
      if ((ms ?? 0) >= 300) {
        delayed++;
        ms = ms! + 1500;
      }
      return real(fn, ms);
    }) as typeof setTimeout;
    try {
      await sleep(250); // the handle's current timer was armed before the patch: let it re-arm once
      const end = Date.now() + 6000;
      while (Date.now() < end) await sleep(100);
    } finally {
      globalThis.setTimeout = real;
    }
    expect(delayed).toBeGreaterThanOrEqual(2);
    expect(listener.aborts).toEqual([]);
    expect(sseTimes(fake)).toHaveLength(1);
    expect(handle.isReceiving()).toBe(true);
  });
});

describe('back-off', () => {
  it('resets after a healthy connection; a connection that ends sooner counts as a failure', async () => {
    const { fake } = await open({ timeoutSec: 30, reconnectAsyncWaitSec: 1 });
    const gapAfterDrop = async (upMs: number, n: number) => {
      await sleep(upMs);
      const t0 = Date.now();
      fake.dropConnections();
      await fake.waitFor(() => sseTimes(fake).length === n, { timeoutMs: 3000 });
      await fake.waitForConnections(1);
      return sseTimes(fake)[n - 1]! - t0;
    };
    // Up 1.1 s ≥ 1 s: healthy, immediate reconnect.
    expect(await gapAfterDrop(1100, 2)).toBeLessThan(300);
    // Up ~0 ms: a failure, waits 0.5–1 s.
    const failed = await gapAfterDrop(0, 3);
    expect(failed).toBeGreaterThanOrEqual(490);
    expect(failed).toBeLessThan(1500);
    // Healthy again: the count is reset, immediate again.
    expect(await gapAfterDrop(1100, 4)).toBeLessThan(300);
  });
});
