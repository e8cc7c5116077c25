import { readFile, rm, writeFile } from 'node:fs/promises';
import { defineConfig, type Options } from 'tsup';
// @ts-expect-error plain JS module without types
import { renameForGzip } from './scripts/rename.mjs';

// Two entries, each as ESM (bundlers, Deno, Bun, Node, module service workers), IIFE
// (<script> tags and importScripts, defining the global `MastodonStreaming`) and types:
// dist/index.* is the full client, dist/sse.* the SSE-only one (the smallest build). The
// package has no runtime dependencies.
//
// Each entry and format is built on its own: each .d.ts is then self-contained (a shared
// declaration chunk is a .d.ts that Deno cannot find from a .js import), and each format gets
// the terser options that fit it (top-level names may be renamed in a module, not in a
// script, where the global must survive).
const build = (name: 'index' | 'sse', format: 'esm' | 'iife'): Options => ({
  entry: { [name]: `src/${name}.ts` },
  format: [format],
  globalName: 'MastodonStreaming',
  platform: 'browser',
  target: 'es2022',
  // Members marked @internal (the mangled `_` ones) exist under other names in the JS: the
  // .d.ts must not declare them (a call or an override would compile and then fail).
  dts: format == 'esm' && { compilerOptions: { stripInternal: true } },
  // esbuild bundles and mangles the `_private` member names (never public ones); terser then
  // minifies, a few per cent smaller gzipped than esbuild's own minifier on this code
  // (measured with npm run size). The ESM build is minified again by the app's bundler: there,
  // functions that terser inlined where they are called come out about 90 bytes (gzip) larger
  // in the app than functions left alone, so the ESM build inlines only the simplest functions
  // (`inline: 1`: 13 B smaller in the app than none) and keeps statements apart (`sequences:
  // false`: the app's minifier joins them its own way; 4 B more). The IIFE is used as is: it
  // is smallest with the simplest functions inlined too (`inline: 1`, 11 B smaller than full
  // inlining once renamed) and function declarations first in their scope (`hoist_funs`, where
  // they are hoisted anyway: 9 B), and is then renamed (see onSuccess).
  minify: 'terser',
  terserOptions: {
    // tsup chains terser's map onto esbuild's only when terser is asked for one.
    sourceMap: format == 'esm',
    ecma: 2020,
    module: format == 'esm',
    // unsafe_arrows: inlined function expressions that use neither `this` nor `arguments` become
    // arrows (in the IIFE: 8 B).
    compress: format == 'esm' ? { passes: 3, inline: 1, reduce_funcs: false, sequences: false } : { passes: 3, unsafe_arrows: true, inline: 1, hoist_funs: true },
  },
  treeshake: true,
  // The module builds come with dist/*.js.map, sources inside (sourcesContent): stack traces
  // and debuggers in Node (--enable-source-maps), Deno, Bun and bundlers point at src/*.ts.
  // The script-tag build has none: its `//# sourceMappingURL` line alone is 29 B gzip, past
  // the 8,000 B budget of the IIFE.
  sourcemap: format == 'esm',
  splitting: false,
  esbuildOptions(options) {
    options.mangleProps = /^_/;
    // The script-tag build also gets esbuild's syntax minification before terser: among other
    // things it declares with `let` where the source says `const` (terser keeps `const`), which
    // lets terser merge declarations: 73 B gzip smaller. The module builds are left as they
    // are (their source maps, and the app's bundler minifies them again).
    if (format == 'iife') options.minifySyntax = true;
  },
  outExtension: () => ({ js: format == 'iife' ? '.global.js' : '.js' }),
  async onSuccess() {
    // The script-tag build's variables are renamed once more by uglify-js, which keeps the
    // top-level names' letters apart from the functions' own (42 B gzip), and the result is
    // checked to be the same program but for its variables' names (scripts/rename.mjs).
    if (format == 'iife') {
      const file = `dist/${name}.global.js`;
      return writeFile(file, renameForGzip(await readFile(file, 'utf8')));
    }
    // Deno reads the types of a plain .js import from this header. It is one more line at the
    // top, so the source map gets one more (empty) line too: a leading ';' in its mappings.
    const file = `dist/${name}.js`;
    const js = await readFile(file, 'utf8');
    if (js.startsWith('/* @ts-self-types')) return;
    await writeFile(file, `/* @ts-self-types="./${name}.d.ts" */\n` + js);
    const map = JSON.parse(await readFile(file + '.map', 'utf8'));
    map.mappings = ';' + map.mappings;
    await writeFile(file + '.map', JSON.stringify(map));
  },
});

// The builds run side by side, so dist/ is emptied once, here, rather than by any of them.
await rm('dist', { recursive: true, force: true });

export default defineConfig([build('index', 'esm'), build('index', 'iife'), build('sse', 'esm'), build('sse', 'iife')]);
