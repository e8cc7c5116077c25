#!/usr/bin/env node
// `npm test`: everything a fresh machine needs to prove the package works, in order —
// Chromium present, build (the runtime, browser and package tests use dist/, not src/),
// type-check, then every vitest project. vitest exits 0 when every test is skipped, so the
// verdict comes from its JSON report, not from its exit code alone.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { applyCacheEnv, repoRoot } from './setup/env.mjs';
import { ensureChromium } from './setup/ensure-chromium.mjs';
import { extras } from './extras.mjs';

const log = (msg) => console.log(`[run] ${msg}`);
applyCacheEnv();
process.env.NO_COLOR = '1';
process.env.FORCE_COLOR = '0';

function run(cmd, args, { env } = {}) {
  log(`$ ${[cmd, ...args].join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', (err) => {
      log(`${cmd} could not start: ${err.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(signal ? 128 : (code ?? 1)));
  });
}

// npm sets npm_execpath when this runs as `npm test`; use that npm so versions match.
const npm = process.env.npm_execpath
  ? [process.execPath, [process.env.npm_execpath]]
  : ['npm', []];
const runNpm = (script) => run(npm[0], [...npm[1], 'run', script]);

function fail(msg, code = 1) {
  console.error(`[run] FAILED: ${msg}`);
  process.exit(code);
}

// (a) Chromium
const chromiumError = ensureChromium({ log });
if (chromiumError) fail(chromiumError);

// (b) build, (c) type-check
if ((await runNpm('build')) !== 0) fail('npm run build');
for (const f of ['dist/index.js', 'dist/index.global.js', 'dist/index.d.ts']) {
  if (!existsSync(join(repoRoot, f))) fail(`the build did not produce ${f}`);
}
if ((await runNpm('typecheck')) !== 0) fail('npm run typecheck');

// (d) vitest
const reportDir = join(repoRoot, 'test-results');
const reportFile = join(reportDir, 'vitest.json');
mkdirSync(reportDir, { recursive: true });
rmSync(reportFile, { force: true });
const vitestCode = await run(process.execPath, [
  join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'),
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${join('test-results', 'vitest.json')}`,
]);

let report;
try {
  report = JSON.parse(readFileSync(reportFile, 'utf8'));
} catch (err) {
  console.log(`0 passed, 0 failed`);
  fail(`vitest wrote no readable report at test-results/vitest.json (exit code ${vitestCode}): ${err.message}`);
}

const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
const failedFiles = (report.testResults ?? []).filter((f) => f.status !== 'passed');

const problems = [];
if (report.success !== true) problems.push('the report says success: false');
if (passed < 1) problems.push('no test passed');
if (skipped > 0) problems.push(`${skipped} test(s) skipped or todo — every test must run`);
if (failedFiles.length) problems.push(`failed files: ${failedFiles.map((f) => f.name.replace(repoRoot + '/', '')).join(', ')}`);
if (report.numFailedTestSuites) problems.push(`${report.numFailedTestSuites} suite(s) failed`);
if (vitestCode !== 0) problems.push(`vitest exited with code ${vitestCode} (unhandled errors count too)`);

// Tests that need data outside the repository (test/extras.mjs): when the data is absent they
// are named here with the reason (not a failure: a plain clone has no ../shared); when it is
// present each one must have run and passed, so none can silently disappear.
const notRun = [];
for (const x of extras()) {
  const file = (report.testResults ?? []).find((f) => f.name === join(repoRoot, x.file));
  const byTitle = new Map((file?.assertionResults ?? []).map((a) => [a.title, a.status]));
  if (!x.present) {
    for (const t of x.titles) if (byTitle.has(t)) problems.push(`${x.file}: "${t}" ran although its data is absent`);
    notRun.push(`${x.titles.length} test(s) of ${x.file} NOT RUN — ${x.what}: ${x.reason}`, ...x.titles.map((t) => `    not run: ${t}`));
    continue;
  }
  for (const t of x.titles) {
    const status = byTitle.get(t);
    if (status !== 'passed') problems.push(`${x.file}: "${t}" ${status ? `is ${status}` : 'did not run'} although its data is present`);
  }
}

for (const p of problems) console.error(`[run] ${p}`);
for (const line of notRun) console.log(`[run] ${line}`);
const notRunCount = extras().reduce((n, x) => n + (x.present ? 0 : x.titles.length), 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${notRunCount ? `, ${notRunCount} not run (data absent, named above)` : ''}`);
process.exit(problems.length ? 1 : 0);
