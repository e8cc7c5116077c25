import { afterEach, describe, expect, it } from 'vitest';
import { Mastodon } from '../../src/index.js';
import { FakeClock } from './clock.js';

let clock: FakeClock | undefined;
afterEach(() => clock?.uninstall());

describe('FakeClock drives the library in virtual time', () => {
  it('fires timers in order, including those set while firing, and only when due', async () => {
    clock = new FakeClock().install();
    const fired: string[] = [];
    clock.set(() => fired.push('b@200'), 200);
    clock.set(() => {
      fired.push('a@100');
      clock!.set(() => fired.push('c@150'), 50);
    }, 100);
    const gone = clock.set(() => fired.push('never'), 120);
    clock.clear(gone);
    await clock.advance(99);
    expect(fired).toEqual([]);
    await clock.advance(1);
    expect(fired).toEqual(['a@100']);
    await clock.advance(100);
    expect(fired).toEqual(['a@100', 'c@150', 'b@200']);
    expect(clock.pending()).toBe(0);
  });

  it('a failing connection is retried after exactly the documented back-off waits', async () => {
    clock = new FakeClock().install();
    const start = clock.now();
    const attempts: number[] = [];
    const mastodon = new Mastodon({
      apiBaseUrl: 'https://mastodon.example',
      streamingBaseUrl: 'https://streaming.example',
      accessToken: 'tok',
      fetch: async () => {
        attempts.push(clock!.now() - start);
        throw new TypeError('fetch failed');
      },
    });
    const handle = mastodon.streamUser({}, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 2, reconnectAsyncMaxWaitSec: 10 });
    try {
      await clock.until(() => attempts.length >= 5, { stepMs: 50 });
      // random = 0.5 → factor 0.75: waits 1.5, 3, 6, 7.5 (capped at 10 × 0.75) seconds.
      expect(attempts).toEqual([0, 1500, 4500, 10500, 18000]);
    } finally {
      handle.close();
    }
  });
});
