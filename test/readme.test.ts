// README.md shows the files of examples/ verbatim: every fenced block preceded by
// `<!-- file: examples/xyz -->` must equal that file byte for byte, and every example file must
// be shown. test/examples.test.ts runs those same files, so what the README shows is what runs.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from './setup/env.mjs';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** `<!-- file: path -->`, a newline, then a fenced block: [path, the block's content]. */
function includedFiles(text: string): [string, string][] {
  const out: [string, string][] = [];
  const marker = /<!-- file: (\S+) -->\n/g;
  for (let m; (m = marker.exec(text)); ) {
    const rest = text.slice(marker.lastIndex);
    const block = /^(`{3,})[\w-]*\n([\s\S]*?)^\1[ \t]*$/m.exec(rest);
    if (!block || block.index !== 0) throw new Error(`README.md: <!-- file: ${m[1]} --> is not followed by a fenced code block`);
    out.push([m[1]!, block[2]!]);
  }
  return out;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [relative(repoRoot, p)];
  });
}

describe('README.md', () => {
  const included = includedFiles(readme);

  test('the parser finds the blocks (a README without markers would pass vacuously)', () => {
    expect(included.length).toBeGreaterThanOrEqual(10);
    expect(includedFiles('x\n<!-- file: a.js -->\n```js\nline 1\n\nline 3\n```\ny')).toStrictEqual([['a.js', 'line 1\n\nline 3\n']]);
    expect(() => includedFiles('<!-- file: a.js -->\ntext\n```js\nx\n```\n')).toThrow(/not followed by a fenced code block/);
  });

  for (const [path, block] of included) {
    test(`the block after <!-- file: ${path} --> equals the file`, () => {
      expect(existsSync(join(repoRoot, path)), `${path} exists`).toBe(true);
      expect(block).toBe(readFileSync(join(repoRoot, path), 'utf8'));
    });
  }

  test('every file in examples/ is shown, once', () => {
    const shown = included.map(([p]) => p).sort();
    expect(shown).toStrictEqual(walk(join(repoRoot, 'examples')).sort());
  });

  test('opens with the name, one sentence, the two commands and the screenshot, before the first section', () => {
    // What the intro holds, wherever its lines fall (no line numbers pinned).
    const intro = readme.slice(0, readme.search(/^## /m));
    const paragraphs = intro.split(/\n{2,}/).map((p) => p.trim()).filter(Boolean);
    expect(paragraphs[0]).toBe('# mastodon-streaming');
    expect(paragraphs[1]).toMatch(/^[^\n]+\.$/);
    expect(intro).toMatch(/^- `npm ci && npm start` — \S/m);
    expect(intro).toMatch(/^- `npm test` — \S/m);
    expect(intro).toContain('![The playground: live events from the built-in fake Mastodon](docs/playground.png)');
    expect(existsSync(join(repoRoot, 'docs', 'playground.png'))).toBe(true);
  });
});
