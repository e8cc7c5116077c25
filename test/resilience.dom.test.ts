// @vitest-environment happy-dom
// The same `online` behaviour where the runtime really has the event: a page (happy-dom), with
// the event dispatched on the global scope as a browser does.
import { afterEach, expect, it } from 'vitest';
import { startFakeMastodon, type FakeMastodon } from './kit/index.js';
import { Mastodon, StreamListener, type StreamHandle } from '../src/index.js';

let fake: FakeMastodon | undefined;
let handle: StreamHandle | undefined;

afterEach(async () => {
  handle?.close();
  await fake?.close();
  fake = undefined;
});

it('an online event on the global scope reconnects at once, without waiting for the read timeout', async () => {
  expect(typeof window).toBe('object');
  fake = await startFakeMastodon({ heartbeatMs: 0, wsPingMs: 0 });
  const mastodon = new Mastodon({ apiBaseUrl: fake.apiUrl, streamingBaseUrl: fake.streamingUrl, accessToken: fake.token });
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
  handle = mastodon.streamUser(listener, { runAsync: true, reconnectAsync: true, timeoutSec: 30, reconnectAsyncWaitSec: 10 });
  await fake.waitForConnections(1);
  const t0 = Date.now();
  globalThis.dispatchEvent(new Event('online'));
  const f = fake;
  await f.waitFor(() => f.requests.filter((r) => r.kind === 'sse').length === 2, { timeoutMs: 1000 });
  expect(Date.now() - t0).toBeLessThan(500);
  expect(aborts).toEqual(['Back online']);
  await f.waitForConnections(1);
  const s = f.postStatus();
  for (let i = 0; i < 200 && updates.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  expect(updates).toEqual([s.id]);
  handle.close();
  // After close, an online event does nothing.
  const before = f.requests.length;
  globalThis.dispatchEvent(new Event('online'));
  await new Promise((r) => setTimeout(r, 50));
  expect(f.requests.length).toBe(before);
});
