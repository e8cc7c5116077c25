import { random } from './platform.js';

export interface BackoffOptions {
  /** Base wait, seconds (`reconnectAsyncWaitSec`). */
  baseSec: number;
  /** Cap, seconds (`reconnectAsyncMaxWaitSec`). */
  maxSec: number;
}

/**
 * The wait before the next attempt, in milliseconds, after `failures` failures in a row
 * (`failures` ≥ 1): `min(max, base × 2^(failures−1))` times a random factor in [0.5, 1), or the
 * server's `Retry-After` when that is longer. `failures` = 0 means the connection that just
 * ended had been up, and the reconnect is immediate.
 */
export function backoffMs(failures: number, opts: BackoffOptions, retryAfterSec?: number, rand: () => number = random): number {
  if (failures <= 0) return retryAfterSec ? retryAfterSec * 1000 : 0;
  const exp = Math.min(opts.maxSec, opts.baseSec * 2 ** Math.min(failures - 1, 52));
  const wait = exp * (0.5 + rand() / 2);
  return Math.max(wait, retryAfterSec ?? 0) * 1000;
}

/** `Retry-After` as seconds: either delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - nowMs) / 1000);
}
