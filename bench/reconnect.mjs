// 4. Reconnect, against the fake Mastodon, client in this process (latency only, no CPU).
// a) SSE and WebSocket: a healthy connection is dropped while the server is "down" (its next streaming request is
//    answered 503). The handle's immediate retry meets the 503, waits its back-off (the jitter
//    pinned so the wait is exactly reconnectAsyncWaitSec) and connects again; the server
//    publishes as soon as it sees the connection. Reported: time from the 503 (the server is back
//    from then on) to the first live event at the listener, minus the configured wait.
// b) catchUp: 400 statuses posted while the handle is away; time from the reconnect to the 400th
//    caught-up status at the listener.
import { join } from 'node:path';
import { NOT_ON_MAIN, ROOT, fmt, has, importDist, main, median, row } from './lib.mjs';
import { readdirSync } from 'node:fs';
import { hasWebSocketTransport } from './loopback.mjs';

const WAIT_SEC = 0.2;
const REPEATS = Number(process.env.BENCH_RECONNECT_REPEATS ?? 7);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** True once catch-up is on main (a src/ file named for it). */
const hasCatchUp = () => readdirSync(join(ROOT, 'src'), { recursive: true }).some((f) => /catch-?up/i.test(String(f)));

async function reconnectLatency(Mastodon, fake, transport, WebSocket) {
  const ws = transport === 'websocket', label = ws ? 'WebSocket' : 'SSE';
  const m = new Mastodon({ apiBaseUrl: fake.apiUrl, streamingBaseUrl: fake.streamingUrl, accessToken: fake.token, transport, ...(ws && { WebSocket }) });
  const ready = (o) => (ws ? fake.waitForSubscriptions(1, o) : fake.waitForConnections(1, o));
  await fake.waitFor(() => fake.connections() === 0, { timeoutMs: 5000 });
  let onEvent;
  const handle = m.streamUser({ onUpdate: (s) => onEvent?.(s) }, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: WAIT_SEC });
  const random = Math.random;
  const over = [];
  try {
    await ready();
    for (let i = 0; i < REPEATS; i++) {
      await sleep(WAIT_SEC * 1000 + 350); // up long enough to count as healthy (WebSocket: opens once its subscribe settled, 250 ms)
      Math.random = () => 1 - 2 ** -40; // back-off factor 0.5 + r/2 → the configured wait
      const seen = fake.requests.length;
      fake.failNext(1, 503);
      fake.dropConnections();
      const failed = await fake.waitForRequest((r, idx = fake.requests.indexOf(r)) => idx >= seen && r.kind === (ws ? 'ws' : 'sse'), { timeoutMs: 5000 });
      const back = performance.now() - (Date.now() - failed.time); // the 503, on this clock
      await fake.waitFor(() => fake.connections() === 0, { timeoutMs: 5000 });
      await ready({ timeoutMs: 10000 });
      const got = new Promise((resolve) => (onEvent = () => resolve(performance.now())));
      fake.postStatus();
      const t = await Promise.race([got, sleep(10000).then(() => undefined)]);
      Math.random = random;
      if (t === undefined) return row('4 reconnect', `server back → first live event (${label})`, 'could not run', '', `no live event within 10 s after drop ${i + 1}`);
      over.push(t - back - WAIT_SEC * 1000);
    }
  } finally {
    Math.random = random;
    handle.close();
  }
  return row('4 reconnect', `server back → first live event, minus the ${WAIT_SEC * 1000} ms wait (${label})`,
    `${fmt(median(over), 1)} ms median`, '', `${REPEATS} drops; all: ${over.map((x) => fmt(x, 0)).join(', ')} ms (Date.now resolution on the server side: ±1 ms)`);
}

async function catchUp(Mastodon, fake) {
  const ITEMS = 400;
  const m = new Mastodon({ apiBaseUrl: fake.apiUrl, streamingBaseUrl: fake.streamingUrl, accessToken: fake.token });
  let n = ITEMS - 1, done;
  await fake.waitFor(() => fake.connections() === 0, { timeoutMs: 5000 }); // the previous handle's
  const handle = m.streamUser({ onUpdate: () => ++n === ITEMS && done(performance.now()) }, { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 1, catchUp: true, catchUpMaxItems: ITEMS });
  try {
    await fake.waitForConnections(1);
    // One live status first: catch-up starts after the newest item the listener received.
    const first = new Promise((r) => (done = r));
    fake.postStatus();
    if ((await Promise.race([first, sleep(5000).then(() => 'timeout')])) === 'timeout') {
      return row('4 reconnect', `catchUp of ${ITEMS} missed statuses`, 'could not run', '', 'the first live status did not arrive');
    }
    const all = new Promise((r) => (done = r));
    await sleep(1100); // healthy
    fake.failNext(1, 503); // the handle stays away for its back-off: ~0.5–1 s
    fake.dropConnections();
    await fake.waitFor(() => fake.sseConnections() === 0);
    for (let i = 0; i < ITEMS; i++) fake.postStatus();
    n = 0;
    await fake.waitForConnections(1, { timeoutMs: 10000 });
    const t0 = performance.now();
    const rest0 = fake.requests.length;
    const t = await Promise.race([all, sleep(20000).then(() => undefined)]);
    const pages = fake.requests.slice(rest0).filter((r) => r.kind === 'rest').length;
    if (t === undefined) return row('4 reconnect', `catchUp of ${ITEMS} missed statuses`, `did not finish: ${n} of ${ITEMS} in 20 s`);
    return row('4 reconnect', `catchUp of ${ITEMS} missed statuses (SSE)`, `${fmt(t - t0, 0)} ms`, '', `from the stream reconnecting to the ${ITEMS}th status at the listener; ${pages} REST requests`);
  } finally {
    handle.close();
  }
}

export async function bench() {
  if (!has('test/fake-mastodon/index.mjs')) return [row('4 reconnect', 'all', NOT_ON_MAIN)];
  const { Mastodon } = await importDist();
  const { startFakeMastodon } = await import(join(ROOT, 'test/fake-mastodon/index.mjs'));
  const fake = await startFakeMastodon({ heartbeatMs: 0, rateLimit: { limit: 1e9, windowMs: 1000 } });
  const rows = [];
  try {
    rows.push(await reconnectLatency(Mastodon, fake, 'sse'));
    rows.push(hasWebSocketTransport() ? await reconnectLatency(Mastodon, fake, 'websocket', (await import('ws')).default) : row('4 reconnect', 'server back → first live event (WebSocket)', NOT_ON_MAIN));
    rows.push(hasCatchUp() ? await catchUp(Mastodon, fake) : row('4 reconnect', 'catchUp of 400 missed statuses', NOT_ON_MAIN));
  } finally {
    await fake.close();
  }
  return rows;
}

await main(import.meta.url, bench);
