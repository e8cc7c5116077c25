import { now } from '../platform.js';

/** Milliseconds between requests in the long run: 0.75 requests a second. */
const EVERY = 4000 / 3;
/** Requests that may go out at once. */
const BURST = 60;

/**
 * The REST budget all catch-ups of one client share (one client, one token): at most `BURST`
 * requests at once and then one every `EVERY` ms, so any 5 minutes hold at most 60 + 225 = 285
 * catch-up requests, under Mastodon's 300 per 5 minutes per token, with room for the app's own.
 * A socket drop that reconnects 50 streams therefore fetches for the first 60 requests' worth
 * at once and staggers the rest. Returns how long the next request must wait, in ms, and books
 * its slot (a slot booked by a request that is then aborted stays spent: the budget errs low).
 */
export const restBudget = (): (() => number) => {
  let next = 0; // when the bucket would be full again (the GCRA's theoretical arrival time)
  return () => {
    const t = now();
    const wait = (next = Math.max(next, t)) - (BURST - 1) * EVERY - t;
    next += EVERY;
    return Math.max(0, wait);
  };
};
