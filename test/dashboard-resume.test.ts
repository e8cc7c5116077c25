// examples/dashboard-websocket.html, verbatim in Chromium (served from another port, as in
// examples.test.ts), reloaded while the fake posts: each column resumes from the position it
// saved in localStorage and shows every status posted since, exactly once and in order, then
// the live ones, with the "resumed: N missed events filled" note.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { until, useFakeMastodon } from './kit/index.js';
import { CHROMIUM, CHROMIUM_ARGS, INSTALL_COMMAND } from './setup/ensure-chromium.mjs';
import { requireDist } from './runtimes/scenario.js';
import { startStaticServer, type StaticServer } from './runtimes/static-server.js';

const { start, keep, defer } = useFakeMastodon();
let browser: Browser | undefined;
let server: StaticServer | undefined;

beforeAll(async () => {
  requireDist();
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing; install it: ${INSTALL_COMMAND}`);
  server = await startStaticServer(['/dist/', '/examples/']);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
});
afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await server?.close();
});

/** A column's lines, oldest first (the page prepends: newest first). */
const column = async (page: Page, title: string) =>
  (await page.$$eval(`section:has(h2:text-is("${title}")) li`, (els) => els.map((e) => e.textContent!))).reverse();
const note = (page: Page, title: string) => page.textContent(`section:has(h2:text-is("${title}")) p`);

it('reloaded while the fake posts: each column shows every status since its saved position once, in order, then live ones', { timeout: 120_000 }, async () => {
  const f = await start();
  const context = keep(await browser!.newContext());
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const connect = async () => {
    await page.fill('#instance', f.apiUrl);
    await page.fill('#token', f.token);
    await page.fill('#tags', 'cats');
    await page.fill('#list', '12');
    await page.click('button:text("Connect")');
  };
  await page.goto(`${server!.origin}/examples/dashboard-websocket.html`);
  await connect();
  await f.waitForSubscriptions(2, { timeoutMs: 30_000 });

  // Every status goes to both columns (#cats and list 12).
  const posted: { id: string; line: string; at: number }[] = [];
  const post = () => {
    const s = f.postStatus({ tags: ['cats'], lists: ['12'] });
    posted.push({ id: s.id, line: `update ${s.id} @${s.account.acct}`, at: Date.parse(s.created_at) });
  };
  let poster: ReturnType<typeof setInterval> | undefined = setInterval(post, 40);
  defer(() => clearInterval(poster));
  const stop = () => {
    clearInterval(poster);
    poster = undefined;
  };

  // Both columns deliver and save positions; then the page is reloaded mid-stream.
  const keys = { '#cats': `mastodon-streaming:${f.apiUrl}:hashtag:cats`, List: `mastodon-streaming:${f.apiUrl}:list:12` };
  const saved = () => page.evaluate((k) => Object.values(k).map((key) => localStorage.getItem(key)), keys);
  await until(async () => (await column(page, 'List')).length >= 10 && (await saved()).every(Boolean), { what: 'both columns to deliver and save', timeoutMs: 30_000 });
  await page.reload();
  const [cats, list] = (await saved()).map((p) => JSON.parse(p!));
  expect([cats.stream, list.stream]).toEqual([['hashtag', 'cats'], ['list', '12']]);
  // The reloaded page is not connected: the fake goes on posting (what the columns must fill).
  await until(() => f.wsConnections() === 0, { what: 'the old page to be gone', timeoutMs: 30_000 });
  const away = posted.length;
  await until(() => posted.length >= away + 10, { what: 'posts while the page is away', timeoutMs: 30_000 });
  // What is posted before Connect is missed: written before the columns started. (A moment
  // passes after the last one, so "before" holds at the millisecond.)
  stop();
  const before = posted.length;
  await until(() => Date.now() > posted.at(-1)!.at + 1);
  await connect();
  poster = setInterval(post, 40); // and posting goes on while the columns catch up and go live
  await f.waitForSubscriptions(2, { timeoutMs: 30_000 });
  await until(async () => (await column(page, 'List')).length > 0, { what: 'the catch-up', timeoutMs: 30_000 });
  await until(() => posted.length >= before + 10, { what: 'live posts', timeoutMs: 30_000 });
  stop();
  post(); // the last one: once both columns show it, everything before it has arrived
  const last = posted.at(-1)!.line;
  await until(async () => (await column(page, '#cats')).includes(last) && (await column(page, 'List')).includes(last), { what: 'the last status in both columns', timeoutMs: 30_000 });

  for (const [title, from] of [['#cats', cats], ['List', list]] as const) {
    const since = BigInt(from.ids.update);
    // Exactly once, oldest first: what was posted after the saved position, missed and live.
    expect(await column(page, title), title).toEqual(posted.filter((s) => BigInt(s.id) > since).map((s) => s.line));
    // The note counts the missed ones (written before the column started): at least those posted before Connect.
    const missed = posted.slice(0, before).filter((s) => BigInt(s.id) > since).length;
    const n = Number(/^resumed: (\d+) missed events filled$/.exec((await note(page, title)) ?? '')?.[1]);
    expect(n, title).toBeGreaterThanOrEqual(missed);
    expect(n, title).toBeLessThanOrEqual(posted.filter((s) => BigInt(s.id) > since).length);
  }
  // The page stored positions (ids), never the token.
  expect(await page.evaluate(() => JSON.stringify(Object.entries(localStorage)))).not.toContain(f.token);
  expect(pageErrors).toEqual([]);
});
