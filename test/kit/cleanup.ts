// Everything a test starts is stopped after it: stream handles, fake servers, clocks, children.
// One helper instead of an afterEach block per file.
import { afterEach } from 'vitest';
import { startFakeMastodon, type FakeMastodon, type FakeMastodonOptions } from '../fake-mastodon/index.mjs';
import { startServer, type ServerOptions, type TestServer } from './wire-server.js';

/** Anything with a `close()` (a handle, a server, a client socket) or a `uninstall()` (a clock). */
export type Closable = { close(): unknown } | { uninstall(): unknown };

export interface Cleanup {
  /** Stops `x` after the test (handles and servers alike); returns it. */
  keep<T extends Closable>(x: T): T;
  /** Runs `fn` after the test. */
  defer(fn: () => unknown): void;
}

/**
 * Registers one afterEach (call it at the top level of a file or a describe) that stops, last
 * started first, everything the test kept or deferred — a handle is closed before the server it
 * reads from. Every step runs even if one throws; the first error fails the test.
 */
export function useCleanup(): Cleanup {
  const stack: Array<() => unknown> = [];
  afterEach(async () => {
    let first: unknown;
    let failed = false;
    while (stack.length) {
      try {
        await stack.pop()!();
      } catch (err) {
        if (!failed) [first, failed] = [err, true];
      }
    }
    if (failed) throw first;
  });
  return {
    keep(x) {
      stack.push(() => ('close' in x ? x.close() : x.uninstall()));
      return x;
    },
    defer(fn) {
      stack.push(fn);
    },
  };
}

/**
 * A fake Mastodon per test, and the cleanup for what the test opens. `defaults` apply to every
 * `start()` (heartbeats and pings off unless a test asks: they are noise in exact sequences).
 */
export function useFakeMastodon(defaults: FakeMastodonOptions = { heartbeatMs: 0, wsPingMs: 0 }) {
  const { keep, defer } = useCleanup();
  return {
    /** Starts this test's fake Mastodon (stopped after the test). */
    start: async (o: FakeMastodonOptions = {}): Promise<FakeMastodon> => keep(await startFakeMastodon({ ...defaults, ...o })),
    keep,
    defer,
  };
}

/** The raw SSE wire server (test/kit/wire-server.ts) per test, and the cleanup for what the test opens. */
export function useWireServer(defaults: ServerOptions = {}) {
  const { keep, defer } = useCleanup();
  return {
    /** Starts a wire server (stopped after the test). */
    start: async (o: ServerOptions = {}): Promise<TestServer> => keep(await startServer({ ...defaults, ...o })),
    keep,
    defer,
  };
}
