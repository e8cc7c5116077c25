/**
 * The back-off (src/backoff.ts), a pure module: the waits, their cap and random factor, and
 * `Retry-After` in both of its forms — delta-seconds and the HTTP date, which a handle then
 * honours to the millisecond (virtual time).
 */
import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter } from '../../src/backoff.js';
import type { Stream } from '../../src/handle.js';
import { Mastodon, MastodonNetworkError } from '../../src/index.js';
import { FakeClock, record, until, useWireServer } from '../kit/index.js';

describe('backoffMs', () => {
  it('no failure (the connection had been up): no wait', () => {
    expect(backoffMs(0, 5, 60, 0.5)).toBe(0);
  });

  it('doubles per failure from the base, times 0.5 + random/2', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, 2, 60, 0.5))).toEqual([1500, 3000, 6000, 12000, 24000]);
    expect([1, 2, 3].map((n) => backoffMs(n, 2, 60, 0))).toEqual([1000, 2000, 4000]);
  });

  it('is capped at the maximum wait (before the random factor), however many failures', () => {
    expect(backoffMs(10, 2, 10, 0)).toBe(5000);
    expect(backoffMs(10, 2, 10, 0.5)).toBe(7500);
    expect(backoffMs(1000, 2, 10, 0.5)).toBe(7500);
  });

  it('a longer Retry-After wins over the computed wait; a shorter one does not', () => {
    expect(backoffMs(1, 1, 60, 0.5, 30)).toBe(30_000);
    expect(backoffMs(3, 4, 60, 0.5, 2)).toBe(12_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 11, 1, 12, 0, 0);

  it('absent or empty: undefined', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
  });

  it('delta-seconds, surrounding spaces allowed', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 7 ', now)).toBe(7);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('an HTTP date: the seconds from now until then', () => {
    expect(parseRetryAfter('Tue, 01 Dec 2026 12:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter(new Date(now + 2_000).toUTCString(), now)).toBe(2);
  });

  it('an HTTP date in the past: no wait', () => {
    expect(parseRetryAfter('Tue, 01 Dec 2026 11:59:00 GMT', now)).toBe(0);
  });

  it('unreadable: undefined', () => {
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('a handle honours Retry-After as an HTTP date', () => {
  const wire = useWireServer();

  it('503 with Retry-After 42 s ahead (as a date): the next attempt is exactly 42 s later', async () => {
    const clock = wire.keep(new FakeClock().install());
    const s = await wire.start();
    const date = new Date(clock.now() + 42_000).toUTCString();
    expect(clock.now() % 1000).toBe(0); // the date has whole seconds: exact
    s.failNext(1, { status: 503, body: '', headers: { 'retry-after': date } });
    const r = record();
    const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: 'tok' });
    const h = wire.keep(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 1, reconnectAsyncMaxWaitSec: 300 }));
    await until(() => (h as Stream)._state() === 'waiting');
    const err = r.aborts()[0] as MastodonNetworkError;
    expect([err.status, err.retryAfterSec]).toEqual([503, 42]);
    expect(clock.delays()).toEqual([42_000]);
    await clock.advance(41_999);
    expect(s.streamRequests()).toHaveLength(1);
    await clock.advance(1);
    await s.waitForConns(1);
    expect(s.streamRequests()).toHaveLength(2);
  });
});
