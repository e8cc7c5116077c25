// Takes docs/playground.png at 1366×900: starts the playground (no rebuild when dist/ exists), lets the
// demo run for a while, drops the connection once so the log shows a reconnect, and captures
// the page in Debian's Chromium. Usage: node playground/screenshot.mjs [out.png]
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/setup/ensure-chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'docs', 'playground.png'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = spawn(process.execPath, [join(root, 'playground', 'start.mjs'), '--no-build'], {
  cwd: root, env: { ...process.env, PORT: '0', DEMO_RATE: '2' }, stdio: ['ignore', 'pipe', 'inherit'],
});
let browser;
try {
  const url = await new Promise((resolveUrl, reject) => {
    let text = '';
    server.stdout.on('data', (c) => {
      text += c;
      const m = /^Playground: (\S+)$/m.exec(text);
      if (m) resolveUrl(m[1]);
    });
    server.once('exit', (code) => reject(new Error(`start.mjs exited with ${code}`)));
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await page.goto(url);
  await page.waitForSelector('#feed .card');
  await sleep(15000);
  await page.click('button[data-control="drop"]');
  await sleep(5000);
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.scrollTo(0, 0);
  });
  await sleep(300);
  // A picture among the first two cards, loaded (not its blurhash placeholder): the page as a
  // reader sees it (the demo attaches one to about a post in four; give up after a minute).
  await page
    .waitForFunction(() => [...document.querySelectorAll('#feed .card:nth-child(-n+2) .media img')].some((i) => i.complete && i.naturalWidth > 100)
      && [...document.images].every((i) => i.complete), null, { timeout: 60_000, polling: 100 })
    .catch(() => console.log('No picture near the top this time; taking the screenshot anyway.'));
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`Wrote ${out}`);
} finally {
  await browser?.close();
  server.kill('SIGTERM');
}
