// One fake Mastodon per test, and the stream handles the test opened: all stopped after each
// test, so no socket, timer or server outlives it.
import { afterEach } from 'vitest';
import type { StreamHandle } from '../../src/index.js';
import { startFakeMastodon, type FakeMastodon, type FakeMastodonOptions } from '../fake-mastodon/index.mjs';

export function useFakeMastodon(defaults: FakeMastodonOptions = { heartbeatMs: 0, wsPingMs: 0 }) {
  let fake: FakeMastodon | undefined;
  const handles: StreamHandle[] = [];
  afterEach(async () => {
    for (const h of handles.splice(0)) h.close();
    await fake?.close();
    fake = undefined;
  });
  return {
    /** Starts this test's fake Mastodon. */
    start: async (o: FakeMastodonOptions = {}): Promise<FakeMastodon> => (fake = await startFakeMastodon({ ...defaults, ...o })),
    /** Closes `h` after the test. */
    keep: <T extends StreamHandle>(h: T): T => (handles.push(h), h),
  };
}

/** Polls `check` every 5 ms until it is truthy; fails after `timeoutMs`. */
export async function until(check: () => unknown, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + check.toString());
    await new Promise((r) => setTimeout(r, 5));
  }
}
