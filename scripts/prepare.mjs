// `npm run prepare`, which npm runs itself: when another project installs this package from its
// git URL (a clone has no dist/, so this builds it), on `npm ci`/`npm install` here, and before
// `npm pack`. It builds only when dist/ is missing or older than src/ or the build config, so a
// fresh dist/ is never emptied and rebuilt under running tests (attw --pack runs `npm pack`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outputs = ['index.js', 'index.global.js', 'index.d.ts', 'sse.js', 'sse.global.js', 'sse.d.ts'].map((f) => join(root, 'dist', f));

/** Newest modification time of a file, or of any file under a folder. */
const newest = (p) => (statSync(p).isDirectory() ? Math.max(0, ...readdirSync(p).map((n) => newest(join(p, n)))) : statSync(p).mtimeMs);

const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'tsup.config.ts')), newest(join(root, 'scripts', 'rename.mjs')), newest(join(root, 'package.json')));
const fresh = outputs.every((f) => existsSync(f) && statSync(f).mtimeMs >= sources);
if (fresh) {
  console.log('dist/ is up to date with src/: not rebuilt (npm run build forces a build)');
} else {
  const tsup = join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js');
  const r = spawnSync(process.execPath, [tsup], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
