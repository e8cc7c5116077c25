// Catch-up against a REST API that misbehaves: a huge Link header, pages that bring nothing new
// while Link keeps moving, bodies over 1 MiB, error messages that quote the token.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CallbackStreamListener, Mastodon, MastodonAPIError, MastodonNetworkError, type CatchUpGap, type StreamHandle } from '../../src/index.js';
import { prevMinId } from '../../src/catchup/link.js';
import { until, useFakeMastodon, type FakeMastodon } from '../kit/index.js';

const { start, keep } = useFakeMastodon();

const OPTS = { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.05, reconnectAsyncMaxWaitSec: 0.2, timeoutSec: 30, catchUp: true } as const;

/** 6.75 KB of `?min_id=1` repeated: the old `[?&]min_id=([^&>]+)[^>]*>;\s*rel="prev"` took seconds on it. */
const HOSTILE = '<https://x.example/api/v1/timelines/home' + '?min_id=1'.repeat(750);

describe('the Link header', () => {
  it('is read by splitting and URLSearchParams: the rel="prev" min_id, or null', () => {
    const link = '<https://m.example/api/v1/timelines/home?limit=40&max_id=5>; rel="next", <https://m.example/api/v1/timelines/home?limit=40&min_id=9>; rel="prev"';
    expect(prevMinId(link)).toBe('9');
    expect(prevMinId('<https://m.example/x?max_id=5>; rel="next"')).toBeNull();
    expect(prevMinId(null)).toBeNull();
    expect(prevMinId('garbage; rel="prev"')).toBeNull();
  });

  it('a 6.75 KB hostile header blocks the event loop < 50 ms (the regex it replaces: 5-7 s)', () => {
    const headers = [HOSTILE, HOSTILE + '>; rel="prev"', HOSTILE.replace(/\?/g, '&') + '>; rel="prev"', ', '.repeat(3400)];
    for (const h of headers) {
      // The least of five runs: the machine may be loaded; the bound is generous, not a speed check.
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        prevMinId(h);
        best = Math.min(best, performance.now() - t0);
      }
      expect(best).toBeLessThan(50);
    }
    expect(prevMinId(HOSTILE + '>; rel="prev"')).toBe('1');
  });
});

/** A client whose REST timeline requests `answer` decides (the rest goes to the fake). */
function rigged(f: FakeMastodon, answer: (url: string, n: number) => Response | undefined) {
  let n = 0;
  const fetchFn: typeof fetch = async (input, init) => {
    const url = String(input);
    if (url.includes('min_id=')) {
      const r = answer(url, n++);
      if (r) return r;
    }
    return fetch(input, init);
  };
  return new Mastodon({ apiBaseUrl: f.apiUrl, streamingBaseUrl: f.streamingUrl, accessToken: f.token, fetch: fetchFn });
}

async function droppedHashtag(m: Mastodon, f: FakeMastodon) {
  const gaps: CatchUpGap[] = [];
  const log: string[] = [];
  const h: StreamHandle = keep(m.streamHashtag('cats', new CallbackStreamListener({ updateHandler: (s) => log.push(s.id), catchUpGapHandler: (g) => gaps.push(g) }), OPTS));
  await until(() => h.position()?.ids.update, { what: 'the baseline' });
  const first = f.postStatus({ tags: ['cats'] });
  await until(() => log.length === 1, { what: 'a live status' });
  f.stall();
  f.postStatus({ tags: ['cats'] });
  f.dropConnections();
  return { gaps, log, first };
}

const page = (items: unknown[], link: string) => new Response(JSON.stringify(items), { headers: { 'content-type': 'application/json', link } });

describe('catch-up pages', () => {
  it('a page with nothing new while Link keeps moving: one more request, then a stuck gap (was ~2,000 requests/s forever)', async () => {
    const f = await start();
    let requests = 0;
    let first = '';
    const m = rigged(f, (url) => {
      requests++;
      // Always the same (already delivered) status, and an ever newer Link.
      return page([{ id: first, account: { acct: 'a' } }], `<${f.apiUrl}/api/v1/timelines/tag/cats?min_id=9${requests}99999999999999999>; rel="prev"`);
    });
    const r = await droppedHashtag(m, f);
    first = r.first.id;
    await until(() => r.gaps.length === 1, { what: 'the gap' });
    expect(r.gaps).toEqual([{ timeline: '/api/v1/timelines/tag/cats', sinceId: first, reason: 'stuck', missing: [{ timeline: '/api/v1/timelines/tag/cats', sinceId: first }] }]);
    expect(requests).toBe(1);
  });

  it('pages of one new item each: at most catchUpMaxItems / 20 + 5 pages, then a stuck gap', async () => {
    const f = await start();
    let requests = 0;
    const m = rigged(f, () => {
      requests++;
      const id = String(900000000000000000n + BigInt(requests));
      return page([{ id, account: { acct: 'a' } }], '');
    });
    const gaps: CatchUpGap[] = [];
    const log: string[] = [];
    const h = keep(m.streamHashtag('cats', new CallbackStreamListener({ updateHandler: (s) => log.push(s.id), catchUpGapHandler: (g) => gaps.push(g) }), { ...OPTS, catchUpMaxItems: 100 }));
    await until(() => h.position()?.ids.update, { what: 'the baseline' });
    f.postStatus({ tags: ['cats'] });
    await until(() => log.length === 1, { what: 'a live status' });
    f.dropConnections();
    await until(() => gaps.length === 1, { what: 'the gap' });
    // 100 / 20 + 5 = 10 pages read, each with one new status.
    expect(requests).toBe(10);
    expect(log).toHaveLength(11);
    expect(gaps[0]!.reason).toBe('stuck');
    expect(gaps[0]!.sinceId).toBe(String(900000000000000010n));
  });

  it('a body over 1 MiB: an error gap, and the stream goes on', async () => {
    const f = await start();
    const big = new Uint8Array(1024 * 1024 + 1).fill(0x20);
    const m = rigged(f, () => new Response(big, { headers: { 'content-type': 'application/json' } }));
    const r = await droppedHashtag(m, f);
    await until(() => r.gaps.length === 1, { what: 'the gap' });
    const err = r.gaps[0]!.error as MastodonNetworkError;
    expect(err).toBeInstanceOf(MastodonNetworkError);
    expect(err.message).toBe('/api/v1/timelines/tag/cats sent over 1 MiB');
    const live = f.postStatus({ tags: ['cats'] });
    await until(() => r.log.includes(live.id), { what: 'a live status after the gap' });
  });

  it('a refusal that quotes the token: the gap error shows it nowhere', async () => {
    const f = await start();
    const m = rigged(f, () => new Response(JSON.stringify({ error: `Token ${f.token} is not allowed` }), { status: 403, headers: { 'content-type': 'application/json' } }));
    const r = await droppedHashtag(m, f);
    await until(() => r.gaps.length === 1, { what: 'the gap' });
    const err = r.gaps[0]!.error as MastodonAPIError;
    expect(err).toBeInstanceOf(MastodonAPIError);
    expect(err.message).toBe('/api/v1/timelines/tag/cats answered 403: Token [redacted] is not allowed');
    expect(err.serverMessage).toBe('Token [redacted] is not allowed');
    for (const shown of [err.message, String(err.stack), inspect(err), JSON.stringify(err), inspect(r.gaps[0])]) expect(shown).not.toContain(f.token);
  });
});
