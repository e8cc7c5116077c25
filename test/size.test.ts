// Size budgets, measured deterministically (byte counts, not timings) by bench/size.mjs.
import { describe, expect, test } from 'vitest';
// @ts-expect-error plain JS module without types
import { measure } from '../bench/size.mjs';
import { requireDist } from './runtimes/scenario.js';

describe('size budget', { timeout: 30_000 }, () => {
  // NOT MET: the decided budgets are 4,900 B gzip for the user stream from /sse and 8,000 B for
  // the whole script-tag build. Round 2 added behaviour the issues ask for and no compaction
  // found room for it ("behaviour before bytes"): the WebSocket supervisor and liveness (issue
  // 12, IIFE only), resuming (issue 14: position, baseline, one cap per catch-up, the REST
  // budget), the servers other than Mastodon (~100 B, IIFE only) and, last, issue 13's bounds
  // against hostile servers and careless callers: every option checked in the constructor and
  // the stream methods (~120 B), discovery and streamHealthy() bounded in time and to 1 MiB and
  // aborted by close() (~200 B), exact event names in stream() (IIFE). Round 2's size work took
  // ~240 B off both. The bounds below are the measured sizes plus ~1 %: they stop unplanned
  // growth; bench/SIZE.md has the figures (npm run size), docs/size.md the reasons.
  test('user-stream bundle (mastodon-streaming/sse) <= 5300 B gzip (budget 4900, not met), full IIFE <= 8900 B gzip (budget 8000, not met)', async () => {
    requireDist();
    const rows: { name: string; minified: number; gzip: number }[] = await measure();
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    const esm = byName['dist/sse.js (ESM, SSE-only)']!;
    const iife = byName['dist/index.global.js (IIFE, full)']!;
    const userStream = byName['user stream via /sse, tree-shaken']!;
    expect(userStream.gzip, JSON.stringify(rows)).toBeLessThanOrEqual(5300);
    expect(iife.gzip, JSON.stringify(rows)).toBeLessThanOrEqual(8900);
    // Sanity: the tree-shaken bundle really contains the library, and is no bigger than all of it.
    expect(userStream.minified).toBeGreaterThan(1000);
    expect(userStream.minified).toBeLessThanOrEqual(esm.minified + 500);
  });
});
