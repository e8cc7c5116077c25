// Opens BENCH_HANDLES handles (SSE: each on the user stream, one connection each; WebSocket:
// each on its own hashtag `bench<i>`, so that each is a subscription of its own on the shared
// socket), waits until each has received one event, and reports the heap and RSS they cost
// (after a full GC), per handle.
import process from 'node:process';

const M = Number(process.env.BENCH_HANDLES ?? 200);
const transport = process.env.BENCH_TRANSPORT ?? 'sse';
const { Mastodon } = await import('../../dist/index.js');
let WebSocket;
if (transport === 'websocket' && typeof globalThis.WebSocket !== 'function') WebSocket = (await import('ws')).default;
const m = new Mastodon({ apiBaseUrl: process.env.BENCH_API, streamingBaseUrl: process.env.BENCH_STREAMING, accessToken: process.env.BENCH_TOKEN, transport, ...(WebSocket && { WebSocket }) });

const open = (i, listener) => (transport === 'sse' ? m.streamUser(listener, { runAsync: true }) : m.streamHashtag(i < 0 ? 'warm' : `bench${i}`, listener, { runAsync: true }));

const mem = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  const u = process.memoryUsage();
  return { heap: u.heapUsed, rss: u.rss, external: u.external + u.arrayBuffers };
};

// One handle opened and closed first, so that code loading and JIT are not counted per handle.
await new Promise((resolve) => {
  const h = open(-1, { onUpdate: () => { h.close(); resolve(); } });
  console.log('warm');
});
const before = await mem();
let seen = 0;
const handles = [];
const t0 = performance.now();
await new Promise((resolve) => {
  for (let i = 0; i < M; i++) {
    let got = false;
    handles.push(open(i, { onUpdate: () => { if (!got) { got = true; if (++seen === M) resolve(); } } }));
  }
  console.log('opened');
});
const allMs = performance.now() - t0;
const after = await mem();
console.log(JSON.stringify({ handles: M, heap: (after.heap - before.heap) / M, rss: (after.rss - before.rss) / M, external: (after.external - before.external) / M, allMs }));
for (const h of handles) h.close();
process.exit(0);
