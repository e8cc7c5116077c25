/**
 * The wait before the next attempt, in milliseconds, after `failures` failures in a row:
 * `min(max, base × 2^(failures−1))` times a random factor in [0.5, 1), or the server's
 * `Retry-After` when that is longer, but never longer than `max` (a huge or far-future
 * `Retry-After` is the server's to send, not a reason to wait for weeks), and never under
 * 0.1 s after a failure or a `Retry-After`, whatever the options (at most 10 attempts a
 * second). `failures` = 0 means the connection that just ended had been up, and the reconnect
 * is immediate (unless the server asked for a wait).
 */
export function backoffMs(failures: number, baseSec: number, maxSec: number, rand: number, retryAfterSec = 0): number {
  const wait = failures && Math.min(maxSec, baseSec * 2 ** Math.min(failures - 1, 52)) * (0.5 + rand / 2);
  return failures || retryAfterSec ? Math.max(Math.min(Math.max(wait, retryAfterSec), maxSec) * 1000, 100) : 0;
}

/** `Retry-After` as seconds: either delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return;
  const s = /^\s*\d+\s*$/.test(value) ? +value : (Date.parse(value) - nowMs) / 1000;
  // (NaN, an unreadable date: undefined; a date in the past: 0.)
  if (s == s) return s > 0 ? s : 0;
}
