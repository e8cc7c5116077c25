// The playground in real Chromium: `node playground/start.mjs` (what `npm start` runs) serves a
// page that loads dist/index.global.js with a plain <script> tag and streams from the fake
// Mastodon in demo mode. Cards appear, the "drop" button causes a reconnect that the
// indicators and the log show, a drop or a reload resumes (catchUp: "Resumed: N missed events
// filled"), hostile content HTML is neutralised, the real-instance form keeps the token out of
// URLs and storage, and the page works on a narrow screen. A screenshot goes to
// test-results/playground.png (docs/playground.png comes from playground/screenshot.mjs).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from './setup/ensure-chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let server: ChildProcess | undefined;
let serverOutput = '';
let browser: Browser | undefined;
let page: Page;
let base = '';
let config: { demo: boolean; apiBaseUrl: string; accessToken: string; heartbeatSec: number };
const requestUrls: string[] = [];
const streamingAuth: Array<string | undefined> = [];
const pageErrors: string[] = [];

/** Starts the playground server on an ephemeral port and resolves with its printed URL. */
function startServer(): Promise<string> {
  return new Promise((resolve, reject) => {
    // --no-build: dist/ is reused when present (start.mjs still builds when it is missing).
    const child = spawn(process.execPath, ['playground/start.mjs', '--no-build'], {
      cwd: root,
      env: { ...process.env, PORT: '0', DEMO_RATE: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    const timer = setTimeout(() => reject(new Error(`no URL printed within 60 s:\n${serverOutput}`)), 60_000);
    const onData = (chunk: Buffer) => {
      serverOutput += chunk.toString();
      const m = /^Playground: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(serverOutput);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (serverOutput += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`playground server exited with ${code}:\n${serverOutput}`));
    });
  });
}

const text = (selector: string) => page.locator(selector).innerText();
/** The connection log, newest first, without the times. */
const logLines = () => page.locator('#log li').evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/^\d\d:\d\d:\d\d /, '')));
const waitText = (selector: string, expected: string, timeout = 30_000) =>
  page.waitForFunction(([s, t]) => document.querySelector(s!)?.textContent === t, [selector, expected], { timeout });
const waitLog = (line: string, timeout = 30_000) =>
  page.waitForFunction((l) => [...document.querySelectorAll('#log li')].some((e) => e.textContent!.replace(/^\d\d:\d\d:\d\d /, '') === l), line, { timeout });

interface AxeResult { violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }
/** axe-core's violations on the page as it is now (rule id, impact and the elements it found). */
async function axeViolations(): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<AxeResult> } }).axe.run());
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
}

describe('playground (npm start) in Chromium', () => {
  beforeAll(async () => {
    base = await startServer();
    config = await (await fetch(base + 'config.json')).json();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', (r) => {
      requestUrls.push(r.url());
      if (r.url().includes('/api/v1/streaming/')) streamingAuth.push(r.headers()['authorization']);
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
  }, 90_000);

  it('serves the demo config, the page and the script-tag build', async () => {
    expect(config.demo).toBe(true);
    expect(config.apiBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(config.accessToken).toBe('test-token');
    const html = await (await fetch(base)).text();
    expect(html).toContain('<script src="/dist/index.global.js"></script>');
    const lib = await fetch(base + 'dist/index.global.js');
    expect(lib.status).toBe(200);
    expect(lib.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(base + '../package.json')).status).toBe(404);
    expect((await fetch(base + 'start.mjs')).status).toBe(404);
    expect((await fetch(base + 'control/drop')).status).toBe(405);
    expect((await fetch(base + 'control/drop', { method: 'POST', headers: { Origin: 'https://evil.example' } })).status).toBe(403);
  });

  it('npm start prints ready-to-paste MASTODON_URL=… MASTODON_TOKEN=… lines that run the examples', async () => {
    const lines = [...serverOutput.matchAll(/^ {2}MASTODON_URL=(\S+) MASTODON_TOKEN=(\S+) node (examples\/[\w-]+\.mjs)$/gm)];
    expect(lines.map((m) => m[3])).toEqual(['examples/node.mjs', 'examples/iterate.mjs', 'examples/node-ws.mjs']);
    for (const m of lines) expect([m[1], m[2]]).toEqual([config.apiBaseUrl, config.accessToken]);
    // Pasted as printed: node.mjs streams the demo's home timeline.
    const child = spawn(process.execPath, [lines[0]![3]!], {
      cwd: root, env: { ...process.env, MASTODON_URL: lines[0]![1], MASTODON_TOKEN: lines[0]![2] }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      const deadline = Date.now() + 60_000;
      while (!/^update \d+ @\S+$/m.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(/^update \d+ @\S+$/m);
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    }
  }, 90_000);

  it('connects by itself and shows live event cards', async () => {
    await page.goto(base);
    await waitText('#ind-state', 'State: Open');
    await waitText('#ind-alive', 'isAlive(): true');
    await waitText('#ind-receiving', 'isReceiving(): true');
    await page.waitForFunction(() => document.querySelectorAll('#feed .card').length >= 3, null, { timeout: 30_000 });
    // Every card names an event type and carries readable text.
    const cards = await page.locator('#feed .card').evaluateAll((els) => els.map((e) => ({
      type: e.querySelector('.type')?.textContent ?? '',
      body: e.querySelector('.card-body')?.textContent ?? '',
    })));
    for (const c of cards) {
      expect(c.type).not.toBe('');
      expect(c.body.length).toBeGreaterThan(10);
    }
    const updates = Number(await page.locator('.counter[data-event="update"] dd').innerText());
    expect(updates).toBeGreaterThanOrEqual(1);
    expect(await text('#log li:last-child')).toMatch(/^\d\d:\d\d:\d\d Connecting to user on the demo server over SSE with catchUp$/);
    // The stream went out with the token in the Authorization header, never in a URL.
    expect(streamingAuth[0]).toBe('Bearer test-token');
    expect(requestUrls.filter((u) => u.includes('test-token'))).toEqual([]);
  }, 90_000);

  it('has zero axe-core violations with live cards on screen', async () => {
    await page.waitForFunction(() => document.querySelectorAll('#feed .card').length >= 5, null, { timeout: 30_000 });
    expect(await axeViolations()).toEqual([]);
    // The scrolling log is reachable by keyboard and is a log region around a real list.
    expect(await page.getAttribute('#log-box', 'role')).toBe('log');
    expect(await page.getAttribute('#log-box', 'tabindex')).toBe('0');
    expect(await page.evaluate(() => document.getElementById('log')!.localName)).toBe('ol');
  }, 90_000);

  it('shows notifications with human labels and media as pictures', async () => {
    await page.waitForFunction(() => document.querySelectorAll('#feed .card[data-kind="notification"]').length >= 1, null, { timeout: 30_000 });
    const labels = await page.locator('#feed .card[data-kind="notification"] .type').allInnerTexts();
    const known = ['MENTION', 'NEW POST', 'BOOSTED YOU', 'NEW FOLLOWER', 'FOLLOW REQUEST', 'FAVOURITE', 'POLL ENDED', 'EDITED', 'NEW SIGN-UP',
      'NEW REPORT', 'CONNECTIONS SEVERED', 'MODERATION WARNING', 'QUOTED YOU', 'QUOTE EDITED'];
    for (const l of labels) expect(known).toContain(l);
    // Pictures: the demo's scene, loaded, with its description as alt text and its blurhash behind it.
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('#feed .media img')].some((i) => i.complete && i.naturalWidth === 640), null, { timeout: 30_000 });
    const img = await page.locator('#feed .media img').first().evaluate((i: HTMLImageElement) => ({
      src: i.getAttribute('src')!, alt: i.alt, bg: i.style.backgroundImage.slice(0, 27),
    }));
    expect(img.src).toMatch(/\/media\/\d+\.svg\?scene=(cat|harbour|bread|leaves|heron|sunset)&hue=\d+$/);
    expect(img.alt).toMatch(/^(A|An|Autumn) .+\.$/);
    expect(img.bg).toBe('url("data:image/png;base64,');
  }, 90_000);

  it('has the fault buttons above the fold at 1366×900, and clicking one keeps the log in view', async () => {
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    const boxes = await page.locator('[data-control]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().bottom));
    expect(boxes).toHaveLength(7);
    for (const bottom of boxes) expect(bottom).toBeLessThanOrEqual(900);
    await page.click('button[data-control="post"]');
    await page.waitForFunction(() => [...document.querySelectorAll('#log li')].some((e) => / Demo server: posted status \d+$/.test(e.textContent!)), null, { timeout: 30_000 });
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    const log = await page.locator('#log-box').evaluate((e) => {
      const r = e.getBoundingClientRect();
      return { top: r.top >= 0, bottom: r.bottom <= innerHeight, scrollTop: e.scrollTop };
    });
    expect(log).toEqual({ top: true, bottom: true, scrollTop: 0 });
  }, 90_000);

  it('renders hostile content HTML inert', async () => {
    const res = await page.evaluate(async () => (await fetch('/control/hostile', { method: 'POST' })).json());
    const id = /^posted status (\d+) with hostile HTML$/.exec(res.message)![1]!;
    const content = page.locator(`#feed .status[data-sid="${id}"] .content`);
    await content.waitFor({ timeout: 30_000 });
    expect(await content.innerHTML()).toBe(
      '<p>Hostile HTML, neutralised: bold<a>a javascript: link</a> ' +
      '<a href="https://example.org/" rel="nofollow noopener noreferrer ugc" target="_blank">a safe link</a></p>',
    );
    expect(await page.evaluate(() => (window as unknown as { pwned?: unknown }).pwned)).toBeUndefined();
    expect(await page.locator('body').isVisible()).toBe(true);
  }, 90_000);

  it('the drop button causes a reconnect that the indicators and the log show', async () => {
    expect(await text('#ind-reconnects')).toBe('0');
    await page.click('button[data-control="drop"]');
    await waitText('#ind-reconnects', '1');
    await page.waitForFunction(() => [...document.querySelectorAll('#log li')].some((e) => e.textContent!.endsWith(' Demo server: dropped 1 connection(s)')), null, { timeout: 30_000 });
    // Connected again: the indicators are back and a status posted now arrives as a card.
    await waitText('#ind-state', 'State: Open');
    // The second time the log says it is open: once at the start, once after the drop.
    await page.waitForFunction(() => [...document.querySelectorAll('#log li')].filter((e) => e.textContent!.endsWith(' State: connecting → open')).length === 2, null, { timeout: 30_000 });
    // Oldest first from onAbort: the log says what happened, in order, and never calls the
    // connection open before it is open again.
    // (What the catch-up filled has its own line, and its own test below.)
    const log = (await logLines()).reverse().filter((l) => !l.startsWith('Demo server: ') && !l.startsWith('Resumed: '));
    const abort = log.indexOf('onAbort: MastodonNetworkError: Connection to /api/v1/streaming/user lost');
    expect(abort).toBeGreaterThanOrEqual(0);
    expect(log.filter((l) => l.startsWith('onAbort: '))).toHaveLength(1);
    const after = log.slice(abort + 1);
    expect(after[0]).toBe('Reconnecting (reconnect #1)');
    expect(after.slice(1, -1).every((l) => /^State: (open|waiting|connecting) → (waiting|connecting)$/.test(l))).toBe(true);
    expect(after[1]).toMatch(/^State: open → (waiting|connecting)$/);
    expect(after[after.length - 1]).toBe('State: connecting → open');
    expect(log.some((l) => /state now/i.test(l))).toBe(false);
    await waitText('#ind-receiving', 'isReceiving(): true');
    expect(await text('#ind-alive')).toBe('isAlive(): true');
    expect(streamingAuth.length).toBeGreaterThanOrEqual(2);
    const res = await page.evaluate(async () => (await fetch('/control/post', { method: 'POST' })).json());
    const id = /^posted status (\d+)$/.exec(res.message)![1]!;
    await page.locator(`#feed .status[data-sid="${id}"]`).waitFor({ timeout: 30_000 });
    // A heartbeat has been seen (the fake's greeting counts as one).
    expect(await text('#ind-heartbeat')).toMatch(/^\d+ s ago \(/);

    mkdirSync(join(root, 'test-results'), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(root, 'test-results', 'playground.png') });
  }, 90_000);

  /** The log's "Resumed: N missed events filled" lines (the newest first), as N. */
  const resumedCounts = async () => (await logLines()).map((l) => /^Resumed: (\d+) missed events? filled$/.exec(l)?.[1]).filter(Boolean).map(Number);
  /** Posts a #cats status through the playground server (no page involved); its id. */
  const post = async () => /^posted status (\d+)$/.exec(((await (await fetch(base + 'control/post', { method: 'POST' })).json()) as { message: string }).message)![1]!;
  /** How many cards show status `id`. */
  const cardsOf = (id: string) => page.locator(`#feed .status[data-sid="${id}"]`).count();

  it('a drop while the demo server posts: the catch-up fills what the stream missed, and the log says how much', async () => {
    const before = (await resumedCounts()).length;
    const lines = (await logLines()).length;
    // The drop, then three 503s: the stream stays away for seconds (back-off 0.5-1, 1-2, 2-4 s),
    // while the demo posts and so does this test.
    await page.click('button[data-control="503"]');
    await waitLog('Demo server: next 3 connects answer 503; dropped 1 connection(s)');
    const missed = [await post(), await post(), await post()];
    await page.waitForFunction((n) => [...document.querySelectorAll('#log li')].filter((e) => / Resumed: \d+ missed events? filled$/.test(e.textContent!)).length > n, before, { timeout: 60_000 });
    await waitText('#ind-state', 'State: Open');
    for (const id of missed) await page.locator(`#feed .status[data-sid="${id}"]`).waitFor({ timeout: 30_000 });
    // Each missed status once; the line counts them and what the demo posted meanwhile, and
    // follows the reconnect in the log.
    for (const id of missed) expect(await cardsOf(id)).toBe(1);
    const [filled] = await resumedCounts();
    expect(filled).toBeGreaterThanOrEqual(3);
    const newLines = (await logLines()).slice(0, -lines).reverse();
    expect(newLines.findIndex((l) => l.startsWith('Resumed: '))).toBeGreaterThan(newLines.findIndex((l) => l.startsWith('Reconnecting (reconnect #')));
    expect(newLines.filter((l) => l.startsWith('Catch-up gap'))).toEqual([]);
  }, 90_000);

  it('a page reload resumes from the position saved in the tab: what was posted meanwhile is filled once', async () => {
    // The reloaded page connects once it has /config.json: held back until the test has posted.
    let release!: () => void;
    const posted = new Promise<void>((r) => (release = r));
    await page.route('**/config.json', async (route) => {
      await posted;
      await route.continue();
    });
    try {
      const saved = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('mastodon-streaming-playground.position:')));
      expect(saved).toEqual([`mastodon-streaming-playground.position:${config.apiBaseUrl}:user::false`]);
      await page.reload({ waitUntil: 'domcontentloaded' });
      // The old page is gone (and saved where it stood when it went); the new one is not connected yet.
      const missed = [await post(), await post(), await post()];
      release();
      await waitLog('Connecting to user on the demo server over SSE with catchUp, resuming from the position saved in this tab');
      await page.waitForFunction(() => [...document.querySelectorAll('#log li')].some((e) => / Resumed: \d+ missed events? filled$/.test(e.textContent!)), null, { timeout: 30_000 });
      for (const id of missed) await page.locator(`#feed .status[data-sid="${id}"]`).waitFor({ timeout: 30_000 });
      for (const id of missed) expect(await cardsOf(id)).toBe(1);
      expect((await resumedCounts())[0]).toBeGreaterThanOrEqual(3);
      await waitText('#ind-state', 'State: Open');
      expect((await logLines()).filter((l) => l.startsWith('Catch-up gap'))).toEqual([]);
    } finally {
      release();
      await page.unroute('**/config.json');
    }
  }, 90_000);

  it('a read timeout of 0 is refused with the reason, not replaced by a default', async () => {
    const before = streamingAuth.length;
    await page.fill('#timeout', '0');
    await page.click('#connect');
    await waitLog('Not connected: Read timeout must be a number of seconds, at least 1 (it is "0")');
    expect(await page.getAttribute('#timeout', 'aria-invalid')).toBe('true');
    expect(streamingAuth.length).toBe(before);
    expect(await text('#ind-state')).toBe('State: Open');
    await page.fill('#timeout', '10');
  }, 90_000);

  it('switching streams clears the old cards; the default hashtag receives posts', async () => {
    expect(await page.locator('#feed .card').count()).toBeGreaterThan(0);
    await page.locator('#feed .card').evaluateAll((els) => els.forEach((e) => e.setAttribute('data-old', '')));
    await page.selectOption('#stream', 'hashtag');
    expect(await page.inputValue('#tag')).toBe('cats');
    await page.click('#connect');
    await waitLog('Connecting to hashtag on the demo server over SSE with catchUp');
    expect(await page.locator('#feed [data-old]').count()).toBe(0);
    await waitText('#ind-state', 'State: Open');
    // The demo posts to #cats by itself (test/fake-demo.test.ts); here a post now proves the stream.
    const res = await page.evaluate(async () => (await fetch('/control/post', { method: 'POST' })).json());
    const id = /^posted status (\d+)$/.exec(res.message)![1]!;
    await page.locator(`#feed .status[data-sid="${id}"]`).waitFor({ timeout: 30_000 });
    await page.selectOption('#stream', 'user');
  }, 90_000);

  it('over WebSocket the header stays on one line and answering 401 ends the handle for good', async () => {
    await page.selectOption('#transport', 'websocket');
    await page.click('#connect');
    await waitText('#ind-state', 'State: Open');
    await waitText('#ind-receiving', 'isReceiving(): true');
    const rows = await page.locator('header.top > *').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    const header = await page.locator('header.top').evaluate((e) => e.getBoundingClientRect().height);
    expect(new Set(rows.map((t) => Math.abs(t - rows[0]!) <= 12 ? 0 : t)).size).toBe(1);
    expect(header).toBeLessThan(64);
    expect(await text('#ind-heartbeat')).toBe('hidden (WebSocket pings)');
    expect(await axeViolations()).toEqual([]);
    await page.click('button[data-control="401"]');
    await waitText('#ind-state', 'State: Closed');
    expect(await text('#ind-alive')).toBe('isAlive(): false');
    const all = await logLines();
    const log = all.slice(0, all.indexOf('Connecting to user on the demo server over WebSocket with catchUp'));
    expect(log).toContain('Stream ended for good: MastodonNetworkError: /api/v1/streaming/user answered 401: The access token is invalid');
    // One interruption (the drop that lets the 401 be met), then no further attempt.
    expect(log.filter((l) => l.startsWith('Reconnecting'))).toEqual(['Reconnecting (reconnect #1)']);
    await page.selectOption('#transport', 'sse');
    await page.click('#connect');
    await waitText('#ind-state', 'State: Open');
  }, 90_000);

  it('answering 401 ends the handle for good', async () => {
    await page.click('button[data-control="401"]');
    await waitText('#ind-alive', 'isAlive(): false');
    await waitText('#ind-state', 'State: Closed');
    expect(await text('#ind-receiving')).toBe('isReceiving(): false');
    const log = await logLines();
    expect(log).toContain('Stream ended for good: MastodonNetworkError: /api/v1/streaming/user answered 401: The access token is invalid');
    expect(await page.locator('#close').isDisabled()).toBe(true);
  }, 90_000);

  it('connects to "my instance" from the form without putting the token in a URL or in storage', async () => {
    await page.check('#source-real');
    expect(await page.locator('#real-form').isVisible()).toBe(true);
    expect(await page.locator('#faults').isVisible()).toBe(false);
    // The fake stands in for a real instance here.
    await page.fill('#real-url', config.apiBaseUrl);
    await page.fill('#real-token', config.accessToken);
    await page.selectOption('#stream', 'public:local');
    const before = streamingAuth.length;
    await page.click('#real-form button[type="submit"]');
    await waitText('#ind-state', 'State: Open');
    expect(await axeViolations()).toEqual([]);
    expect(streamingAuth.length).toBe(before + 1);
    expect(streamingAuth[before]).toBe('Bearer test-token');
    expect(page.url()).toBe(base);
    // Nothing of "my instance" is stored unless the box is ticked: sessionStorage holds only the
    // demo streams' positions (ids, for a reload to resume), localStorage nothing.
    const stored = () => page.evaluate(() => Object.entries(sessionStorage));
    expect((await stored()).filter(([k]) => !k.startsWith(`mastodon-streaming-playground.position:${config.apiBaseUrl}:`))).toEqual([]);
    expect(JSON.stringify(await stored())).not.toContain(config.accessToken);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await page.check('#real-remember');
    expect(await page.evaluate(() => sessionStorage.getItem('mastodon-streaming-playground.instance'))).toBe(
      JSON.stringify({ apiBaseUrl: config.apiBaseUrl, accessToken: config.accessToken }),
    );
    await page.click('#real-forget');
    expect(await page.evaluate(() => sessionStorage.getItem('mastodon-streaming-playground.instance'))).toBeNull();
    expect(JSON.stringify(await stored())).not.toContain(config.accessToken);
    await waitText('#ind-alive', 'isAlive(): false');
    expect(requestUrls.filter((u) => u.includes('test-token'))).toEqual([]);
  }, 90_000);

  it('is labelled, keyboard-usable and fits a narrow screen', async () => {
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select')].filter((e) => !(e as HTMLInputElement).labels?.length).map((e) => e.id));
    expect(unlabelled).toEqual([]);
    // Keyboard focus is visible: Tab from the stream picker lands on the next control, outlined.
    await page.selectOption('#stream', 'user');
    await page.focus('#stream');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const e = document.activeElement as HTMLElement;
      return { id: e.id, outline: getComputedStyle(e).outlineStyle, width: getComputedStyle(e).outlineWidth };
    });
    expect(focused).toEqual({ id: 'transport', outline: 'solid', width: '3px' });
    expect(await page.getAttribute('#status', 'aria-live')).toBe('polite');
    await page.setViewportSize({ width: 360, height: 800 });
    await page.waitForTimeout(100);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(360);
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
