// 1. Parse throughput, bytes → listener calls, on ~50 MB of Mastodon-like SSE in 64 KiB chunks.
//
// Rows, each run on the same bytes in the same process, interleaved in rounds after a warm-up
// round. Time is the process's CPU time (process.cpuUsage: user + system, GC threads included),
// not wall time: on a shared 2-core machine wall time measures the neighbours. Each row reports
// its best round (the least disturbed one) as MB/s and events/s; ratios are paired per round
// (against the limit, or getLines + getMessages, of the same round), median over the rounds.
// - limit: TextDecoder + JSON.parse of each payload (its place in the bytes known beforehand),
//   nothing else: no parser can do less.
// - eventsource-parser 3 (+ TextDecoder, + JSON.parse).
// - @microsoft/fetch-event-source's parse module: getLines + getMessages + JSON.parse (the
//   ceiling this library is held to), and getLines alone.
// - ours, pipeline: createSseParser → toPayload → Dispatcher → listener method, built from src/
//   with esbuild exactly as tsup builds dist/ (minified, `_` members mangled). The pieces are not
//   exported by dist/, and profiling them needs them apart; the build is the same code.
// - ours, end to end: dist/index.js, `streamUser(listener)` with a `fetch` that answers a
//   Response whose body yields the same chunks: transport, handle, dispatcher, listener, all
//   of it (plus a ReadableStream read per chunk, which the rows above do not pay).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BENCH, ROOT, ensurePeers, fmt, gc, importDist, main, median, ratio, row, sseData } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const MB = Number(process.env.BENCH_PARSE_MB ?? 50);

/** The library's pipeline pieces, built as tsup builds them (see above). */
export async function buildPipeline() {
  const dir = join(BENCH, '.cache');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'pipeline.mjs');
  await build({
    stdin: {
      contents: [
        "export { createSseParser } from '../src/sse/parser.ts';",
        "export { toPayload } from '../src/payload.ts';",
        "export { Dispatcher } from '../src/listener.ts';",
        // The Dispatcher's members are `_`-named and mangled in this build: reached through these.
        "export const event = (d, name, payload) => d._event(name, payload);",
        "export const heartbeat = (d) => d._call('handleHeartbeat');",
        "export { getLines, getMessages } from '@microsoft/fetch-event-source/lib/esm/parse.js';",
        "export { createSseParser as referenceParser } from '../test/reference/getlines-parser.ts';",
      ].join('\n'),
      resolveDir: BENCH,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // BENCH_NOMINIFY=1 keeps names readable in a `node --cpu-prof` profile.
    minify: !process.env.BENCH_NOMINIFY,
    mangleProps: /^_/,
    outfile: out,
    logLevel: 'error',
  });
  return import(pathToFileURL(out).href + '?' + Date.now());
}

// The one payload rule every row applies, so that all do the same work: a `delete` carries a
// bare id (kept as a string), anything else is JSON.
const payloadOf = (name, data) => (name === 'delete' ? data : JSON.parse(data));

function variants(P, dist, data) {
  const { all, chunks, names, offsets } = data;
  let n = 0;
  const sink = () => n++;
  const listener = { onUpdate: sink, onDelete: sink, onNotification: sink, onStatusUpdate: sink };

  return {
    limit() {
      // Each payload's bytes (where they lie is known beforehand) decoded and parsed: the work
      // every SSE client must do, and nothing else.
      n = 0;
      const dec = new TextDecoder();
      for (let i = 0, k = 0; i < names.length; i++, k += 2) sink(payloadOf(names[i], dec.decode(all.subarray(offsets[k], offsets[k + 1]))));
      return n;
    },
    'eventsource-parser': () => {
      n = 0;
      const dec = new TextDecoder();
      const p = ESP.createParser({ onEvent: (e) => sink(payloadOf(e.event, e.data)) });
      for (const c of chunks) p.feed(dec.decode(c, { stream: true }));
      return n;
    },
    'fes-getLines+getMessages': () => {
      n = 0;
      const feed = P.getLines(
        P.getMessages(
          () => {},
          () => {},
          (m) => {
            if (m.event !== '') sink(payloadOf(m.event, m.data)); // comment-only blocks come as empty messages
          },
        ),
      );
      for (const c of chunks) feed(c);
      return n;
    },
    'fes-getLines-alone': () => {
      n = 0;
      const feed = P.getLines((line) => {
        if (line.length === 0) n++;
      });
      for (const c of chunks) feed(c);
      return n; // blank lines: one per event (this stream has no comment-only blocks)
    },
    // The two pipeline rows are written out rather than made by one shared function, so that
    // each has call sites of its own (a shared `feed(c)` would see both parsers).
    'ours-pipeline': () => {
      n = 0;
      const d = new P.Dispatcher(listener, ['user']);
      const feed = P.createSseParser((name, s) => P.event(d, name, P.toPayload(name, s)), () => P.heartbeat(d), 16 * 1024 * 1024);
      for (const c of chunks) feed(c);
      return n;
    },
    'ours-pipeline-plain': () => {
      // The parser this library had on getLines alone (test/reference/), same dispatcher.
      n = 0;
      const d = new P.Dispatcher(listener, ['user']);
      const feed = P.referenceParser({ event: (name, s) => P.event(d, name, P.toPayload(name, s)), heartbeat: () => P.heartbeat(d) }, 16 * 1024 * 1024);
      for (const c of chunks) feed(c);
      return n;
    },
    'ours-e2e': async () => {
      n = 0;
      const fetch = async () => {
        let i = 0;
        const body = new ReadableStream({
          pull(c) {
            if (i < chunks.length) c.enqueue(chunks[i++]);
            else c.close();
          },
        }, { highWaterMark: 0 });
        return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
      };
      const m = new dist.Mastodon({ apiBaseUrl: 'https://bench.invalid', streamingBaseUrl: 'https://bench.invalid', accessToken: 't', fetch });
      await m.streamUser(listener);
      return n;
    },
  };
}

let ESP;

export async function bench() {
  ensurePeers();
  ESP = await import('eventsource-parser').catch(() => import(pathToFileURL(join(BENCH, 'node_modules/eventsource-parser/dist/index.js')).href));
  const P = await buildPipeline();
  const dist = await importDist();
  const rows = [];
  for (const kind of ['update', 'mix']) {
    const data = sseData(kind, MB);
    const v = variants(P, dist, data);
    const names = Object.keys(v);
    const times = Object.fromEntries(names.map((k) => [k, []]));
    const counts = {};
    for (let r = 0; r <= ROUNDS; r++) {
      for (const k of names) {
        gc();
        const t0 = process.cpuUsage();
        const c = await v[k]();
        const u = process.cpuUsage(t0);
        const ms = (u.user + u.system) / 1000;
        counts[k] = c;
        if (r > 0) times[k].push(ms); // round 0 warms up
      }
    }
    const best = (k) => Math.min(...times[k]);
    const mbps = (k) => data.bytes / 1e6 / (best(k) / 1000);
    const evps = (k) => data.events / (best(k) / 1000);
    // Ratios are paired: variant against reference within each round, median over the rounds,
    // so that a disturbance that slows a whole round does not skew them.
    const rel = (k, ref) => median(times[k].map((t, i) => times[ref][i] / t));
    const label = kind === 'update' ? `${fmt(data.bytes / 1e6, 1)} MB, ${fmt(data.events)} updates` : `${fmt(data.bytes / 1e6, 1)} MB mix: ${Object.entries(data.counts).map(([k, c]) => `${fmt(c)} ${k}`).join(', ')}, heartbeats`;
    const desc = {
      limit: 'limit: TextDecoder + JSON.parse of each payload, nothing else',
      'eventsource-parser': 'eventsource-parser 3 + JSON.parse',
      'fes-getLines+getMessages': 'fetch-event-source getLines + getMessages + JSON.parse',
      'fes-getLines-alone': 'fetch-event-source getLines alone (no decode, no JSON)',
      'ours-pipeline': 'ours: parser → payload → dispatcher → listener',
      'ours-pipeline-plain': 'ours before 0.1.1: the same pipeline on getLines alone',
      'ours-e2e': 'ours end to end: dist streamUser, fetch body → listener',
    };
    for (const k of names) {
      const wrong = k !== 'fes-getLines-alone' && counts[k] !== data.events ? ` — WRONG COUNT ${counts[k]} ≠ ${data.events}` : '';
      let note = k === 'limit' ? label : '';
      if (k.startsWith('ours')) note = `${rel(k, 'fes-getLines+getMessages').toFixed(2)}× of getLines+getMessages+JSON.parse`;
      rows.push(row(`1 parse (${kind})`, desc[k], `${fmt(mbps(k))} MB/s, ${fmt(evps(k))} events/s`, ratio(rel(k, 'limit')), note + wrong));
    }
  }
  return rows;
}

await main(import.meta.url, bench);
void ROOT;
