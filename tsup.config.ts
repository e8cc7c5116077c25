import { readFile, rm, writeFile } from 'node:fs/promises';
import { defineConfig, type Options } from 'tsup';

// Two entries, each as ESM (bundlers, Deno, Bun, Node, module service workers), IIFE
// (<script> tags and importScripts, defining the global `MastodonStreaming`) and types:
// dist/index.* is the full client, dist/sse.* the SSE-only one (the smallest build). The SSE
// line parser of @microsoft/fetch-event-source is a devDependency, so tsup inlines it: the
// package has no runtime dependencies. Each entry is built on its own so that its .d.ts is
// self-contained (a shared declaration chunk is a .d.ts that Deno cannot find from a .js
// import).
const entry = (name: 'index' | 'sse'): Options => ({
  entry: { [name]: `src/${name}.ts` },
  format: ['esm', 'iife'],
  globalName: 'MastodonStreaming',
  platform: 'browser',
  target: 'es2022',
  dts: true,
  minify: true,
  treeshake: true,
  sourcemap: false,
  splitting: false,
  noExternal: ['@microsoft/fetch-event-source'],
  // Private members are spelled `_name` in the sources; mangling those names (never public
  // ones) shrinks the bundle.
  esbuildOptions(options) {
    options.mangleProps = /^_/;
  },
  outExtension: ({ format }) => ({ js: format === 'iife' ? '.global.js' : '.js' }),
  // Deno reads the types of a plain .js import from this header.
  async onSuccess() {
    const file = `dist/${name}.js`;
    const js = await readFile(file, 'utf8');
    if (!js.startsWith('/* @ts-self-types')) await writeFile(file, `/* @ts-self-types="./${name}.d.ts" */\n` + js);
  },
});

// The two builds run side by side, so dist/ is emptied once, here, rather than by either.
await rm('dist', { recursive: true, force: true });

export default defineConfig([entry('index'), entry('sse')]);
