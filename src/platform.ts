/**
 * The one module that touches runtime globals. Everything else in the library is plain
 * TypeScript that receives what it needs from here, so the core runs unchanged in browsers,
 * Deno, Bun, Node ≥ 20 and extension service workers (no `window`, no `document`).
 *
 * Nothing here runs at import time: every global is read when a function is called, so
 * importing the library in a service worker touches nothing, and a test can swap a global
 * (fake timers, a patched fetch) after import.
 */

export type TimerId = ReturnType<typeof setTimeout>;

export const now = (): number => Date.now();

export const random = (): number => Math.random();

export const setTimer = (fn: () => void, ms: number): TimerId => setTimeout(fn, ms);

export const clearTimer = (id: TimerId | undefined): void => {
  if (id !== undefined) clearTimeout(id);
};

export const defaultFetch = (): typeof fetch => {
  const f = (globalThis as { fetch?: typeof fetch }).fetch;
  if (typeof f !== 'function') throw new TypeError('No fetch() in this runtime: pass the `fetch` option');
  // Some runtimes throw "Illegal invocation" when fetch is called detached from its global.
  return f.bind(globalThis);
};

export const defaultWebSocket = (): typeof WebSocket => {
  const W = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
  if (!W) throw new TypeError('No WebSocket in this runtime: pass the `WebSocket` option');
  return W;
};

/** A strict UTF-8 decoder: malformed input throws instead of turning into U+FFFD. */
export const strictDecoder = (): TextDecoder => new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export const reportError = (...args: unknown[]): void => {
  (globalThis as { console?: Console }).console?.error(...args);
};

/**
 * Calls `fn` when the runtime says the network is back (`online` on `window` or a worker's
 * global scope). Returns the function that stops listening. A no-op where there is no such
 * event (Node, Deno, Bun).
 */
export const onOnline = (fn: () => void): (() => void) => {
  const target = globalThis as {
    addEventListener?: (type: string, fn: () => void) => void;
    removeEventListener?: (type: string, fn: () => void) => void;
  };
  if (typeof target.addEventListener !== 'function' || typeof target.removeEventListener !== 'function') {
    return () => {};
  }
  target.addEventListener('online', fn);
  return () => target.removeEventListener?.('online', fn);
};

export const abortController = (): AbortController => new AbortController();

/** A lenient UTF-8 decoder, for error bodies that only feed a message. */
export const lenientDecoder = (): TextDecoder => new TextDecoder();
