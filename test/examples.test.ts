// Every file in examples/ runs VERBATIM against the fake Mastodon: the Node/Deno/Bun scripts as
// child processes (instance and token from MASTODON_URL / MASTODON_TOKEN), the HTML pages in
// Chromium from a static server on another port (so every request is cross-origin), and the
// extension as an unpacked MV3 extension. The examples import the package by its name
// `mastodon-streaming`, which Node, Deno and Bun resolve to dist/ through package.json's
// `exports` when run inside this repository. Each test asserts the exact lines printed.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { sleep, startFakeMastodon, until, useCleanup, type FakeMastodon, type StreamKey } from './kit/index.js';
import { loadExtension } from './kit/extension.js';
import { markerCount, wsCommands } from './kit/ws-markers.js';
import { repoRoot } from './setup/env.mjs';
import { CHROMIUM, CHROMIUM_ARGS, INSTALL_COMMAND } from './setup/ensure-chromium.mjs';
import { BIG_ID, Lines, requireDist, spawnLines } from './runtimes/scenario.js';
import { startStaticServer, type StaticServer } from './runtimes/static-server.js';

/** The extension API, as the service worker's sw.evaluate() callbacks use it (they run in Chromium). */
declare const chrome: { storage: { session: { get(keys: string[]): Promise<Record<string, unknown>> } } };

const ex = (f: string) => join(repoRoot, 'examples', f);
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(',') : (v ?? ''));

const children = new Set<ChildProcess>();
let fake: FakeMastodon | undefined;

beforeAll(() => requireDist());

afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
  await fake?.close();
  fake = undefined;
});

interface Run {
  lines: Lines;
  stderr(): string;
  /** Resolves with how the process ended (bounded: 60 s — generous: a loaded machine starts Deno slowly). */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends SIGINT (Ctrl-C) and resolves with how the process ended. */
  interrupt(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runExample(cmd: string, args: string[], env: Record<string, string>, label: string): Run {
  const { child, lines, exited, stderr } = spawnLines(cmd, args, label, children, env);
  const bounded = (ms: number, what: string) =>
    Promise.race([
      exited,
      sleep(ms).then(() => {
        throw new Error(`${label} did not exit within ${ms / 1000} s${what}\n${stderr()}`);
      }),
    ]);
  return {
    lines,
    stderr,
    exited: () => bounded(60_000, ''),
    interrupt: () => {
      child.kill('SIGINT');
      return bounded(20_000, ' of SIGINT');
    },
  };
}

/**
 * Checks that the lines printed are exactly `expected` and nothing more: after the last expected
 * line, `witness()` publishes one more event on the same stream and returns the line it prints.
 * Events arrive in order, so once the witness is printed anything extra (a duplicate, a late
 * line) would already be there — no quiet window a slow machine could outlast.
 */
async function expectLines(lines: Lines, expected: string[], witness: () => string): Promise<void> {
  await lines.waitFor(expected[expected.length - 1]!, 30_000, { fromStart: true });
  const last = witness();
  await lines.waitFor(last, 30_000, { fromStart: true });
  await lines.skipToEnd();
  expect(lines.all).toStrictEqual([...expected, last]);
}

/** The witness event of a user stream: a `delete` of an id no test posts. */
const WITNESS_ID = '1';
const userWitness = (f: FakeMastodon, prefix = '') => () => {
  f.publish({ stream: 'user' }, 'delete', WITNESS_ID);
  return `${prefix}delete ${WITNESS_ID}`;
};

const env = (f: FakeMastodon, extra: Record<string, string> = {}) => ({ MASTODON_URL: f.apiUrl, MASTODON_TOKEN: f.token, ...extra });

/** Checks that no request carried the token anywhere but the Authorization header or the WebSocket subprotocol. */
function expectTokenOnlyInHeaders(f: FakeMastodon): void {
  for (const r of f.requests) expect(r.url, `${r.method} ${r.url}`).not.toContain(f.token);
}

/** The user-stream events every SSE example prints, and the lines they print. */
function publishUserEvents(f: FakeMastodon) {
  const s = f.postStatus();
  const n = f.notify('mention');
  f.publish({ stream: 'user' }, 'delete', BIG_ID);
  return { s, n };
}

const sseRuntimes: Record<string, { cmd: () => string; args: string[]; notificationLine: (n: any) => string }> = {
  'node.mjs': {
    cmd: () => process.execPath,
    args: [ex('node.mjs')],
    notificationLine: (n) => `notification ${n.id} ${n.type} from @${n.account.acct}`,
  },
  'iterate.mjs': { cmd: () => process.execPath, args: [ex('iterate.mjs')], notificationLine: (n) => `notification ${n.id} ${n.type}` },
  'deno.ts': {
    cmd: () => bin('deno'),
    // The permissions the example's header comment names, narrowed to loopback.
    args: ['run', '--no-prompt', '--allow-net=127.0.0.1', '--allow-env=MASTODON_URL,MASTODON_TOKEN', ex('deno.ts')],
    notificationLine: (n) => `notification ${n.id} ${n.type} from @${n.account.acct}`,
  },
  'bun.ts': { cmd: () => bin('bun'), args: [ex('bun.ts')], notificationLine: (n) => `notification ${n.id} ${n.type} from @${n.account.acct}` },
};

describe('examples in Node, Deno and Bun', { timeout: 120_000 }, () => {
  for (const [file, rt] of Object.entries(sseRuntimes)) {
    test(`${file}: user stream over SSE prints one exact line per event; Ctrl-C closes and exits 0`, async () => {
      fake = await startFakeMastodon({ heartbeatMs: 200 });
      const run = runExample(rt.cmd(), rt.args, env(fake), file);
      await fake.waitFor(() => fake!.sseConnections() === 1, { timeoutMs: 30_000 });
      const { s, n } = publishUserEvents(fake);
      await expectLines(run.lines, [`update ${s.id} @${s.account.acct}`, rt.notificationLine(n), `delete ${BIG_ID}`], userWitness(fake));
      expect(await run.interrupt(), run.stderr()).toStrictEqual({ code: 0, signal: null });
      expect(run.stderr()).toBe('');
      await until(() => fake!.connections() === 0, { what: 'the stream to be closed at the fake', timeoutMs: 20_000 });
      const streams = fake.requests.filter((r) => r.kind === 'sse');
      expect(streams.map((r) => [r.method, r.url, header(r.headers.authorization)])).toStrictEqual([
        ['GET', '/api/v1/streaming/user', `Bearer ${fake.token}`],
      ]);
      expectTokenOnlyInHeaders(fake);
    });
  }

  test('deno.ts type-checks against the published types (deno check)', async () => {
    const run = runExample(bin('deno'), ['check', '--quiet', ex('deno.ts')], {}, 'deno check');
    const { code } = await run.exited();
    expect(code, run.stderr()).toBe(0);
  });

  test('node.mjs: a connection that was up for the base wait (5 s) reconnects at once after a drop', async () => {
    fake = await startFakeMastodon({ heartbeatMs: 200 });
    const run = runExample(process.execPath, [ex('node.mjs')], env(fake), 'node.mjs');
    await fake.waitFor(() => fake!.sseConnections() === 1, { timeoutMs: 30_000 });
    const s1 = fake.postStatus();
    await run.lines.waitFor(`update ${s1.id} @${s1.account.acct}`);
    await sleep(5_200); // reconnectAsyncWaitSec defaults to 5: the connection now counts as healthy
    const dropped = Date.now();
    fake.dropConnections();
    await until(() => fake!.requests.filter((r) => r.kind === 'sse').length === 2 && fake!.sseConnections() === 1, { what: 'the reconnect', timeoutMs: 15_000 });
    expect(Date.now() - dropped, 'immediate reconnect').toBeLessThan(1_500);
    const s2 = fake.postStatus();
    await expectLines(run.lines, [`update ${s1.id} @${s1.account.acct}`, `update ${s2.id} @${s2.account.acct}`], userWitness(fake));
    expect(run.stderr()).toBe('stream interrupted: Connection to /api/v1/streaming/user lost\n');
    expect(await run.interrupt()).toStrictEqual({ code: 0, signal: null });
  });

  test('iterate.mjs: a revoked token ends the loop with the 401 thrown from it (exit code 1)', async () => {
    fake = await startFakeMastodon({ heartbeatMs: 200 });
    const run = runExample(process.execPath, [ex('iterate.mjs')], env(fake), 'iterate.mjs');
    await fake.waitFor(() => fake!.sseConnections() === 1, { timeoutMs: 30_000 });
    fake.revoke(fake.token); // ends the stream cleanly; the reconnect meets 401, which is fatal
    const { code: exit } = await run.exited();
    expect(exit).toBe(1);
    expect(run.stderr()).toBe('stream ended: /api/v1/streaming/user answered 401: Invalid access token\n');
    await run.lines.skipToEnd();
    expect(run.lines.all).toStrictEqual([]);
  });

  test('node-ws.mjs: a hashtag and the user stream over ONE socket (ws, token in the Authorization header)', async () => {
    fake = await startFakeMastodon({ heartbeatMs: 0 });
    const run = runExample(process.execPath, [ex('node-ws.mjs')], env(fake, { MASTODON_TAG: 'cats' }), 'node-ws.mjs');
    await fake.waitForSubscriptions(2, { timeoutMs: 30_000 });
    const s = fake.postStatus({ tags: ['cats'] });
    const n = fake.notify('mention');
    const dog = fake.postStatus({ tags: ['dogs'] });
    fake.deleteStatus(s.id);
    await expectLines(run.lines, [
      `home update ${s.id} @${s.account.acct}`,
      `#cats update ${s.id} @${s.account.acct}`,
      `home notification ${n.id} mention`,
      `home update ${dog.id} @${dog.account.acct}`,
      `home delete ${s.id}`,
      `#cats delete ${s.id}`,
    ], userWitness(fake, 'home '));
    const upgrades = fake.requests.filter((r) => r.kind === 'ws');
    expect(upgrades.map((r) => [r.url, header(r.headers.authorization), r.headers['sec-websocket-protocol']])).toStrictEqual([
      ['/api/v1/streaming', `Bearer ${fake.token}`, undefined],
    ]);
    expect(markerCount(fake)).toBeGreaterThanOrEqual(1);
    expect(wsCommands(fake)).toStrictEqual([
      { type: 'subscribe', stream: 'hashtag', tag: 'cats' },
      { type: 'subscribe', stream: 'user' },
    ]);
    expect(fake.requests.filter((r) => r.kind === 'sse')).toStrictEqual([]);
    expect(await run.interrupt()).toStrictEqual({ code: 0, signal: null });
    expect(run.stderr()).toBe('');
    expectTokenOnlyInHeaders(fake);
  });

  const gts = {
    'ws package (Node 20)': { node: [] as string[], authorization: true },
    'built-in WebSocket (node --experimental-websocket, as in Node ≥ 22)': { node: ['--experimental-websocket'], authorization: false },
  };
  for (const [label, how] of Object.entries(gts)) {
    test(`gotosocial.mjs with ${label}: WebSocket only, streamingBaseUrl skips discovery`, async () => {
      fake = await startFakeMastodon({ heartbeatMs: 0 });
      const run = runExample(
        process.execPath,
        [...how.node, ex('gotosocial.mjs')],
        env(fake, { MASTODON_STREAMING_URL: fake.streamingUrl }),
        'gotosocial.mjs',
      );
      await fake.waitForSubscriptions(1, { timeoutMs: 30_000 });
      const { s, n } = publishUserEvents(fake);
      await expectLines(run.lines, [`update ${s.id} @${s.account.acct}`, `notification ${n.id} mention`, `delete ${BIG_ID}`], userWitness(fake));
      // No instance lookup and no SSE request: only the one upgrade.
      expect(fake.requests.map((r) => [r.kind, r.url])).toStrictEqual([['ws', '/api/v1/streaming']]);
      const up = fake.requests[0]!;
      if (how.authorization) {
        expect(header(up.headers.authorization)).toBe(`Bearer ${fake.token}`);
        expect(up.headers['sec-websocket-protocol']).toBeUndefined();
      } else {
        expect(up.headers.authorization).toBeUndefined();
        expect(header(up.headers['sec-websocket-protocol'])).toBe(fake.token);
      }
      expect(markerCount(fake)).toBeGreaterThanOrEqual(1);
      expect(wsCommands(fake)).toStrictEqual([{ type: 'subscribe', stream: 'user' }]);
      expect(await run.interrupt()).toStrictEqual({ code: 0, signal: null });
      expect(run.stderr().replace(/^\(node:\d+\) ExperimentalWarning: WebSocket.*\n(\(Use .*\n)?/m, '')).toBe('');
      expectTokenOnlyInHeaders(fake);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Chromium: the HTML pages and the extension.

let browser: Browser | undefined;
let server: StaticServer | undefined;

describe('examples in Chromium', { timeout: 120_000 }, () => {
  let context: BrowserContext | undefined;
  let pageErrors: string[] = [];
  let consoleText = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing; install it: ${INSTALL_COMMAND}`);
    server = await startStaticServer(['/dist/', '/examples/']);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  });
  afterEach(async () => {
    await context?.close().catch(() => undefined);
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
  });

  async function open(file: string, f: FakeMastodon, fields: Record<string, string> = {}): Promise<Page> {
    context = await browser!.newContext();
    const page = await context.newPage();
    pageErrors = [];
    consoleText = '';
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    page.on('console', (m) => (consoleText += m.text() + '\n'));
    await page.goto(`${server!.origin}/examples/${file}`);
    await page.fill('#instance', f.apiUrl);
    await page.fill('#token', f.token);
    for (const [sel, v] of Object.entries(fields)) await page.fill(sel, v);
    await page.click('button:text("Connect")');
    return page;
  }

  const texts = (page: Page, sel: string) => page.$$eval(sel, (els) => els.map((e) => e.textContent));

  /**
   * Checks that the list shows exactly `expected`, then a witness (see expectLines) and nothing
   * else. `newestFirst`: the page puts each new line at the top.
   */
  async function expectPageLines(page: Page, sel: string, expected: string[], witness: () => string, newestFirst = false): Promise<void> {
    const has = async (n: number) => (await texts(page, sel)).length >= n;
    await until(() => has(expected.length), { what: `${expected.length} lines in ${sel}`, timeoutMs: 30_000 });
    const last = witness();
    await until(async () => (await texts(page, sel)).includes(last), { what: `${last} in ${sel}`, timeoutMs: 30_000 });
    expect(await texts(page, sel)).toStrictEqual(newestFirst ? [last, ...expected] : [...expected, last]);
  }
  const witnessOn = (f: FakeMastodon, key: StreamKey) => () => {
    f.publish(key, 'delete', WITNESS_ID);
    return `delete ${WITNESS_ID}`;
  };

  function expectNoLeak(f: FakeMastodon, page: Page): void {
    expectTokenOnlyInHeaders(f);
    expect(page.url()).not.toContain(f.token);
    expect(consoleText).not.toContain(f.token);
    expect(pageErrors).toStrictEqual([]);
  }

  for (const file of ['browser-script.html', 'browser-module.html']) {
    test(`${file}: the form connects; cross-origin SSE with the token in the Authorization header only`, async () => {
      fake = await startFakeMastodon({ heartbeatMs: 200 });
      const page = await open(file, fake);
      await fake.waitFor(() => fake!.sseConnections() === 1, { timeoutMs: 30_000 });
      const { s, n } = publishUserEvents(fake);
      const notification =
        file === 'browser-script.html' ? `notification ${n.id} mention from @${n.account.acct}` : `notification ${n.id} mention`;
      await expectPageLines(page, '#events li', [`update ${s.id} @${s.account.acct}`, notification, `delete ${BIG_ID}`], userWitness(fake));
      const preflight = fake.requests.find((r) => r.method === 'OPTIONS' && r.path === '/api/v1/streaming/user');
      expect(header(preflight?.headers['access-control-request-headers']).toLowerCase()).toContain('authorization');
      const gets = fake.requests.filter((r) => r.kind === 'sse' && r.method === 'GET');
      expect(gets.map((g) => [g.url, header(g.headers.authorization), header(g.headers.origin)])).toStrictEqual([
        ['/api/v1/streaming/user', `Bearer ${fake.token}`, server!.origin],
      ]);
      if (file === 'browser-script.html') {
        expect(await page.textContent('#status')).toBe('Connected.');
        await page.click('#disconnect');
        await until(() => fake!.connections() === 0, { what: 'the stream to close', timeoutMs: 20_000 });
        await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Not connected.');
      }
      expectNoLeak(fake, page);
    });
  }

  test('dashboard-websocket.html: two hashtags and a list on ONE socket, token as the subprotocol', async () => {
    fake = await startFakeMastodon({ heartbeatMs: 0 });
    const page = await open('dashboard-websocket.html', fake, { '#tags': '#cats, dogs', '#list': '12' });
    await fake.waitForSubscriptions(3, { timeoutMs: 30_000 });
    const cat = fake.postStatus({ tags: ['cats'], lists: ['12'] });
    const dog = fake.postStatus({ tags: ['dogs'] });
    fake.deleteStatus(cat.id);
    const column = (title: string) => `section:has(h2:text-is("${title}")) li`;
    await expectPageLines(page, column('#cats'), [`delete ${cat.id}`, `update ${cat.id} @${cat.account.acct}`], witnessOn(fake, { stream: 'hashtag', tag: 'cats' }), true);
    await expectPageLines(page, column('#dogs'), [`update ${dog.id} @${dog.account.acct}`], witnessOn(fake, { stream: 'hashtag', tag: 'dogs' }), true);
    await expectPageLines(page, column('List'), [`delete ${cat.id}`, `update ${cat.id} @${cat.account.acct}`], witnessOn(fake, { stream: 'list', list: '12' }), true);
    const upgrades = fake.requests.filter((r) => r.kind === 'ws');
    expect(upgrades.map((r) => [r.url, header(r.headers['sec-websocket-protocol']), header(r.headers.origin)])).toStrictEqual([
      ['/api/v1/streaming', fake.token, server!.origin],
    ]);
    expect(upgrades[0]!.headers.authorization).toBeUndefined();
    expect(markerCount(fake)).toBeGreaterThanOrEqual(1);
    expect(wsCommands(fake)).toStrictEqual([
      { type: 'subscribe', stream: 'hashtag', tag: 'cats' },
      { type: 'subscribe', stream: 'hashtag', tag: 'dogs' },
      { type: 'subscribe', stream: 'list', list: '12' },
    ]);
    expect(fake.requests.filter((r) => r.kind === 'sse')).toStrictEqual([]);
    expectNoLeak(fake, page);
  });
});

describe('examples/extension in Chromium', { timeout: 120_000 }, () => {
  const { keep } = useCleanup();

  test('MV3 module service worker: user stream over WebSocket, settings in chrome.storage.session', async () => {
    // What the example's header says to do: dist/index.js copied next to the worker.
    const ext = keep(
      await loadExtension({
        'manifest.json': ex(join('extension', 'manifest.json')),
        'service-worker.js': ex(join('extension', 'service-worker.js')),
        'mastodon-streaming.js': join(repoRoot, 'dist', 'index.js'),
      }),
    );
    fake = await startFakeMastodon({ heartbeatMs: 0 });
    const sw = ext.worker;
    expect(sw.url()).toMatch(/^chrome-extension:\/\/[a-p]{32}\/service-worker\.js$/);
    await sw.evaluate(({ instanceUrl, token }) => (self as any).connect({ instanceUrl, token }), {
      instanceUrl: fake.apiUrl,
      token: fake.token,
    });
    await fake.waitForSubscriptions(1, { timeoutMs: 30_000 });
    const { s, n } = publishUserEvents(fake);
    const expected = [`update ${s.id} @${s.account.acct}`, `notification ${n.id} mention from @${n.account.acct}`, `delete ${BIG_ID}`];
    const recent = () => sw.evaluate(() => [...(self as any).recent] as string[]);
    await until(async () => (await recent()).length >= 3, { what: 'three events in the worker', timeoutMs: 30_000 });
    expect(await recent()).toStrictEqual(expected);
    expect(await sw.evaluate(() => chrome.storage.session.get(['instanceUrl', 'token']))).toStrictEqual({
      instanceUrl: fake.apiUrl,
      token: fake.token,
    });
    const upgrades = fake.requests.filter((r) => r.kind === 'ws');
    expect(upgrades.map((r) => [r.url, header(r.headers['sec-websocket-protocol'])])).toStrictEqual([['/api/v1/streaming', fake.token]]);
    expect(markerCount(fake)).toBeGreaterThanOrEqual(1);
    expect(wsCommands(fake)).toStrictEqual([{ type: 'subscribe', stream: 'user' }]);
    expectTokenOnlyInHeaders(fake);

    await sw.evaluate(() => (self as any).disconnect());
    await until(() => fake!.connections() === 0, { what: 'the socket to close', timeoutMs: 20_000 });
    expect(await sw.evaluate(() => chrome.storage.session.get(['instanceUrl', 'token']))).toStrictEqual({});
  });
});
