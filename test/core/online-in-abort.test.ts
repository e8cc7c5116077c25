/**
 * `online` reported while the listener's onAbort runs (the handle is 'waiting' then, between two
 * connections): the count of failures is reset for the wait that follows, so the reconnect is
 * immediate, as `online` during a back-off wait makes it. (Before, the count was recomputed
 * after onAbort and the reset was lost: the handle waited out the back-off.)
 */
import { expect, it } from 'vitest';
import { Mastodon, type StreamHandle } from '../../src/index.js';
import type { Stream } from '../../src/handle.js';
import { FakeClock, stubOnline, until, useWireServer } from '../kit/index.js';

const wire = useWireServer();
const { goOnline } = stubOnline();

it('online inside onAbort after a 503: the next attempt is at once, no virtual time passes', async () => {
  const clock = wire.keep(new FakeClock().install());
  const s = await wire.start();
  const m = new Mastodon({ apiBaseUrl: s.url, accessToken: 'test-token', streamingBaseUrl: s.url });
  s.failNext(1, { status: 503, body: '' });
  const states: string[] = [];
  let h: StreamHandle | undefined;
  const listener = {
    onAbort: () => {
      states.push((h as Stream)._state());
      goOnline();
    },
  };
  h = wire.keep(m.streamUser(listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 10 }));
  const t0 = clock.now();
  await until(() => s.conns.length === 1 && h!.isReceiving(), { what: 'the second attempt, receiving' });
  expect(states).toEqual(['waiting']);
  expect(s.streamRequests().length).toBe(2);
  // No back-off wait was waited for or is pending: only the new attempt's timeout check (60 s).
  expect(clock.now()).toBe(t0);
  expect(clock.delays()).toEqual([60_000]);
});
