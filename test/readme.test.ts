// README.md and docs/*.md show the files of examples/ verbatim: every fenced block preceded by
// `<!-- file: examples/xyz -->` must equal that file byte for byte, and every example file is
// shown exactly once across them. test/examples.test.ts runs those same files, so what the docs
// show is what runs. Every other JavaScript or TypeScript block (and the scripts of an HTML
// block) is type-checked against the built types, every relative link leads to a file and
// heading that exist, the README stays a first-minutes page linking every doc, and no figure of
// a size or a benchmark is typed into the docs (they point to the files `npm run size -- --write`
// and `npm run bench -- --write` produce).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { repoRoot } from './setup/env.mjs';
import { requireDist } from './runtimes/scenario.js';

const read = (p: string) => readFileSync(join(repoRoot, p), 'utf8');
const readme = read('README.md');
const docFiles = readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`);
const pages: [string, string][] = [['README.md', readme], ...docFiles.map((f): [string, string] => [f, read(f)])];

/** `<!-- file: path -->`, a newline, then a fenced block: [path, the block's content]. */
function includedFiles(text: string): [string, string][] {
  const out: [string, string][] = [];
  const marker = /<!-- file: (\S+) -->\n/g;
  for (let m; (m = marker.exec(text)); ) {
    const rest = text.slice(marker.lastIndex);
    const block = /^(`{3,})[\w-]*\n([\s\S]*?)^\1[ \t]*$/m.exec(rest);
    if (!block || block.index !== 0) throw new Error(`<!-- file: ${m[1]} --> is not followed by a fenced code block`);
    out.push([m[1]!, block[2]!]);
  }
  return out;
}

/** Fenced blocks that are not a file's copy: [language, content, line]. */
function snippets(text: string): [string, string, number][] {
  const out: [string, string, number][] = [];
  const fence = /^(`{3,})([\w-]*)\n([\s\S]*?)^\1[ \t]*$/gm;
  for (let m; (m = fence.exec(text)); ) {
    if (/<!-- file: \S+ -->\n$/.test(text.slice(0, m.index))) continue;
    out.push([m[2]!, m[3]!, text.slice(0, m.index).split('\n').length]);
  }
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
const anchorsOf = (text: string) => new Set(text.split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => anchor(l.replace(/^#+ /, ''))));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [relative(repoRoot, p)];
  });
}

/**
 * Type-checks snippets as modules of a consumer: `mastodon-streaming` resolves to the built
 * types, `./mastodon-streaming.js` (the extension's copy) too, a page's `MastodonStreaming`
 * global is the script-tag build's, and `chrome` is the extension API (untyped here).
 * Returns tsc's messages, each with the page and line of its snippet.
 */
function typeCheck(files: { name: string; code: string; where: string }[]): string[] {
  const dir = join(repoRoot, 'test-results', 'doc-snippets');
  const prelude = join(dir, 'prelude.d.ts');
  const sources = new Map<string, string>([
    [prelude, `declare global {\n  const MastodonStreaming: typeof import('mastodon-streaming');\n  const chrome: any;\n}\nexport {};\n`],
    // The extension imports its copy of dist/index.js as './mastodon-streaming.js'.
    ...files.map((f): [string, string] => [join(dir, f.name), f.code.replaceAll("from './mastodon-streaming.js'", "from 'mastodon-streaming'")]),
  ]);
  const options: ts.CompilerOptions = {
    noEmit: true, strict: true, allowJs: true, checkJs: true, target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'], typeRoots: [join(repoRoot, 'node_modules', '@types')], skipLibCheck: true, noImplicitAny: false,
    baseUrl: repoRoot,
    paths: { 'mastodon-streaming': ['dist/index.d.ts'], 'mastodon-streaming/sse': ['dist/sse.d.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    sources.has(resolve(name)) ? ts.createSourceFile(name, sources.get(resolve(name))!, lang) : getSourceFile(name, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => sources.has(resolve(name)) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => sources.get(resolve(name)) ?? readFile(name);
  const program = ts.createProgram([...sources.keys()], options, host);
  const where = new Map(files.map((f) => [join(dir, f.name), f.where]));
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const file = d.file ? (where.get(resolve(d.file.fileName)) ?? d.file.fileName) : '';
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
    return `${file} (+${line}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('README.md and docs/', () => {
  const included = pages.flatMap(([page, text]) => includedFiles(text).map(([p, b]): [string, string, string] => [page, p, b]));

  test('the parser finds the blocks (docs without markers would pass vacuously)', () => {
    expect(included.length).toBeGreaterThanOrEqual(10);
    expect(includedFiles('x\n<!-- file: a.js -->\n```js\nline 1\n\nline 3\n```\ny')).toStrictEqual([['a.js', 'line 1\n\nline 3\n']]);
    expect(() => includedFiles('<!-- file: a.js -->\ntext\n```js\nx\n```\n')).toThrow(/not followed by a fenced code block/);
    expect(snippets('<!-- file: a.js -->\n```js\nx\n```\n\n```ts\ny\n```\n')).toStrictEqual([['ts', 'y\n', 6]]);
  });

  for (const [page, path, block] of included) {
    test(`${page}: the block after <!-- file: ${path} --> equals the file`, () => {
      expect(existsSync(join(repoRoot, path)), `${path} exists`).toBe(true);
      expect(block).toBe(read(path));
    });
  }

  test('every file in examples/ is shown exactly once, in the README or a doc', () => {
    const shown = included.map(([, p]) => p).sort();
    expect(shown).toStrictEqual(walk(join(repoRoot, 'examples')).sort());
  });

  test('every other JavaScript and TypeScript example type-checks against the built types', () => {
    requireDist();
    const files: { name: string; code: string; where: string }[] = [];
    for (const [page, text] of pages) {
      for (const [lang, code, line] of snippets(text)) {
        const where = `${page}:${line}`;
        const name = `${page.replace(/\W/g, '_')}_${line}`;
        if (lang === 'js' || lang === 'ts') files.push({ name: `${name}.${lang === 'js' ? 'mjs' : 'mts'}`, code: code.includes('import ') || code.includes('export ') ? code : code + '\nexport {};\n', where });
        if (lang === 'html') {
          [...code.matchAll(/<script(?: type="module")?>([\s\S]*?)<\/script>/g)].forEach((m, i) =>
            files.push({ name: `${name}_${i}.mjs`, code: m[1]! + '\nexport {};\n', where }));
        }
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(typeCheck(files)).toStrictEqual([]);
    // The check can fail: a wrong method name is an error.
    expect(typeCheck([{ name: 'wrong.mjs', code: "import { Mastodon } from 'mastodon-streaming';\nnew Mastodon({ apiBaseUrl: 'x' }).streamUsr({});\n", where: 'wrong' }]))
      .toStrictEqual([expect.stringMatching(/^wrong \(\+1\): Property 'streamUsr' does not exist on type 'Mastodon'/)]);
  }, 60_000);

  test('every relative link leads to a file that exists, and every #anchor to a heading there', () => {
    const broken: string[] = [];
    for (const [page, text] of pages) {
      const prose = text.replace(/^(`{3,})[\s\S]*?^\1[ \t]*$/gm, '');
      for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue;
        const [path, hash] = target!.split('#');
        const file = path ? join(dirname(join(repoRoot, page)), path) : join(repoRoot, page);
        if (!existsSync(file)) broken.push(`${page}: ${target} (no such file)`);
        else if (hash && !anchorsOf(readFileSync(file, 'utf8')).has(hash)) broken.push(`${page}: ${target} (no such heading)`);
      }
    }
    expect(broken).toStrictEqual([]);
  });

  test('the README opens with the name, one sentence, the two commands and the screenshot, before the first section', () => {
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

  test('the README is a first-minutes page: a table of contents of its sections, and every doc linked', () => {
    const sections = readme.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3));
    const toc = readme.slice(readme.indexOf('## Contents'), readme.indexOf('\n## ', readme.indexOf('## Contents') + 1));
    const listed = [...toc.matchAll(/^- \[([^\]]+)\]\(#([^)]+)\)$/gm)].map((m) => m[2]);
    expect(listed).toStrictEqual(sections.filter((s) => s !== 'Contents').map(anchor));
    for (const doc of docFiles) expect(readme, doc).toContain(`](${doc})`);
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
  });

  test('sizes and benchmark figures come from generated files, not from the docs', () => {
    for (const doc of ['docs/size.md', 'docs/benchmarks.md']) {
      // No table of figures, no measured byte count or speed: only budgets (decisions) and links.
      const figures = read(doc).match(/\b\d[\d,]* (?:B|MB\/s|ms)\b|\d\.\d+×/g) ?? [];
      expect(figures.filter((f) => !['4,000 B', '4,900 B', '8,000 B', '8,500 B'].includes(f)), doc).toStrictEqual([]);
    }
    expect(read('docs/size.md')).toContain('](../bench/SIZE.md)');
    expect(read('docs/benchmarks.md')).toContain('](../bench/RESULTS.md)');
    expect(read('bench/SIZE.md')).toMatch(/^# Sizes\n\nWritten by `npm run size -- --write` \(bench\/size\.mjs\) at commit [0-9a-f]{7,}/);
    expect(read('bench/RESULTS.md')).toMatch(/^# Benchmark results\n\nWritten by `npm run bench/);
  });
});
