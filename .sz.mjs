import { build } from 'esbuild';
import { minify } from 'terser';
import { gzipSync } from 'node:zlib';
const r = await build({ entryPoints: ['src/index.ts'], bundle: true, format: 'iife', globalName: 'MastodonStreaming', platform: 'browser', target: 'es2022', write: false, mangleProps: /^_/, logLevel: 'silent', tsconfig: 'tsconfig.json' });
const m = await minify(r.outputFiles[0].text, { ecma: 2020, compress: { passes: 3 } });
console.log(m.code.length, gzipSync(Buffer.from(m.code), { level: 9 }).length);
