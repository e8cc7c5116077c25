// What a newcomer meets first when an example cannot work: no MASTODON_URL/MASTODON_TOKEN (the
// script says what to set and exits 2), or a token the server refuses (401: the stream ends for
// good, the script says why and exits 1; the browser pages keep the reason on screen).
// The files of examples/ run verbatim, as in test/examples.test.ts.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startFakeMastodon, type FakeMastodon } from './fake-mastodon/index.mjs';
import { repoRoot } from './setup/env.mjs';
import { CHROMIUM, CHROMIUM_ARGS, INSTALL_HELP } from './setup/ensure-chromium.mjs';
import { sleep } from './kit/index.js';
import { requireDist, spawnLines } from './runtimes/scenario.js';
import { startStaticServer, type StaticServer } from './runtimes/static-server.js';

const ex = (f: string) => join(repoRoot, 'examples', f);
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
const children = new Set<ChildProcess>();
let fake: FakeMastodon | undefined;

beforeAll(() => requireDist());
afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
  await fake?.close();
  fake = undefined;
});

const scripts: Record<string, { cmd: () => string; args: string[]; ws?: boolean }> = {
  'node.mjs': { cmd: () => process.execPath, args: [ex('node.mjs')] },
  'iterate.mjs': { cmd: () => process.execPath, args: [ex('iterate.mjs')] },
  'node-ws.mjs': { cmd: () => process.execPath, args: [ex('node-ws.mjs')], ws: true },
  'gotosocial.mjs': { cmd: () => process.execPath, args: [ex('gotosocial.mjs')], ws: true },
  'deno.ts': { cmd: () => bin('deno'), args: ['run', '--no-prompt', '--allow-net=127.0.0.1', '--allow-env=MASTODON_URL,MASTODON_TOKEN', ex('deno.ts')] },
  'bun.ts': { cmd: () => bin('bun'), args: [ex('bun.ts')] },
};

/** Runs a script to its end (bounded) and returns its exit code, stdout lines and stderr. */
async function runToEnd(file: string, env: Record<string, string>) {
  const s = scripts[file]!;
  const { lines, exited, stderr } = spawnLines(s.cmd(), s.args, file, children, env);
  const end = await Promise.race([exited, sleep(20_000).then(() => ({ code: -2, signal: null }))]);
  expect(end.code, `${file} did not exit within 20 s:\n${stderr()}`).not.toBe(-2);
  await lines.skipToEnd();
  return { code: end.code, stdout: lines.all, stderr: stderr() };
}

describe('examples without their environment variables', { timeout: 30_000 }, () => {
  for (const file of Object.keys(scripts)) {
    test(`${file} says what to set and exits 2`, async () => {
      const r = await runToEnd(file, { MASTODON_URL: '', MASTODON_TOKEN: '' });
      expect(r).toStrictEqual({
        code: 2,
        stdout: [],
        stderr: 'Set MASTODON_URL and MASTODON_TOKEN (npm start prints both for its demo server).\n',
      });
    });
  }
});

describe('examples with a token the server refuses (401)', { timeout: 30_000 }, () => {
  const sse = '/api/v1/streaming/user answered 401: Invalid access token';
  const ws = '/api/v1/streaming answered 401: Invalid access token';
  const expected: Record<string, string> = {
    // The listener's onAbort sees the 401 too (it sees every interruption), then the script ends.
    'node.mjs': `stream interrupted: ${sse}\nstream ended: ${sse}\n`,
    'iterate.mjs': `stream ended: ${sse}\n`,
    'node-ws.mjs': `#cats interrupted: ${ws}\nhome interrupted: ${ws}\nstream ended: ${ws}\n`,
    'gotosocial.mjs': `stream ended: ${ws}\n`,
    'deno.ts': `stream interrupted: ${sse}\nstream ended: ${sse}\n`,
    'bun.ts': `stream interrupted: ${sse}\nstream ended: ${sse}\n`,
  };
  for (const file of Object.keys(scripts)) {
    test(`${file} ends for good, says why and exits 1`, async () => {
      fake = await startFakeMastodon({ heartbeatMs: 0 });
      const env: Record<string, string> = { MASTODON_URL: fake.apiUrl, MASTODON_TOKEN: 'not-a-valid-token' };
      if (file === 'gotosocial.mjs') env.MASTODON_STREAMING_URL = fake.streamingUrl;
      const r = await runToEnd(file, env);
      expect(r).toStrictEqual({ code: 1, stdout: [], stderr: expected[file] });
      // Exactly one attempt: a 401 is not retried.
      expect(fake.requests.filter((q) => q.kind === (scripts[file]!.ws ? 'ws' : 'sse'))).toHaveLength(1);
    });
  }
});

describe('browser examples with a token the server refuses (401)', { timeout: 30_000 }, () => {
  let browser: Browser | undefined;
  let server: StaticServer | undefined;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}.\n${INSTALL_HELP}`);
    server = await startStaticServer(['/dist/', '/examples/']);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
  });

  for (const file of ['browser-script.html', 'browser-module.html']) {
    test(`${file} shows why the stream stopped, and keeps it on screen`, async () => {
      fake = await startFakeMastodon({ heartbeatMs: 0 });
      const context = await browser!.newContext();
      try {
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(`${server!.origin}/examples/${file}`);
        await page.fill('#instance', fake.apiUrl);
        await page.fill('#token', 'not-a-valid-token');
        await page.click('button:text("Connect")');
        const reason = 'Stopped: /api/v1/streaming/user answered 401: Invalid access token';
        await page.waitForFunction((t) => document.getElementById('status')!.textContent === t, reason, { timeout: 10_000 });
        await sleep(1_000); // nothing overwrites it
        expect(await page.textContent('#status')).toBe(reason);
        expect(await page.getAttribute('#status', 'role')).toBe(file === 'browser-module.html' ? 'status' : null);
        expect(errors).toStrictEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
