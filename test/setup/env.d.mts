// Types for env.mjs (plain ESM so test/run.mjs can run it without a compiler).
export const repoRoot: string;
export const cacheRoot: string;
export function cacheEnv(): Record<string, string>;
export function applyCacheEnv(): Record<string, string>;
