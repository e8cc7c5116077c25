import { describe, expect, it } from 'vitest';
import { sleep, until, useCleanup } from './index.js';

describe('until', () => {
  it('resolves as soon as the condition holds, sync or async', async () => {
    let n = 0;
    await until(() => ++n === 3);
    expect(n).toBe(3);
    await until(async () => true);
  });

  it('rejects after its bound, naming what it waited for', async () => {
    await expect(until(() => false, { timeoutMs: 30, what: 'the moon' })).rejects.toThrow(
      new Error('until: timed out after 30 ms waiting for the moon'),
    );
  });
});

describe('useCleanup', () => {
  const order: string[] = [];
  const { keep, defer } = useCleanup();
  it('a test keeps a server, then a handle, then defers a step', async () => {
    keep({ close: async () => void (await sleep(1), order.push('server')) });
    keep({ close: () => void order.push('handle') });
    keep({ uninstall: () => void order.push('clock') });
    defer(() => void order.push('deferred'));
    expect(order).toEqual([]);
  });
  it('…and after it everything was stopped, last started first', () => {
    expect(order).toEqual(['deferred', 'clock', 'handle', 'server']);
  });
});
