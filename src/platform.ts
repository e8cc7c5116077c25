/**
 * The one module that touches runtime globals. Everything else in the library is plain
 * TypeScript that receives what it needs from here, so the core runs unchanged in browsers,
 * Deno, Bun, Node ≥ 20 and extension service workers (no `window`, no `document`).
 *
 * Nothing here runs at import time (beyond naming `globalThis`): every global is read from it
 * when a function is called, so importing the library in a service worker touches nothing, and
 * a test can swap a global (fake timers, a patched fetch) after import.
 */

export type TimerId = ReturnType<typeof setTimeout>;

type Global = {
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  console?: Console;
  addEventListener?: (type: string, fn: () => void, options: { signal: AbortSignal }) => void;
};
const g = globalThis as Global;

/**
 * Time, timers and chance: the runtime's. Every other module reads them through this object
 * or the functions below (timers through `setTimer`, which clamps the delay), so a test swaps this one object (test/kit/clock.ts) to run back-off, read timeouts and
 * freeze detection in virtual time, exactly.
 */
export const clock = {
  now: (): number => Date.now(),
  random: (): number => Math.random(),
  set: (fn: () => void, ms: number): TimerId => setTimeout(fn, ms),
  /** `clearTimeout(undefined)` is a no-op in every runtime. */
  clear: (id: TimerId | undefined): void => clearTimeout(id),
};

/**
 * The longest delay a timer holds: every runtime fires a longer one (2^31 ms, 24.8 days, and
 * up) at once, which would turn a long wait into a tight loop. Delays are clamped to it here.
 */
const MAX_DELAY = 2 ** 31 - 1;

export const setTimer = (fn: () => void, ms: number): TimerId => clock.set(fn, Math.min(ms, MAX_DELAY));

export const abortController = (): AbortController => new AbortController();

export const defaultFetch = (): typeof fetch => {
  const f = g.fetch;
  if (!f) throw new TypeError('No fetch here: pass the fetch option');
  // Some runtimes throw "Illegal invocation" when fetch is called detached from its global.
  return f.bind(g);
};

export const defaultWebSocket = (): typeof WebSocket => {
  const W = g.WebSocket;
  if (!W) throw new TypeError('No WebSocket here: pass the WebSocket option');
  return W;
};

/**
 * A strict UTF-8 decoder: malformed input throws instead of turning into U+FFFD. A byte order
 * mark at the very start of what it decodes (a stream, with `{ stream: true }`) is dropped.
 */
export const strictDecoder = (): TextDecoder => new TextDecoder('utf-8', { fatal: true });

export const reportError = (...args: unknown[]): void => g.console?.error(...args);

/**
 * Calls `fn` when the runtime says the network is back (`online` on `window` or a worker's
 * global scope), until `until` (an AbortController: an options object whose `signal` ends the
 * listener) is aborted. Where there is no such event (Node, Bun) nothing happens; Deno has the
 * methods but never fires it.
 */
export const onOnline = (fn: () => void, until: { signal: AbortSignal }): void => g.addEventListener?.('online', fn, until);

/** Byte chunks as text (UTF-8, lenient). */
export const textOf = (chunks: Uint8Array[]): Promise<string> => new Blob(chunks as BlobPart[]).text();
