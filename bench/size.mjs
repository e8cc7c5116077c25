#!/usr/bin/env node
// `npm run size`: minified and gzip (level 9) sizes of the builds and of what an app pays for a
// user stream after tree-shaking (esbuild bundling a tiny entry that imports
// { Mastodon, StreamListener } from an entry). Two entries: `mastodon-streaming/sse` (dist/sse.js,
// the SSE-only client) and `mastodon-streaming` (dist/index.js, the full client with WebSocket,
// catch-up and async iteration). `--json` prints JSON instead of a table; `--write` also writes
// the table to bench/SIZE.md, the file docs/size.md points to (figures are never typed by hand).
// test/size.test.ts imports measure() to enforce the budgets. Only the .js files are measured
// (the module builds' .js.map files are never downloaded by an app).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const userStreamEntry = (file) => `
import { Mastodon, StreamListener } from './dist/${file}';
class Printer extends StreamListener {
  onUpdate(status) { console.log(status.account.acct, status.content); }
}
const mastodon = new Mastodon({ apiBaseUrl: 'https://mastodon.example', accessToken: 'token' });
mastodon.streamUser(new Printer(), { runAsync: true, reconnectAsync: true });
`;

const sizes = (name, buf) => ({ name, minified: buf.length, gzip: gzipSync(buf, { level: 9 }).length });

const treeShaken = async (file) => {
  const result = await build({
    stdin: { contents: userStreamEntry(file), resolveDir: root, sourcefile: 'user-stream-entry.mjs', loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    treeShaking: true,
    write: false,
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  return Buffer.from(result.outputFiles[0].contents);
};

export async function measure() {
  const file = (name) => readFileSync(join(root, 'dist', name));
  return [
    sizes('dist/sse.js (ESM, SSE-only)', file('sse.js')),
    sizes('dist/sse.global.js (IIFE, SSE-only)', file('sse.global.js')),
    sizes('user stream via /sse, tree-shaken', await treeShaken('sse.js')),
    sizes('dist/index.js (ESM, full)', file('index.js')),
    sizes('dist/index.global.js (IIFE, full)', file('index.global.js')),
    sizes('user stream via main entry, tree-shaken', await treeShaken('index.js')),
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const rows = await measure();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(rows, null, 2));
  } else {
    const w = Math.max(...rows.map((r) => r.name.length));
    console.log(`${'artefact'.padEnd(w)}  ${'minified'.padStart(9)}  ${'gzip -9'.padStart(8)}`);
    for (const r of rows) console.log(`${r.name.padEnd(w)}  ${String(r.minified).padStart(9)}  ${String(r.gzip).padStart(8)}`);
  }
  if (process.argv.includes('--write')) {
    writeFileSync(join(root, 'bench', 'SIZE.md'), sizeMarkdown(rows));
    console.log('Wrote bench/SIZE.md');
  }
}

/** bench/SIZE.md: the table, the commit it was measured at, and how. */
export function sizeMarkdown(rows) {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    /* not a git checkout */
  }
  const n = (x) => x.toLocaleString('en-US');
  return `# Sizes

Written by \`npm run size -- --write\` (bench/size.mjs) at commit ${commit}, from dist/ as built
by \`npm run build\`: minified bytes and gzip -9 bytes of each .js file, and of an esbuild bundle
(minified, tree-shaken) of an app that opens one user stream.

| artefact | minified | gzip -9 |
|---|---:|---:|
${rows.map((r) => `| ${r.name} | ${n(r.minified)} B | ${n(r.gzip)} B |`).join('\n')}
`;
}
