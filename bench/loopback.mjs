// 2. End to end on loopback: the fake Mastodon blasts N `update` events (2 KB each) as fast as
// the socket takes them; each client runs in its own process and reports events/s and CPU time
// per event (its own process.cpuUsage, first event to last). Peers run against the same server,
// in the runtime they need; each is given as a ratio to ours.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, BIN, NOT_ON_MAIN, ROOT, ensureDist, ensurePeers, fmt, has, main, median, ratio, row, status } from './lib.mjs';

const N = Number(process.env.BENCH_LOOPBACK_N ?? 20000);
const ROUNDS = Number(process.env.BENCH_LOOPBACK_ROUNDS ?? 3);

/** True once the WebSocket transport is on main (a src/transport/ file named for it). */
export const hasWebSocketTransport = () => readdirSync(join(ROOT, 'src', 'transport')).some((f) => /web-?socket|^ws\./i.test(f));

const runtimeCmd = (runtime, script) => {
  const file = join(BENCH, 'clients', script);
  if (runtime === 'node') return [process.execPath, [file]];
  if (runtime === 'bun') return [join(BIN, 'bun'), ['run', file]];
  return [join(BIN, 'deno'), ['run', '--quiet', '--allow-net=127.0.0.1', '--allow-env', '--allow-read', file]];
};

const cacheEnv = {
  DENO_DIR: join(ROOT, '.cache', 'deno'),
  XDG_CACHE_HOME: join(ROOT, '.cache'),
  BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0',
  DENO_NO_UPDATE_CHECK: '1',
};

/** Runs one client process against `fake`: waits until it is subscribed, blasts, returns its result. */
async function runClient(fake, { runtime, script, env = {}, ws }) {
  const [cmd, args] = runtimeCmd(runtime, script);
  const child = spawn(cmd, args, {
    cwd: BENCH,
    env: { ...process.env, ...cacheEnv, ...env, BENCH_N: String(N), BENCH_API: fake.apiUrl, BENCH_STREAMING: fake.streamingUrl, BENCH_TOKEN: fake.token, BENCH_TIMEOUT_MS: '60000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '', err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await Promise.race([
      ws ? fake.waitForSubscriptions(1, { timeoutMs: 30000 }) : fake.waitForConnections(1, { timeoutMs: 30000 }),
      exited.then(() => Promise.reject(new Error('exited before connecting'))),
    ]);
    await fake.blast({ stream: 'user' }, 'update', PAYLOAD, N);
    await exited;
  } catch (e) {
    child.kill();
    await exited;
    return { error: `${e.message}: ${(out + err).trim().split('\n').slice(-2).join(' | ').slice(0, 200)}` };
  } finally {
    fake.dropConnections();
    await fake.waitFor(() => fake.connections() === 0, { timeoutMs: 5000 }).catch(() => {});
  }
  const line = out.split('\n').reverse().find((l) => l.startsWith('{'));
  if (!line) return { error: `no result: ${(out + err).trim().split('\n').slice(-2).join(' | ').slice(0, 200)}` };
  return JSON.parse(line);
}

let PAYLOAD;

export async function bench() {
  ensureDist();
  ensurePeers();
  const rows = [];
  if (!has('test/fake-mastodon/index.mjs')) return [row('2 loopback', 'all clients', NOT_ON_MAIN)];
  const { startFakeMastodon } = await import(join(ROOT, 'test/fake-mastodon/index.mjs'));
  PAYLOAD = JSON.stringify(status());
  const fake = await startFakeMastodon({ heartbeatMs: 0, sameHost: true, wsPingMs: 600000, rateLimit: { limit: 1e9, windowMs: 1000 } });
  const hasWs = hasWebSocketTransport();
  const bunOk = existsSync(join(BIN, 'bun'));
  const clients = [
    { name: 'ours, SSE (Node)', runtime: 'node', script: 'ours.mjs', env: { BENCH_TRANSPORT: 'sse' } },
    { name: 'ours, SSE (Bun)', runtime: 'bun', script: 'ours.mjs', env: { BENCH_TRANSPORT: 'sse' }, vs: 'ours, SSE (Node)', note: 'the same code on another runtime\'s fetch', missing: !bunOk && 'bun missing' },
    { name: 'ours, WebSocket (Node, ws)', runtime: 'node', script: 'ours.mjs', env: { BENCH_TRANSPORT: 'websocket' }, ws: true, missing: !hasWs && NOT_ON_MAIN },
    { name: 'ours, WebSocket (Bun)', runtime: 'bun', script: 'ours.mjs', env: { BENCH_TRANSPORT: 'websocket' }, ws: true, missing: (!hasWs && NOT_ON_MAIN) || (!bunOk && 'bun missing') },
    { name: 'masto 8, WebSocket (Bun)', runtime: 'bun', script: 'masto.mjs', ws: true, vs: 'ours, WebSocket (Bun)', note: 'needs Node ≥ 22: run under Bun; ratio to ours on Bun', missing: !bunOk && 'bun missing' },
    { name: 'megalodon 10, WebSocket (Node)', runtime: 'node', script: 'megalodon.mjs', ws: true, vs: 'ours, WebSocket (Node, ws)' },
    { name: 'mastodon-api 1.3, SSE (Node)', runtime: 'node', script: 'mastodon-api.mjs', vs: 'ours, SSE (Node)' },
  ];
  const results = {};
  const rounds = {};
  try {
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of clients) {
        if (c.missing) continue;
        const res = await runClient(fake, c);
        process.stderr.write(`bench: loopback ${c.name}: ${JSON.stringify(res)}\n`);
        (rounds[c.name] ??= []).push(res);
        const prev = results[c.name];
        // Keep the round with the least CPU per event (the least disturbed one).
        if (!prev || prev.error || (!res.error && res.cpuMs < prev.cpuMs)) results[c.name] = res;
      }
    }
  } finally {
    await fake.close();
  }
  for (const c of clients) {
    if (c.missing) {
      rows.push(row('2 loopback', c.name, c.missing));
      continue;
    }
    const res = results[c.name];
    if (!res || res.error) {
      rows.push(row('2 loopback', c.name, 'could not run', '', res?.error ?? ''));
      continue;
    }
    const eps = res.events / (res.ms / 1000);
    const cpuUs = (res.cpuMs * 1000) / res.events;
    const base = results[c.vs ?? (c.ws ? 'ours, WebSocket (Node, ws)' : 'ours, SSE (Node)')];
    let r = '', note = c.note ?? '';
    if (c.vs && base && !base.error) {
      // Paired per round (peer and ours ran one after the other), median over the rounds: a
      // busy spell on the machine then slows both sides of a ratio, not one.
      const pairs = rounds[c.name].map((p, i) => [p, rounds[c.vs][i]]).filter(([p, o]) => !p.error && o && !o.error);
      const epsR = median(pairs.map(([p, o]) => (p.events / p.ms) / (o.events / o.ms)));
      const cpuR = median(pairs.map(([p, o]) => (p.cpuMs / p.events) / (o.cpuMs / o.events)));
      r = `${ratio(epsR)} events/s, ${ratio(cpuR)} CPU`;
      note = (note ? note + '; ' : '') + `vs ${c.vs}`;
    } else if (c.vs) note = (note ? note + '; ' : '') + `no ratio: ${c.vs} did not run`;
    if (res.lost) note = (note ? note + '; ' : '') + `LOST ${fmt(res.lost)} of ${fmt(N)} events`;
    rows.push(row('2 loopback', c.name, `${fmt(eps)} events/s, ${fmt(cpuUs, 1)} µs CPU/event`, r, note));
  }
  rows.unshift(row('2 loopback', `setup`, `${fmt(N)} × 2 KB update per client, best of ${ROUNDS} rounds`, '', 'fake Mastodon (blast) in the parent; each client its own process; CPU = client process only; ratios: median of per-round pairs'));
  return rows;
}

await main(import.meta.url, bench);
