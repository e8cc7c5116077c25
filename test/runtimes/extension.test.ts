// Two unpacked MV3 extensions, generated into a temp folder from the real files in
// test/runtimes/extension/: a module service worker (static import of dist/index.js) and a
// classic one (importScripts of dist/index.global.js). Chromium loads each into a fresh
// persistent profile; the test drives the shared user-stream scenario inside the worker, where
// there is no window, no document and no XMLHttpRequest — over SSE and over WebSocket (which
// keeps an MV3 worker alive; the token goes as the subprotocol).
import { copyFileSync, existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Worker } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { repoRoot } from '../setup/env.mjs';
import { CHROMIUM, CHROMIUM_ARGS, INSTALL_COMMAND } from '../setup/ensure-chromium.mjs';
import { driveUserScenario, expectWebSocketTraffic, Lines, requireDist, startFake, TRANSPORTS, type Fake } from './scenario.js';

const here = join(repoRoot, 'test', 'runtimes');

const kinds = {
  module: { manifest: 'manifest.module.json', worker: 'sw-module.js', lib: ['dist/index.js', 'mastodon-streaming.js'] },
  classic: { manifest: 'manifest.classic.json', worker: 'sw-classic.js', lib: ['dist/index.global.js', 'mastodon-streaming.global.js'] },
} as const;

let context: BrowserContext | undefined;
let fake: Fake | undefined;
let tmp: string | undefined;

beforeAll(() => {
  requireDist();
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing; install it: ${INSTALL_COMMAND}`);
});

afterEach(async () => {
  await context?.close().catch(() => undefined);
  context = undefined;
  await fake?.close();
  fake = undefined;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

function buildExtension(kind: keyof typeof kinds): string {
  const k = kinds[kind];
  tmp = mkdtempSync(join(tmpdir(), `mastodon-streaming-ext-${kind}-`));
  const dir = join(tmp, 'extension');
  mkdirSync(dir);
  copyFileSync(join(here, 'extension', k.manifest), join(dir, 'manifest.json'));
  copyFileSync(join(here, 'extension', k.worker), join(dir, k.worker));
  copyFileSync(join(here, 'fixtures', 'recorder.js'), join(dir, 'recorder.js'));
  copyFileSync(join(repoRoot, k.lib[0]), join(dir, k.lib[1]));
  return dir;
}

describe('extension service worker', { timeout: 120_000 }, () => {
  for (const transport of TRANSPORTS) for (const kind of Object.keys(kinds) as (keyof typeof kinds)[]) {
    test(`${kind} worker over ${transport}: user stream with reconnect, exact callbacks, close()`, async () => {
      const dir = buildExtension(kind);
      fake = await startFake();
      context = await chromium.launchPersistentContext(join(tmp!, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        timeout: 30_000,
        args: [...CHROMIUM_ARGS, `--disable-extensions-except=${dir}`, `--load-extension=${dir}`],
      });
      const sw: Worker =
        context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 60_000 }));
      expect(sw.url()).toMatch(new RegExp(`^chrome-extension://[a-p]{32}/${kinds[kind].worker}$`));
      await sw.evaluate(
        ({ apiUrl, token, transport }) => {
          (self as any).startRecorder({ apiUrl, token, transport });
        },
        { apiUrl: fake.apiUrl, token: fake.token, transport },
      );
      const lines = new Lines(`${kind} service worker`, () =>
        sw.evaluate(() => (self as any).__userStreamRecorder.lines.splice(0) as string[]),
      );
      const result = await driveUserScenario(fake, lines, 'serviceworker', transport);
      if (transport === 'websocket') expectWebSocketTraffic(fake, 2, 'subprotocol');
      expect(result.globals).toStrictEqual({ window: 'undefined', document: 'undefined', XMLHttpRequest: 'undefined' });
      expect(result.version).toMatch(/Chrome\/\d+/);
    });
  }
});
