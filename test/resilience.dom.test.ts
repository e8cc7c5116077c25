// @vitest-environment happy-dom
// The same `online` behaviour where the runtime really has the event: a page (happy-dom), with
// the event dispatched on the global scope as a browser does. The library's time is virtual:
// "at once" means no virtual time passed.
import { expect, it } from 'vitest';
import { FakeClock, until, useFakeMastodon } from './kit/index.js';
import { Mastodon, StreamListener } from '../src/index.js';

const { start, keep } = useFakeMastodon();

it('an online event on the global scope reconnects at once, without waiting for the read timeout', async () => {
  expect(typeof window).toBe('object');
  const clock = keep(new FakeClock().install());
  const f = await start();
  let fetches = 0;
  const mastodon = new Mastodon({
    apiBaseUrl: f.apiUrl, streamingBaseUrl: f.streamingUrl, accessToken: f.token, fetch: (i, o) => (fetches++, fetch(i, o)),
  });
  const aborts: string[] = [];
  const updates: string[] = [];
  const listener = new (class extends StreamListener {
    override onAbort(err: Error) {
      aborts.push(err.message);
    }
    override onUpdate(s: { id: string }) {
      updates.push(s.id);
    }
  })();
  const handle = keep(mastodon.streamUser(listener, { runAsync: true, reconnectAsync: true, timeoutSec: 30, reconnectAsyncWaitSec: 10 }));
  await f.waitForConnections(1);
  const t0 = clock.now();
  globalThis.dispatchEvent(new Event('online'));
  await f.waitFor(() => f.requests.filter((r) => r.kind === 'sse').length === 2 && f.sseConnections() === 1);
  expect(clock.now()).toBe(t0);
  expect(aborts).toEqual(['Back online']);
  const s = f.postStatus();
  await until(() => updates.length === 1, { what: 'a status on the new connection' });
  expect(updates).toEqual([s.id]);
  handle.close();
  // After close, an online event does nothing: no request, nothing scheduled, however long.
  const before = fetches;
  globalThis.dispatchEvent(new Event('online'));
  await clock.advance(60_000);
  expect(fetches).toBe(before);
  expect(clock.pending()).toBe(0);
});
