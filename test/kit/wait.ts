// Waiting in real time: one `until`, one `sleep`. Both use Node's own timers, so a test that
// swaps the library's clock (FakeClock) or a DOM environment's globals does not change them.
import { setTimeout as delay } from 'node:timers/promises';

export interface UntilOptions {
  /** What is awaited, for the failure message. Default: the condition's source. */
  what?: string;
  /** Real milliseconds before giving up. Generous by default: the machine may be loaded. */
  timeoutMs?: number;
  /** Poll interval. Default 5 ms. */
  everyMs?: number;
}

/**
 * Resolves once `cond()` (sync or async) is truthy, polling in real time; rejects after
 * `timeoutMs` (default 10 s) with `what` in the message. A bound, never an expectation of speed.
 */
export async function until(cond: () => unknown, { what, timeoutMs = 10_000, everyMs = 5 }: UntilOptions = {}): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`until: timed out after ${timeoutMs} ms waiting for ${what ?? cond.toString()}`);
    await delay(everyMs);
  }
}

/**
 * Real sleep. Never a way to wait for something to happen (use `until`, or the fake clock);
 * only to let real time pass on purpose, e.g. a server that must stay quiet for a while.
 */
export const sleep = (ms: number): Promise<void> => delay(ms);
