// The REST budget all catch-ups of one client share, and what a resume costs in requests.
import { describe, expect, it } from 'vitest';
import { restBudget } from '../../src/catchup/budget.js';
import { CallbackStreamListener, Mastodon, type CatchUpGap } from '../../src/index.js';
import { FakeClock, until, useFakeMastodon } from '../kit/index.js';

const { start, keep } = useFakeMastodon();

describe('restBudget', () => {
  it('without word from the server: 60 requests at once, then one every 1.333 s; at most 285 in any 5 minutes', () => {
    const clock = new FakeClock().install();
    try {
      const budget = restBudget();
      const waits = Array.from({ length: 63 }, () => budget());
      expect(waits.slice(0, 60)).toEqual(Array(60).fill(0));
      expect(waits.slice(60).map(Math.round)).toEqual([1333, 2667, 4000]);
      // A client that asks as fast as it is let through, for an hour of virtual time: count the
      // requests that start in every 5-minute window.
      const budget2 = restBudget();
      const starts: number[] = [];
      const t0 = clock.now();
      for (let t = t0; t < t0 + 3_600_000; ) {
        clock.t = t;
        const w = budget2();
        starts.push(t + w);
        t += w;
      }
      let most = 0;
      for (let i = 0, j = 0; i < starts.length; i++) {
        while (starts[j]! < starts[i]! - 300_000 + 1) j++;
        most = Math.max(most, i - j + 1);
      }
      expect(most).toBeLessThanOrEqual(285);
      expect(most).toBeGreaterThanOrEqual(280);
    } finally {
      clock.uninstall();
    }
  });

  it("while the server's X-RateLimit-Remaining leaves more than 50, nothing waits; below that, the booked bucket paces", () => {
    const clock = new FakeClock().install();
    try {
      const budget = restBudget();
      budget('1000');
      expect(Array.from({ length: 950 }, () => budget()).every((w) => w === 0)).toBe(true);
      // The 950 requests are booked: the allowance is (nearly) spent, so the next one waits.
      expect(budget()).toBeGreaterThan(0);
      budget('40'); // under the reserve of 50
      expect(budget()).toBeGreaterThan(0);
    } finally {
      clock.uninstall();
    }
  });
});

describe('what a resume costs', () => {
  it('10 minutes away from a busy home timeline (10 posts/s: 6,000 statuses): 12 REST requests with the default cap, 152 to fill all 6,000', { timeout: 90_000 }, async () => {
    const f = await start({ rateLimit: { limit: 300, windowMs: 300_000 } });
    const m = new Mastodon({ apiBaseUrl: f.apiUrl, streamingBaseUrl: f.streamingUrl, accessToken: f.token });
    const first = keep(m.streamUser({}, { runAsync: true, catchUp: true }));
    await until(() => Object.keys(first.position()?.ids ?? {}).length === 2, { what: 'the baseline' });
    const saved = first.position();
    first.close();
    const away = Array.from({ length: 6000 }, () => f.postStatus().id);
    const rest = () => f.requests.filter((r) => r.kind === 'rest').length;

    const resume = async (catchUpMaxItems: number) => {
      const before = rest();
      const got: string[] = [];
      const gaps: CatchUpGap[] = [];
      const l = new CallbackStreamListener({ updateHandler: (s) => got.push(s.id), catchUpGapHandler: (g) => gaps.push(g) });
      const h = keep(m.streamUser(l, { runAsync: true, catchUp: { from: saved }, catchUpMaxItems }));
      await until(() => got.length >= Math.min(catchUpMaxItems, 6000) && (catchUpMaxItems >= 6000 || gaps.length === 1), { what: 'the catch-up', timeoutMs: 60_000 });
      // The catch-up ends with its look at the notifications (the second timeline).
      await until(() => f.requests.filter((r) => r.kind === 'rest').slice(before).some((r) => r.path === '/api/v1/notifications'), { what: 'the last request' });
      h.close();
      return { requests: rest() - before, got, gaps };
    };

    const capped = await resume(400);
    expect(capped.got).toEqual(away.slice(0, 400));
    expect(capped.gaps.map((g) => [g.reason, g.missing])).toEqual([['cap', [{ timeline: '/api/v1/timelines/home', sinceId: away[399] }]]]);
    // 10 pages of 40, one look past the cap at each timeline (limit=1).
    expect(capped.requests).toBe(12);

    const all = await resume(6000);
    expect(all.got).toEqual(away);
    expect(all.gaps).toEqual([]);
    // The pages of 40 (the last one reaches the cap), then one limit=1 look at each timeline.
    expect(f.requests.filter((r) => r.kind === 'rest').slice(-2).map((r) => r.url)).toEqual([
      `/api/v1/timelines/home?min_id=${away[5999]}&limit=1`,
      '/api/v1/notifications?min_id=0&limit=1',
    ]);
    console.log(`resume after 6,000 missed home statuses: ${capped.requests} REST requests (catchUpMaxItems 400), ${all.requests} (catchUpMaxItems 6000); the fake's limit: 300 per 5 minutes, no 429`);
    expect(all.requests).toBe(152);
    expect(f.requests.filter((r) => r.kind === 'rest').length).toBeLessThanOrEqual(300);
  });
});
