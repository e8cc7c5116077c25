// While the package is not on the registry, another project installs it from its git URL or
// from a packed tarball (the README's "Install"). Both are done here for real, in a new project
// in a temporary folder, and the installed package is imported and streams from the fake
// Mastodon:
// - git: `npm install git+file://<this repository>#<HEAD>` clones the committed HEAD, installs
//   its devDependencies and runs `prepare`, which builds dist/ (a clone has no dist/);
// - tarball: `npm pack` here, `npm install <file>.tgz` there.
// npm runs with --offline: every package comes from npm's cache, which `npm ci` filled, so the
// test needs no network. Uncommitted changes are not part of the git install (it clones HEAD).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeMastodon, type FakeMastodon } from './fake-mastodon/index.mjs';
import { repoRoot } from './setup/env.mjs';
import { requireDist } from './runtimes/scenario.js';

const work = mkdtempSync(join(tmpdir(), 'mastodon-streaming-install-'));
let fake: FakeMastodon | undefined;

/** npm's own variables from `npm test` would steer the nested npm (prefix, scripts): not passed on. */
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || k === 'npm_config_cache'));

function run(cmd: string, args: string[], cwd: string, timeoutMs: number, env: Record<string, string | undefined> = {}) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...cleanEnv(), ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}\n${stderr}`.trim() });
    });
  });
}

const npm = (args: string[], cwd: string, timeoutMs: number) =>
  run('npm', [...args, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], cwd, timeoutMs);

/** A new project that depends on nothing yet. */
function project(name: string): string {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }));
  // What a user writes first: both entries, a listener, a user stream, close after one status.
  writeFileSync(join(dir, 'main.js'), `
import { Mastodon, StreamListener, MastodonNetworkError } from 'mastodon-streaming';
import { Mastodon as SseMastodon } from 'mastodon-streaming/sse';
console.log('imported', typeof SseMastodon, new MastodonNetworkError('x') instanceof Error);
const mastodon = new Mastodon({ apiBaseUrl: process.env.MASTODON_URL, accessToken: process.env.MASTODON_TOKEN });
const handle = mastodon.streamUser(new (class extends StreamListener {
  onUpdate(status) {
    console.log('update ' + status.id);
    handle.close();
  }
})(), { runAsync: true });
console.log('streaming');
await handle.done;
`);
  return dir;
}

/** Runs main.js of a project against a new fake: it must print that it streams, then the status posted. */
async function streamsFromFake(dir: string): Promise<void> {
  fake = await startFakeMastodon();
  const child = run(process.execPath, ['main.js'], dir, 60_000, { MASTODON_URL: fake.apiUrl, MASTODON_TOKEN: fake.token });
  // Post once the stream is open; the program closes its handle after the first status.
  const deadline = Date.now() + 30_000;
  while (fake.sseConnections() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const status = fake.postStatus({ text: 'from the install test' });
  const { code, out } = await child;
  expect(out).toBe(`imported function true\nstreaming\nupdate ${status.id}`);
  expect(code).toBe(0);
  await fake.close();
  fake = undefined;
}

/** What an installed copy holds: the build with its maps, the README and licence, nothing else. */
function expectInstalled(dir: string): void {
  const pkg = join(dir, 'node_modules', 'mastodon-streaming');
  expect(readdirSync(pkg).sort()).toEqual(['LICENSE', 'README.md', 'dist', 'package.json']);
  expect(readdirSync(join(pkg, 'dist')).sort()).toEqual([
    'index.d.ts', 'index.global.js', 'index.js', 'index.js.map',
    'sse.d.ts', 'sse.global.js', 'sse.js', 'sse.js.map',
  ]);
}

beforeAll(() => requireDist());

afterAll(async () => {
  await fake?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('installing the package in another project', () => {
  it('from a packed tarball (npm pack, then npm install <file>.tgz), and it streams', async () => {
    const packed = await npm(['pack', '--ignore-scripts', '--pack-destination', work], repoRoot, 120_000);
    expect(packed.code, packed.out).toBe(0);
    const tgz = readdirSync(work).find((f) => /^mastodon-streaming-\d+\.\d+\.\d+\.tgz$/.test(f));
    expect(tgz, packed.out).toBeDefined();
    const dir = project('from-tarball');
    const installed = await npm(['install', join(work, tgz!)], dir, 120_000);
    expect(installed.code, installed.out).toBe(0);
    expectInstalled(dir);
    await streamsFromFake(dir);
  }, 300_000);

  it('from its git URL (git+file://…#HEAD): prepare builds dist/, and it streams', async () => {
    const head = (await run('git', ['rev-parse', 'HEAD'], repoRoot, 10_000)).out;
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    const dir = project('from-git');
    // npm clones the repository, installs its devDependencies and runs prepare (tsup): minutes
    // on a loaded 2-core machine, so the bound is generous.
    const installed = await npm(['install', `git+file://${repoRoot}#${head}`], dir, 480_000);
    expect(installed.code, installed.out).toBe(0);
    expect(existsSync(join(dir, 'node_modules', 'mastodon-streaming', 'dist', 'index.js'))).toBe(true);
    expectInstalled(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(manifest.dependencies['mastodon-streaming']).toBe(`git+file://${repoRoot}#${head}`);
    await streamsFromFake(dir);
  }, 600_000);
});
