// Source maps ship with the module builds (dist/index.js.map, dist/sse.js.map, sources inside),
// so that a stack trace or a debugger shows src/*.ts instead of an 18 KB minified line: each map
// points at the right line of src/, and Node with --enable-source-maps prints src/ paths for an
// error thrown inside the library. (The script-tag build has no map: its sourceMappingURL line
// does not fit the IIFE's size budget.)
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './setup/env.mjs';
import { requireDist } from './runtimes/scenario.js';

const FILES = ['index.js', 'sse.js'];
const read = (f: string) => readFileSync(join(repoRoot, f), 'utf8');

beforeAll(() => requireDist());

describe('source maps', () => {
  it('the script-tag builds carry no sourceMappingURL (no bytes past the budget)', () => {
    for (const f of ['index.global.js', 'sse.global.js']) expect(read(`dist/${f}`)).not.toContain('sourceMappingURL');
  });

  it.each(FILES)('dist/%s names its map, and the map holds every source it maps (from src/)', (file) => {
    const js = read(`dist/${file}`);
    expect(js.endsWith(`//# sourceMappingURL=${file}.map`)).toBe(true);
    const map = JSON.parse(read(`dist/${file}.map`));
    expect(map.sources.length).toBeGreaterThan(10);
    for (const [i, source] of (map.sources as string[]).entries()) {
      expect(source).toMatch(/^\.\.\/src\/[\w/.-]+\.ts$/);
      expect(map.sourcesContent[i], source).toBe(read(join('dist', source)));
    }
  });

  it.each(FILES)('dist/%s maps a message of the code to the line of src/ that writes it', (file) => {
    const js = read(`dist/${file}`);
    const map = new SourceMap(JSON.parse(read(`dist/${file}.map`)));
    // A message that appears once in the build and once in src/, in a template literal.
    const needle = 'Nothing received for ';
    const at = js.indexOf(needle);
    expect(at).toBeGreaterThan(0);
    expect(js.indexOf(needle, at + 1)).toBe(-1);
    const before = js.slice(0, at);
    const line = before.split('\n').length - 1;
    const column = at - (before.lastIndexOf('\n') + 1);
    // The entry that covers the literal (it starts at its opening backtick, one column before).
    const entry = map.findEntry(line, column) as { originalSource: string; originalLine: number };
    expect(entry.originalSource).toMatch(/\/src\/handle\.ts$/);
    const srcLine = read('src/handle.ts').split('\n')[entry.originalLine]!;
    expect(srcLine).toContain(needle);
  });

  it('Node with --enable-source-maps shows src/ paths in the stack of an error from the library', async () => {
    const script = `import('${join(repoRoot, 'dist', 'index.js')}').then((m) => new m.Mastodon({}))`;
    const stderr = await new Promise<string>((resolve) => {
      execFile(process.execPath, ['--enable-source-maps', '-e', script], { timeout: 30_000 }, (_err, _out, err) => resolve(err));
    });
    const frames = stderr.split('\n').filter((l) => /^\s+at /.test(l));
    expect(frames.length, stderr).toBeGreaterThan(0);
    // The first frame is inside the library, and it is a line of src/, not of dist/.
    expect(frames[0], stderr).toMatch(/\/src\/[\w/]+\.ts:\d+:\d+\)?$/);
    expect(stderr).not.toContain('dist/index.js:');
  });
});
