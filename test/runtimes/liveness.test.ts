// Issue 12 in real runtimes whose WebSocket hides pings — Chromium, Deno, Bun and Node 20 with
// --experimental-websocket — against the BUILT package: a quiet stream stays receiving for
// 3 × timeoutSec without a reconnect; a dead peer (test/kit/latency-proxy.ts freezes the TCP
// flow: nothing read or written, the connection open) is reported within timeoutSec, and the
// stream recovers and delivers once the peer is back.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { latencyProxy, type LatencyProxy } from '../kit/latency-proxy.js';
import { sleep, startFakeMastodon, type FakeMastodon } from '../kit/index.js';
import { repoRoot } from '../setup/env.mjs';
import { CHROMIUM, CHROMIUM_ARGS, INSTALL_COMMAND } from '../setup/ensure-chromium.mjs';
import { Lines, requireDist, spawnLines, wsUpgrades } from './scenario.js';
import { startStaticServer, type StaticServer } from './static-server.js';

const TIMEOUT_SEC = 1.5;
const fixture = join(repoRoot, 'test', 'runtimes', 'fixtures', 'liveness.mjs');
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
const runtimes: Record<string, string[]> = {
  node: [process.execPath, '--experimental-websocket', '--no-warnings', fixture],
  deno: [bin('deno'), 'run', '--allow-net=127.0.0.1', '--allow-read', '--no-prompt', fixture],
  bun: [bin('bun'), 'run', fixture],
};

const children = new Set<ChildProcess>();
let fake: FakeMastodon | undefined;
let proxy: LatencyProxy | undefined;
let browser: Browser | undefined;
let server: StaticServer | undefined;

beforeAll(() => requireDist());

afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  await proxy?.close();
  await fake?.close();
  proxy = fake = undefined;
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await server?.close();
});

/** The fake without pings or heartbeats (a quiet stream), reached through a proxy that can play dead. */
async function setUp(): Promise<{ f: FakeMastodon; p: LatencyProxy }> {
  fake = await startFakeMastodon({ heartbeatMs: 0, wsPingMs: 0 });
  proxy = await latencyProxy(Number(new URL(fake.streamingUrl).port));
  return { f: fake, p: proxy };
}

/** Drives one recorder through the whole story; `lines` shows what it printed. */
async function story(f: FakeMastodon, p: LatencyProxy, lines: Lines): Promise<void> {
  await lines.waitFor('RECEIVING', 15_000);
  // Quiet for 3 × timeoutSec: no event, no heartbeat, no ping.
  await sleep(3 * TIMEOUT_SEC * 1000);
  await lines.skipToEnd();
  expect(lines.all.filter((l) => l !== 'READY')).toStrictEqual(['RECEIVING']);
  expect(wsUpgrades(f)).toHaveLength(1);
  // The peer dies.
  p.freeze();
  const frozenAt = Date.now();
  await lines.waitFor('ABORT MastodonReadTimeout', 10_000);
  // Within timeoutSec of the last sign of life, + 1.5 s for a loaded machine and the sampling.
  expect(Date.now() - frozenAt).toBeLessThanOrEqual(TIMEOUT_SEC * 1000 + 1500);
  p.thaw();
  await lines.waitFor('NOT_RECEIVING', 5_000, { fromStart: true });
  // (An upgrade tried while the peer was dead is bounded by requestTimeoutSec: 4 s.)
  await lines.waitFor('RECEIVING', 15_000);
  const s = f.postStatus();
  await lines.waitFor(`UPDATE ${s.id}`, 10_000);
  await lines.waitFor('CLOSED', 5_000);
}

describe('a WebSocket that hides pings: quiet stream and dead peer', { timeout: 60_000 }, () => {
  for (const [name, [cmd, ...args]] of Object.entries(runtimes)) {
    test(`${name}: quiet for 3 × timeoutSec without a reconnect; a dead peer reported within timeoutSec; recovered`, async () => {
      if (name !== 'node') expect(existsSync(cmd!), `${cmd} (installed by npm ci)`).toBe(true);
      const { f, p } = await setUp();
      const run = spawnLines(cmd!, [...args, p.url, f.token, String(TIMEOUT_SEC)], name, children);
      await run.lines.waitFor('READY', 15_000);
      await story(f, p, run.lines);
      expect(await run.exited).toStrictEqual({ code: 0, signal: null });
      // Every abort was the dead peer's: read timeouts, or attempts that found the peer still dead.
      expect(run.lines.all.filter((l) => l.startsWith('ABORT ')).every((l) => /^ABORT Mastodon(ReadTimeout|NetworkError)$/.test(l))).toBe(true);
    });
  }

  test('chromium: quiet for 3 × timeoutSec without a reconnect; a dead peer reported within timeoutSec; recovered', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing; install it: ${INSTALL_COMMAND}`);
    server ??= await startStaticServer();
    browser ??= await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    const { f, p } = await setUp();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${server.origin}/test/runtimes/browser/esm.html`);
      await page.waitForFunction(() => (window as any).lib, null, { timeout: 10_000 });
      await page.addScriptTag({ content: readFileSync(join(repoRoot, 'test', 'runtimes', 'fixtures', 'liveness.js'), 'utf8') });
      await page.evaluate(
        ({ url, token, timeoutSec }) => {
          const w = window as any;
          w.livenessLines = ['READY'];
          w.startLivenessRecorder(w.lib, { url, token, timeoutSec, emit: (l: string) => w.livenessLines.push(l) });
        },
        { url: p.url, token: f.token, timeoutSec: TIMEOUT_SEC },
      );
      let read = 0;
      const lines = new Lines('chromium', async () => {
        const all: string[] = await page.evaluate(() => (window as any).livenessLines);
        const fresh = all.slice(read);
        read = all.length;
        return fresh;
      });
      await story(f, p, lines);
      expect(errors).toStrictEqual([]);
    } finally {
      await context.close();
    }
  });
});
