// Where Deno, Bun and Chromium may keep caches: folders under the repository's .cache/
// (gitignored), never the user's home folder. Used by test/run.mjs (so `npm test` alone works)
// and by vitest.config.ts (so `npx vitest` works too).
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cacheRoot = join(repoRoot, '.cache');

export function cacheEnv() {
  const env = {
    DENO_DIR: join(cacheRoot, 'deno'),
    XDG_CACHE_HOME: join(cacheRoot, 'xdg-cache'),
    XDG_CONFIG_HOME: join(cacheRoot, 'xdg-config'),
    // 0 disables Bun's transpiler cache instead of pointing it somewhere.
    BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0',
    // Deno and Bun must not try to upgrade themselves or phone home during tests.
    DENO_NO_UPDATE_CHECK: '1',
    DENO_NO_PROMPT: '1',
    DO_NOT_TRACK: '1',
  };
  for (const key of ['DENO_DIR', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME']) mkdirSync(env[key], { recursive: true });
  return env;
}

/** Adds cacheEnv() to process.env (values already set by the caller win). */
export function applyCacheEnv() {
  const env = cacheEnv();
  for (const [k, v] of Object.entries(env)) if (process.env[k] === undefined) process.env[k] = v;
  return env;
}
