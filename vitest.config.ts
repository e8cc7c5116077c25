import { defineConfig } from 'vitest/config';
import { cacheEnv } from './test/setup/env.mjs';

// Never collected as tests: fixtures run inside Deno/Bun/Chromium, generated extension copies,
// and anything built.
const notTests = [
  '**/node_modules/**',
  'dist/**',
  '.cache/**',
  'test-results/**',
  'test/runtimes/fixtures/**',
  'test/runtimes/browser/**',
  'test/runtimes/extension/**',
  'test/types/**',
];

export default defineConfig({
  test: {
    // The machine has 2 cores; the runtime and browser files each start heavy children.
    maxWorkers: 2,
    // A bound, not a speed check: generous for a loaded 2-core machine (the kit's `until` gives
    // up after 10 s by default, so its message names what never came). The runtime/browser/
    // package files raise it per file.
    testTimeout: 20_000,
    // Hooks start Chromium, servers and child runtimes: generous but bounded.
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    // Deno/Bun/Chromium caches under .cache/, also when vitest runs without test/run.mjs.
    env: cacheEnv(),
    passWithNoTests: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: [...notTests, 'test/**/*.dom.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          environment: 'happy-dom',
          include: ['test/**/*.dom.test.ts'],
          exclude: notTests,
        },
      },
    ],
  },
});
