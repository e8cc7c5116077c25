import { defineConfig } from 'tsup';

// Two entries, each as ESM (bundlers, Deno, Bun, Node, module service workers), IIFE
// (<script> tags and importScripts, defining the global `MastodonStreaming`) and types:
// dist/index.* is the full client, dist/sse.* the SSE-only one (the smallest build). The SSE line parser of
// @microsoft/fetch-event-source is a devDependency, so tsup inlines it: the package has no
// runtime dependencies.
export default defineConfig({
  entry: { index: 'src/index.ts', sse: 'src/sse.ts' },
  format: ['esm', 'iife'],
  globalName: 'MastodonStreaming',
  platform: 'browser',
  target: 'es2022',
  dts: true,
  clean: true,
  minify: true,
  treeshake: true,
  sourcemap: false,
  splitting: false,
  noExternal: ['@microsoft/fetch-event-source'],
  // Private members are spelled `_name` in the sources; mangling those names (never public
  // ones) shrinks the bundle. Both builds are mangled the same way.
  esbuildOptions(options) {
    options.mangleProps = /^_/;
  },
  outExtension: ({ format }) => ({ js: format === 'iife' ? '.global.js' : '.js' }),
  // Deno reads the types of a plain .js import from this header; each ESM entry names its own.
  async onSuccess() {
    const { readFile, writeFile } = await import('node:fs/promises');
    for (const name of ['index', 'sse']) {
      const file = `dist/${name}.js`;
      const js = await readFile(file, 'utf8');
      if (!js.startsWith('/* @ts-self-types')) await writeFile(file, `/* @ts-self-types="./${name}.d.ts" */\n` + js);
    }
  },
});
