// `npm run test:unit` is the quick loop without a browser, Deno, Bun or a package install: every
// test file that starts one of those must be left out by vitest.unit.config.ts, so that the loop
// runs on a machine that has none of them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './setup/env.mjs';
import unit from '../vitest.unit.config';

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'fixtures' || name === 'node_modules' ? [] : testFiles(p);
    return p.endsWith('.test.ts') ? [relative(repoRoot, p)] : [];
  });
}

/** What a file starts that the quick loop must not need. */
const heavy = /from 'playwright-core'|bin\('(?:deno|bun)'\)|'npm', \[|run\('npm'|npm\(\['(?:install|pack)'/;

describe('npm run test:unit', () => {
  it('leaves out every test that needs Chromium, Deno, Bun or npm', () => {
    const projects = (unit.test?.projects ?? []) as Array<{ test?: { exclude?: string[] } }>;
    const excluded = (file: string) =>
      projects.every((p) => (p.test?.exclude ?? []).some((g) => (g.endsWith('/**') ? file.startsWith(g.slice(0, -2)) : file === g)));
    const needing = testFiles(join(repoRoot, 'test')).filter((f) => f !== 'test/unit-config.test.ts' && heavy.test(readFileSync(join(repoRoot, f), 'utf8')));
    expect(needing.length).toBeGreaterThanOrEqual(5);
    expect(needing.filter((f) => !excluded(f))).toStrictEqual([]);
    // …and keeps the rest: the quick loop is not empty.
    expect(testFiles(join(repoRoot, 'test')).filter((f) => !excluded(f)).length).toBeGreaterThan(20);
  });
});
