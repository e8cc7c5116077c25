// Node has no `online` event: stand in for the runtime by stubbing globalThis's listener methods
// (platform.ts reads them at run time), for the duration of each test.
import { afterEach, beforeEach } from 'vitest';

export function stubOnline() {
  const g = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
  const listeners = new Set<() => void>();
  beforeEach(() => {
    g.addEventListener = (type: string, fn: () => void) => type === 'online' && listeners.add(fn);
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
