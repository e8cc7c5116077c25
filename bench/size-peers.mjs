// 5. Size: the figures of `npm run size` (bench/size.mjs), beside masto's and megalodon's
// equivalents: an esbuild tree-shaken, minified bundle of a file that opens a user stream and
// prints updates, built in the same run with the same esbuild options as bench/size.mjs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { BENCH, ROOT, ensureDist, ensurePeers, fmt, main, ratio, row } from './lib.mjs';

const PEERS = {
  'masto 8': `
import { createStreamingAPIClient } from 'masto';
const streaming = createStreamingAPIClient({ streamingApiUrl: 'wss://mastodon.example', accessToken: 'token' });
(async () => {
  for await (const e of streaming.user.subscribe()) if (e.event === 'update') console.log(e.payload.account.acct, e.payload.content);
})();
`,
  'megalodon 10': `
import generator from 'megalodon';
const client = generator('mastodon', 'https://mastodon.example', 'token');
client.userStreaming().then((s) => s.on('update', (status) => console.log(status.account.acct, status.content)));
`,
};

const gz = (buf) => gzipSync(buf, { level: 9 }).length;

/** Our figures: bench/size.mjs when it is there, else min+gzip of dist/ computed here. */
async function ours() {
  const f = join(BENCH, 'size.mjs');
  if (existsSync(f)) {
    const { measure } = await import(pathToFileURL(f).href);
    return { rows: await measure(), from: 'bench/size.mjs' };
  }
  const files = ['index.js', 'index.global.js'].map((n) => ({ name: `dist/${n}`, buf: readFileSync(join(ROOT, 'dist', n)) }));
  return { rows: files.map(({ name, buf }) => ({ name, minified: buf.length, gzip: gz(buf) })), from: 'dist/ (bench/size.mjs missing)' };
}

async function bundle(contents) {
  // The options of bench/size.mjs; a peer that needs Node built-ins is retried for platform node.
  for (const platform of ['browser', 'node']) {
    try {
      const r = await build({
        stdin: { contents, resolveDir: BENCH, sourcefile: 'user-stream-entry.mjs', loader: 'js' },
        bundle: true, minify: true, format: 'esm', treeShaking: true, write: false, platform, target: 'es2020', logLevel: 'silent',
      });
      const buf = Buffer.from(r.outputFiles[0].contents);
      return { minified: buf.length, gzip: gz(buf), platform };
    } catch (e) {
      if (platform === 'node') return { error: String(e.message).split('\n').slice(0, 2).join(' ') };
    }
  }
}

export async function bench() {
  ensureDist();
  ensurePeers();
  const { rows: mine, from } = await ours();
  const rows = mine.map((r) => row('5 size', `ours: ${r.name}`, `${fmt(r.minified)} B min, ${fmt(r.gzip)} B gzip`, '', `from ${from}`));
  const ourStreams = mine.filter((r) => /user stream/i.test(r.name));
  for (const [name, contents] of Object.entries(PEERS)) {
    const b = await bundle(contents);
    if (b.error) {
      rows.push(row('5 size', `${name}: user stream, tree-shaken (esbuild)`, 'could not build', '', b.error));
      continue;
    }
    rows.push(row('5 size', `${name}: user stream, tree-shaken (esbuild)`, `${fmt(b.minified)} B min, ${fmt(b.gzip)} B gzip`,
      ourStreams.map((o) => `${ratio(b.gzip / o.gzip)}`).join(' / '), `gzip ratio to ours: ${ourStreams.map((o) => o.name).join(' / ')}; platform ${b.platform}`));
  }
  return rows;
}

await main(import.meta.url, bench);
