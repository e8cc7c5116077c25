#!/usr/bin/env node
// `npm run test:flaky -- --runs N`: builds once, then runs the whole vitest suite N times in a
// row (every project: Node, DOM, Deno, Bun, Chromium) and reports every test that failed at least
// once, with how many times, plus runs that ended badly without a failed test (an unhandled
// error, a crashed worker). Exit code 1 if anything failed even once.
//   --runs N       how many runs (default 10)
//   --no-build     use the dist/ already there
//   anything after `--` goes to vitest (e.g. a file filter)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { applyCacheEnv, repoRoot } from './setup/env.mjs';
import { ensureChromium } from './setup/ensure-chromium.mjs';

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const own = dash < 0 ? args : args.slice(0, dash);
const vitestArgs = dash < 0 ? [] : args.slice(dash + 1);
const runsAt = own.indexOf('--runs');
const runs = runsAt < 0 ? 10 : Number(own[runsAt + 1]);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('usage: node test/flaky.mjs [--runs N] [--no-build] [-- vitest args]');
  process.exit(2);
}
const log = (msg) => console.log(`[flaky] ${msg}`);
applyCacheEnv();
process.env.NO_COLOR = '1';

function run(cmd, argv, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: repoRoot, stdio: opts.quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit', env: process.env });
    child.on('error', () => resolve(127));
    child.on('exit', (code, signal) => resolve(signal ? 128 : (code ?? 1)));
  });
}

const chromiumError = ensureChromium({ log });
if (chromiumError) {
  console.error(`[flaky] ${chromiumError}`);
  process.exit(1);
}
if (!own.includes('--no-build')) {
  log('building dist/ once (the runtime, browser and package tests use it)');
  if ((await run('npm', ['run', 'build'], { quiet: true })) !== 0) process.exit(1);
}

const dir = join(repoRoot, 'test-results');
mkdirSync(dir, { recursive: true });
/** test name → number of runs it failed in */
const failures = new Map();
const badRuns = [];
const started = Date.now();
for (let i = 1; i <= runs; i++) {
  const file = join(dir, `flaky-${i}.json`);
  rmSync(file, { force: true });
  const t = Date.now();
  const code = await run(process.execPath, [
    join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=dot', '--reporter=json', `--outputFile.json=${relative(repoRoot, file)}`, ...vitestArgs,
  ]);
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    badRuns.push(`run ${i}: no report (vitest exit code ${code})`);
    continue;
  }
  const failed = [];
  for (const f of report.testResults ?? []) {
    const where = relative(repoRoot, f.name);
    for (const a of f.assertionResults ?? []) {
      if (a.status === 'passed') continue;
      const name = `${where} > ${a.fullName ?? a.title} [${a.status}]`;
      failed.push(name);
      failures.set(name, (failures.get(name) ?? 0) + 1);
    }
    if (f.status !== 'passed' && !(f.assertionResults ?? []).some((a) => a.status !== 'passed')) {
      const name = `${where} (the file failed outside its tests: ${(f.message ?? '').split('\n')[0]})`;
      failed.push(name);
      failures.set(name, (failures.get(name) ?? 0) + 1);
    }
  }
  if (code !== 0 && failed.length === 0) badRuns.push(`run ${i}: vitest exited with code ${code} without a failed test (an unhandled error?)`);
  log(`run ${i}/${runs}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped, exit ${code}, ${Math.round((Date.now() - t) / 1000)} s`);
  if ((report.numPendingTests ?? 0) + (report.numTodoTests ?? 0) > 0) badRuns.push(`run ${i}: ${report.numPendingTests + report.numTodoTests} test(s) skipped`);
}

console.log(`\n[flaky] ${runs} run(s) in ${Math.round((Date.now() - started) / 1000)} s`);
if (failures.size === 0 && badRuns.length === 0) {
  console.log('[flaky] no test failed in any run');
  process.exit(0);
}
for (const [name, n] of [...failures].sort((a, b) => b[1] - a[1])) console.log(`[flaky] failed ${n}/${runs}: ${name}`);
for (const b of badRuns) console.log(`[flaky] ${b}`);
process.exit(1);
