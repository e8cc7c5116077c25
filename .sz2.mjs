import { build } from 'esbuild';
import { minify } from 'terser';
const r = await build({ entryPoints: ['src/index.ts'], bundle: true, format: 'iife', globalName: 'MastodonStreaming', platform: 'browser', target: 'es2022', write: false, mangleProps: /^_/, logLevel: 'silent' });
const m = await minify(r.outputFiles[0].text, { ecma: 2020, compress: { passes: 3 } });
const s = m.code; const i = s.indexOf('catchUp?function'); console.log(s.slice(i, s.indexOf(':void 0}', i)));
