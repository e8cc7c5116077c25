import { clock } from '../platform.js';

// EVERY, the milliseconds between requests in the long run (0.75 requests a second), is 4000 / 3,
// written where it is used (as a constant of its own, the IIFE declares it at the top: 5 B gzip).
/** Requests that may go out at once. */
const BURST = 60;
/** Requests of the server's allowance left to the app's own REST calls. */
const RESERVE = 50;

/** The REST budget all catch-ups of one client share: see `restBudget`. */
export interface RestBudget {
  /** How long the next request must wait, in ms; books its slot. */
  (): number;
  /** What the server said of the allowance (`X-RateLimit-Remaining`, null when absent), on every answer. */
  (remaining: string | null): unknown;
}

/**
 * The REST budget all catch-ups of one client share (one client, one token). A request goes at
 * once while the server's last answer left more than `RESERVE` requests of its allowance
 * (Mastodon sends `X-RateLimit-Remaining` on every answer: 300 per 5 minutes per token).
 * Otherwise — allowance nearly spent, or not known yet — it waits its turn in a bucket of
 * `BURST` requests refilled one per `EVERY` ms, which every request books, so any 5 minutes
 * of such requests hold at most 60 + 225 = 285: a socket drop that reconnects 50 streams
 * staggers their catch-ups rather than meet 429. (A slot booked by a request that is then
 * aborted stays spent: the budget errs low.)
 */
export const restBudget = (): RestBudget => {
  let next = 0; // when the bucket would be full again (the GCRA's theoretical arrival time)
  let free = 0; // requests the server still allows beyond the reserve
  return ((remaining?: string | null) => {
    // An answer's header (one function for both: smaller than a method of its own).
    if (remaining !== undefined) return remaining && (free = +remaining - RESERVE);
    const t = clock.now();
    // Booked: the bucket is full again EVERY later. The request waits until it is no more than
    // BURST slots from full (BURST * EVERY = 80 s, exact).
    next = Math.max(next, t) + 4000 / 3; // + EVERY
    return free-- > 0 ? 0 : Math.max(0, next - t - (BURST * 4000) / 3);
  }) as RestBudget;
};
