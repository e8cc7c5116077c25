// Size budgets, measured deterministically (byte counts, not timings) by bench/size.mjs.
import { describe, expect, test } from 'vitest';
// @ts-expect-error plain JS module without types
import { measure } from '../bench/size.mjs';
import { requireDist } from './runtimes/scenario.js';

describe('size budget', { timeout: 30_000 }, () => {
  test('user-stream bundle <= 4000 B gzip, IIFE <= 8000 B gzip', async () => {
    requireDist();
    const rows: { name: string; minified: number; gzip: number }[] = await measure();
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    const esm = byName['dist/index.js (ESM)']!;
    const iife = byName['dist/index.global.js (IIFE)']!;
    const userStream = byName['user stream, tree-shaken (esbuild)']!;
    expect(userStream.gzip, JSON.stringify(rows)).toBeLessThanOrEqual(4000);
    expect(iife.gzip, JSON.stringify(rows)).toBeLessThanOrEqual(8000);
    // Sanity: the tree-shaken bundle really contains the library, and is no bigger than all of it.
    expect(userStream.minified).toBeGreaterThan(1000);
    expect(userStream.minified).toBeLessThanOrEqual(esm.minified + 500);
  });
});
