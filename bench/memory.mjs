// 3. Memory.
// a) 1,000,000 events through one handle (dist `streamUser`, a `fetch` whose body makes 64 KiB
//    chunks of small `update` events on the fly, no server): heapUsed after a full GC, sampled
//    every 100,000 events; the growth from the first sample to the last, and the spread.
// b) 200 simultaneous handles (SSE: 200 user streams, a connection each) / subscriptions
//    (WebSocket: 200 hashtag streams on the one shared socket) against the fake Mastodon, in a
//    child process: heap and RSS per handle, after a full GC, each having received an event.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BENCH, NOT_ON_MAIN, ROOT, fmt, has, importDist, main, needGc, row, status } from './lib.mjs';
import { hasWebSocketTransport } from './loopback.mjs';

const EVENTS = Number(process.env.BENCH_MEMORY_EVENTS ?? 1_000_000);
const HANDLES = Number(process.env.BENCH_HANDLES ?? 200);
const kb = (b) => `${fmt(b / 1024, 1)} KiB`;

async function oneHandle() {
  const { Mastodon } = await importDist();
  // A small update (≈ 500 B) keeps a million events within seconds; the handle's state does not
  // depend on the size of what passes through it.
  const small = JSON.stringify({ ...status(400), account: { id: '1', acct: 'a', username: 'a' } });
  const block = `event: update\ndata: ${small}\n\n`;
  const perChunk = Math.max(1, Math.floor((64 * 1024) / Buffer.byteLength(block)));
  const chunk = new TextEncoder().encode(block.repeat(perChunk) + ':thump\n\n');
  const samples = [];
  let sent = 0, received = 0, nextSample = 0;
  const fetch = async () => {
    const body = new ReadableStream({
      pull(c) {
        if (received >= nextSample) {
          globalThis.gc();
          samples.push({ at: received, heap: process.memoryUsage().heapUsed });
          nextSample += EVENTS / 10;
        }
        if (sent >= EVENTS) return c.close();
        // A fresh copy each time, as a network read would give.
        c.enqueue(chunk.slice());
        sent += perChunk;
      },
    }, { highWaterMark: 0 });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
  const m = new Mastodon({ apiBaseUrl: 'https://bench.invalid', streamingBaseUrl: 'https://bench.invalid', accessToken: 't', fetch });
  const handle = m.streamUser({ onUpdate: () => received++ }, { runAsync: true });
  await handle.done;
  globalThis.gc();
  const closed = process.memoryUsage().heapUsed;
  // The first sample is taken before any event: JIT and lazy allocations happen in the first
  // 100,000 events, so flatness is judged on the samples taken while events flow after that.
  // A single heap sample moves by a chunk or two in flight, so the trend is a least-squares fit.
  const steady = samples.slice(1);
  const xs = steady.map((s) => s.at), ys = steady.map((s) => s.heap);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length, my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const growth = slope * (xs[xs.length - 1] - xs[0]);
  return [
    row('3 memory', `heap while ${fmt(received)} events pass through one handle (SSE)`,
      `growth ${kb(growth)} over ${fmt(xs[xs.length - 1] - xs[0])} events (fit), samples within ${kb(Math.max(...ys) - Math.min(...ys))}`, '',
      `heapUsed after GC every 100k events: ${ys.map((h) => fmt(h / 2 ** 20, 2)).join(', ')} MiB; after the stream ended: ${fmt(closed / 2 ** 20, 2)} MiB`),
  ];
}

function manyHandles(fake, transport) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', join(BENCH, 'clients', 'many.mjs')], {
      env: { ...process.env, BENCH_HANDLES: String(HANDLES), BENCH_TRANSPORT: transport, BENCH_API: fake.apiUrl, BENCH_STREAMING: fake.streamingUrl, BENCH_TOKEN: fake.token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '', err = '';
    const ws = transport === 'websocket';
    // The WebSocket transport sends one subscribe at a time, 250 ms apart: 200 take about 50 s.
    const waitAll = (n) => (ws ? fake.waitForSubscriptions(n, { timeoutMs: 90000 }) : fake.waitForConnections(n, { timeoutMs: 30000 }));
    const update = status();
    const kill = setTimeout(() => child.kill(), 150000);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', async (d) => {
      const before = out;
      out += d;
      try {
        if (!before.includes('warm') && out.includes('warm')) {
          await waitAll(1);
          fake.publish(ws ? { stream: 'hashtag', tag: 'warm' } : { stream: 'user' }, 'update', update);
          await fake.waitFor(() => fake.connections() === 0, { timeoutMs: 10000 });
        }
        if (!before.includes('opened') && out.includes('opened')) {
          await waitAll(HANDLES);
          if (!ws) fake.publish({ stream: 'user' }, 'update', update);
          else for (let i = 0; i < HANDLES; i++) fake.publish({ stream: 'hashtag', tag: `bench${i}` }, 'update', update);
        }
      } catch (e) {
        err += e.message;
        child.kill();
      }
    });
    child.on('exit', () => {
      clearTimeout(kill);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      resolve(line ? JSON.parse(line) : { error: (err || out).trim().split('\n').slice(-2).join(' | ').slice(0, 200) });
    });
  });
}

export async function bench() {
  needGc(import.meta.url);
  const rows = await oneHandle();
  if (!has('test/fake-mastodon/index.mjs')) return [...rows, row('3 memory', `${HANDLES} handles`, NOT_ON_MAIN)];
  const { startFakeMastodon } = await import(join(ROOT, 'test/fake-mastodon/index.mjs'));
  const fake = await startFakeMastodon({ heartbeatMs: 0, sameHost: true, wsPingMs: 600000, rateLimit: { limit: 1e9, windowMs: 1000 } });
  try {
    for (const transport of ['sse', 'websocket']) {
      const what = transport === 'sse' ? `${HANDLES} simultaneous SSE handles` : `${HANDLES} simultaneous WebSocket subscriptions`;
      if (transport === 'websocket' && !hasWebSocketTransport()) {
        rows.push(row('3 memory', what, NOT_ON_MAIN));
        continue;
      }
      const r = await manyHandles(fake, transport);
      fake.dropConnections();
      await fake.waitFor(() => fake.connections() === 0, { timeoutMs: 10000 }).catch(() => {});
      rows.push(r.error ? row('3 memory', what, 'could not run', '', r.error)
        : row('3 memory', what, `${kb(r.heap)} heap + ${kb(r.external)} buffers per handle`, '', `RSS ${kb(r.rss)} per handle (moves in pages, noisy) (Node ${process.version}, ${transport === 'websocket' ? 'ws, one socket' : 'undici fetch'}); all ${HANDLES} open and receiving after ${fmt(r.allMs / 1000, 1)} s`));
    }
  } finally {
    await fake.close();
  }
  return rows;
}

await main(import.meta.url, bench);
