/**
 * A catch-up request that must wait for the client-wide REST budget: it goes when its turn
 * comes, and `close()` during the wait ends it at once — no request, no gap, no timer left.
 * In virtual time, on the catch-up itself (a budget that always asks for 5 s).
 */
import { describe, expect, it } from 'vitest';
import type { RestBudget } from '../../src/catchup/budget.js';
import { catchUp } from '../../src/catchup/index.js';
import { Dispatcher, type CatchUpGap } from '../../src/listener.js';
import type { ResolvedStreamOptions } from '../../src/options.js';
import { FakeClock } from '../kit/index.js';

const OPTS = { catchUp: true, catchUpMaxItems: 400, timeoutSec: 60 } as ResolvedStreamOptions;

/** A hashtag stream's catch-up whose every request waits 5 s for the budget; its requests (URLs) and gaps. */
function gate() {
  const urls: string[] = [];
  const gaps: CatchUpGap[] = [];
  const fetchFn = (async (url: string) => (urls.push(url), new Response('[{"id":"7"}]'))) as typeof fetch;
  const budget: RestBudget = () => 5000;
  const d = new Dispatcher({ onCatchUpGap: (g) => void gaps.push(g) }, ['hashtag', 'cats']);
  const g = catchUp(d, ['hashtag', 'cats'], fetchFn, 'https://mastodon.example', 'tok', OPTS, budget);
  return { g, urls, gaps };
}

describe('a catch-up waiting for the REST budget', () => {
  it('sends its request when the wait is over, and leaves no timer behind', async () => {
    const clock = new FakeClock().install();
    try {
      const { g, urls, gaps } = gate();
      g._opened(false);
      await clock.flush();
      expect(clock.delays()).toEqual([5000]);
      await clock.advance(4999);
      expect(urls).toEqual([]);
      await clock.advance(1);
      // The first connection records where the timeline stands.
      expect(urls).toEqual(['https://mastodon.example/api/v1/timelines/tag/cats?limit=1']);
      expect(g._position()).toEqual({ stream: ['hashtag', 'cats'], ids: { update: '7' } });
      g._close();
      expect(clock.pending()).toBe(0);
      expect(gaps).toEqual([]);
    } finally {
      clock.uninstall();
    }
  });

  it('close() during the wait: no request, no gap, no timer left', async () => {
    const clock = new FakeClock().install();
    try {
      const { g, urls, gaps } = gate();
      g._opened(false);
      await clock.flush();
      expect(clock.pending()).toBe(1);
      g._close();
      await clock.flush();
      expect(clock.pending()).toBe(0);
      await clock.advance(60_000);
      expect(urls).toEqual([]);
      expect(gaps).toEqual([]);
    } finally {
      clock.uninstall();
    }
  });
});
