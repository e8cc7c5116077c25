#!/usr/bin/env node
// `npm run bench`: every benchmark, each in its own Node process (so one's heap and JIT state
// do not colour another's), side by side in one table, printed with the machine and the
// versions used; `npm run bench -- --write` also writes it to bench/RESULTS.md, the file the
// docs quote (a run on a busy laptop should not replace it by accident). Figures are printed,
// never judged: no exit code depends on them. Each benchmark also runs alone:
// `node bench/parse.mjs`, etc.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, ensureDist, ensurePeers, machine, table } from './lib.mjs';

const SCRIPTS = [
  ['parse.mjs', ['--expose-gc']],
  ['loopback.mjs', []],
  ['memory.mjs', ['--expose-gc']],
  ['reconnect.mjs', []],
  ['size-peers.mjs', []],
];

ensurePeers();
ensureDist();

const runOne = (file, flags) =>
  new Promise((resolve) => {
    const t0 = Date.now();
    process.stderr.write(`bench: ${file}\n`);
    const child = spawn(process.execPath, [...flags, join(BENCH, file), '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('@@ROWS@@'));
      const secs = ((Date.now() - t0) / 1000).toFixed(0);
      process.stderr.write(`bench: ${file} done in ${secs} s\n`);
      resolve(line ? JSON.parse(line.slice(8)) : [{ section: file, what: 'failed to run', result: `exit ${code}`, ratio: '', note: out.trim().slice(-200) }]);
    });
  });

const started = Date.now();
const load0 = machine().load;
const rows = [];
for (const [file, flags] of SCRIPTS) rows.push(...(await runOne(file, flags)));

const m = machine();
const peers = JSON.parse(readFileSync(join(BENCH, 'package.json'), 'utf8')).dependencies;
const installed = Object.keys(peers)
  .map((p) => {
    try {
      return `${p} ${JSON.parse(readFileSync(join(BENCH, 'node_modules', p, 'package.json'), 'utf8')).version}`;
    } catch {
      return `${p} (not installed)`;
    }
  })
  .join(', ');
const fes = JSON.parse(readFileSync(join(BENCH, '..', 'node_modules', '@microsoft', 'fetch-event-source', 'package.json'), 'utf8')).version;

const md = `# Benchmark results

Written by \`npm run bench -- --write\` (bench/run.mjs) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, in ${((Date.now() - started) / 1000).toFixed(0)} s.

- Machine: ${m.cpu}, ${m.memory}, ${m.os}; load average (1/5/15 min) ${load0} at the start, ${m.load} at the end (other work on the machine widens the noise)
- Runtimes: Node ${m.node}; ${m.bun.startsWith('not') ? 'Bun not available' : `Bun ${m.bun}`}; ${m.deno}
- Library: mastodon-streaming at ${m.commit} (dist/ built by tsup), @microsoft/fetch-event-source ${fes}
- Peers (bench/package.json): ${installed}

How to read it: § 1 times CPU (process.cpuUsage), best of several interleaved rounds after a
warm-up, every row on the same bytes in the same process; "ratio" is to the physical limit
(TextDecoder + JSON.parse alone). § 2 runs each client in its own process against one fake
Mastodon; CPU is the client's own; "ratio" is the peer's events/s and CPU per event to ours on
the same runtime and transport. Benchmarks print figures; they do not pass or fail.

${table(rows)}
`;
process.stdout.write(md);
if (process.argv.includes('--write')) {
  writeFileSync(join(BENCH, 'RESULTS.md'), md);
  process.stderr.write('bench: wrote bench/RESULTS.md\n');
} else process.stderr.write('bench: bench/RESULTS.md left as it is (npm run bench -- --write replaces it)\n');
