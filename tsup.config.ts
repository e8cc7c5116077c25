import { defineConfig } from 'tsup';

// One source, three artefacts: dist/index.js (ESM for bundlers, Deno, Bun, Node, module
// service workers), dist/index.global.js (IIFE for <script> tags and importScripts, defining
// the global `MastodonStreaming`) and dist/index.d.ts. The SSE line parser of
// @microsoft/fetch-event-source is a devDependency, so tsup inlines it: the package has no
// runtime dependencies.
export default defineConfig({
  entry: { index: 'src/index.ts' },
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
  banner: ({ format }) => (format === 'esm' ? { js: '/* @ts-self-types="./index.d.ts" */' } : {}),
});
