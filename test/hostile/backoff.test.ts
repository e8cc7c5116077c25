/** backoff.ts alone: the waits, their bounds, and Retry-After in both of its forms. */
import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter } from '../../src/backoff.js';

const NOW = Date.UTC(2026, 11, 1, 12);

describe('backoffMs', () => {
  it('after a connection that was up (0 failures): at once, unless the server asked for a wait', () => {
    expect(backoffMs(0, 5, 300, 0.5)).toBe(0);
    expect(backoffMs(0, 5, 300, 0.5, 0)).toBe(0);
    expect(backoffMs(0, 5, 300, 0.5, 7)).toBe(7000);
  });

  it('the n-th failure: min(max, base × 2^(n−1)) × (0.5 + random / 2)', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffMs(n, 5, 300, 0))).toEqual([2500, 5000, 10000, 20000, 40000, 80000, 150000, 150000]);
    expect([1, 2, 3].map((n) => backoffMs(n, 5, 300, 1))).toEqual([5000, 10000, 20000]);
    expect(backoffMs(4, 2, 10, 0.5)).toBe(7500);
  });

  it('Retry-After wins when longer, but never past the cap', () => {
    expect(backoffMs(1, 5, 300, 0, 60)).toBe(60_000);
    expect(backoffMs(1, 5, 300, 0, 1)).toBe(2500);
    // c136974: 2,147,484,000 ms, which a timer fires after 1 ms.
    expect(backoffMs(1, 5, 300, 0, 2_147_484)).toBe(300_000);
    expect(backoffMs(0, 5, 300, 0, 1e300)).toBe(300_000);
    expect(backoffMs(1, 5, 300, 0, Infinity)).toBe(300_000);
  });

  it('never under 0.1 s after a failure, whatever the options', () => {
    expect(backoffMs(1, 0, 300, 0)).toBe(100);
    expect(backoffMs(1, 0.001, 0.001, 0)).toBe(100);
    expect(backoffMs(5, 5, 0, 0.9)).toBe(100);
    expect(backoffMs(0, 0, 0, 0, 0.001)).toBe(100);
  });

  it('thousands of failures in a row: the cap, not Infinity or NaN (base 0 too)', () => {
    expect(backoffMs(5000, 5, 300, 0)).toBe(150_000);
    expect(backoffMs(5000, 0, 300, 0)).toBe(100);
  });
});

describe('parseRetryAfter', () => {
  it('delta seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120);
    expect(parseRetryAfter(' 7 ', NOW)).toBe(7);
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('2147484', NOW)).toBe(2_147_484);
  });

  it('an HTTP date: seconds from now; a past date is 0', () => {
    expect(parseRetryAfter('Tue, 01 Dec 2026 12:00:30 GMT', NOW)).toBe(30);
    expect(parseRetryAfter('Tue, 01 Dec 2026 13:00:00 GMT', NOW)).toBe(3600);
    expect(parseRetryAfter('Mon, 30 Nov 2026 12:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', NOW)).toBeGreaterThan(2 ** 31);
  });

  it('absent or unreadable: undefined', () => {
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });

  it('a huge or far-future value, through backoffMs: capped at reconnectAsyncMaxWaitSec', () => {
    expect(backoffMs(1, 5, 300, 0, parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', NOW))).toBe(300_000);
    expect(backoffMs(1, 5, 300, 0, parseRetryAfter('9'.repeat(400), NOW))).toBe(300_000);
  });
});
