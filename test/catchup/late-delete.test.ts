// A status posted after a reconnect and deleted before the catch-up's REST read: the read no
// longer has it, so the catch-up delivers the newer statuses first, and its live `update`
// arrives after them, followed by its live `delete`. This is the case fast-check found (seed
// -1697647529: [drop, post 1, delete it]); the property test (property.test.ts) explains why the
// library delivers the late update rather than drop it, and allows exactly this. Here it runs
// deterministically: the test holds the catch-up's REST request until the status is deleted,
// and the live bytes of the new connection until the catch-up has read.
import { expect, it } from 'vitest';
import { CallbackStreamListener, Mastodon, type CatchUpGap } from '../../src/index.js';
import { until, useFakeMastodon } from '../kit/index.js';

const { start, keep } = useFakeMastodon();

it('posted and deleted while the catch-up reads: the newer statuses, then the late update, then its delete; no gap', async () => {
  const f = await start();
  /** Closed: catch-up requests (min_id) wait at it. */
  let gate: Promise<void> | undefined;
  let openGate!: () => void;
  let waiting = 0;
  /** Closed: the SSE bytes of the connections wait at it. */
  let valve: Promise<void> = Promise.resolve();
  let openValve!: () => void;
  const fetchFn: typeof fetch = async (input, init) => {
    const url = String(input);
    if (url.includes('min_id=') && gate) {
      waiting++;
      await gate;
    }
    const res = await fetch(input, init);
    if (!url.includes('/api/v1/streaming')) return res;
    const held = new TransformStream<Uint8Array, Uint8Array>({ transform: async (chunk, c) => (await valve, c.enqueue(chunk)) });
    return new Response(res.body!.pipeThrough(held), { status: res.status, headers: res.headers });
  };
  const log: string[] = [];
  const gaps: CatchUpGap[] = [];
  const listener = new CallbackStreamListener({
    updateHandler: (s) => log.push(`update ${s.id}`),
    deleteHandler: (id) => log.push(`delete ${id}`),
    catchUpGapHandler: (g) => gaps.push(g),
  });
  const m = new Mastodon({ apiBaseUrl: f.apiUrl, streamingBaseUrl: f.streamingUrl, accessToken: f.token, fetch: fetchFn });
  const h = keep(m.streamHashtag('cats', listener, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.05, catchUp: true }));
  await until(() => h.position()?.ids.update, { what: 'the baseline' });
  await f.waitForConnections(1);
  const s0 = f.postStatus({ tags: ['cats'] });
  await until(() => log.length === 1, { what: 'the first status' });

  gate = new Promise((r) => (openGate = r));
  const before = f.requests.filter((r) => r.kind === 'sse').length;
  f.dropConnections();
  await until(() => f.requests.filter((r) => r.kind === 'sse').length > before && f.sseConnections() === 1 && waiting === 1, { what: 'the reconnect and its catch-up request' });
  valve = new Promise((r) => (openValve = r));
  const a = f.postStatus({ tags: ['cats'] });
  f.deleteStatus(a.id);
  const b = f.postStatus({ tags: ['cats'] });
  openGate();
  // The catch-up reads b, then an empty page after it.
  await until(() => f.requests.some((r) => r.url.includes(`min_id=${b.id}&`)) && log.length === 2, { what: 'the catch-up' });
  openValve();
  const c = f.postStatus({ tags: ['cats'] });
  await until(() => log.includes(`update ${c.id}`), { what: 'the marker' });
  expect(log).toEqual([`update ${s0.id}`, `update ${b.id}`, `update ${a.id}`, `delete ${a.id}`, `update ${c.id}`]);
  expect(gaps).toEqual([]);
  expect(h.position()).toStrictEqual({ stream: ['hashtag', 'cats'], ids: { update: c.id } });
});
