// Node has no `online` event: stand in for the runtime by stubbing globalThis's listener methods
// (platform.ts reads them at run time), for the duration of each test.
import { afterEach, beforeEach } from 'vitest';

export function stubOnline() {
  const g = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
  const listeners = new Set<() => void>();
  beforeEach(() => {
    // As the runtime's: the listener stays until the `signal` option aborts (platform.ts removes it that way).
    g.addEventListener = (type: string, fn: () => void, options?: { signal?: AbortSignal }) => {
      if (type !== 'online') return;
      listeners.add(fn);
      options?.signal?.addEventListener('abort', () => listeners.delete(fn));
    };
    g.removeEventListener = (type: string, fn: () => void) => type === 'online' && listeners.delete(fn);
  });
  afterEach(() => {
    delete g.addEventListener;
    delete g.removeEventListener;
    listeners.clear();
  });
  return {
    /** The runtime reports the network back. */
    goOnline: (): void => {
      for (const fn of [...listeners]) fn();
    },
    /** How many `online` listeners are registered. */
    count: (): number => listeners.size,
  };
}
