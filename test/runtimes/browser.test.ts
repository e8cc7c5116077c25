// Debian's Chromium (playwright-core, no downloaded browser) loads the built package two ways —
// dist/index.global.js from a plain <script> tag and dist/index.js from <script type="module"> —
// from a static server on another port than the fake Mastodon, so every request is cross-origin.
// Each page streams over SSE and over WebSocket (token as the subprotocol, never in the URL).
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, INSTALL_COMMAND } from '../setup/ensure-chromium.mjs';
import { startStaticServer, type StaticServer } from './static-server.js';
import {
  BIG_ID,
  driveUserScenario,
  expectWebSocketTraffic,
  Lines,
  openConnections,
  requireDist,
  startFake,
  TRANSPORTS,
  wsUpgrades,
  type Fake,
} from './scenario.js';
import { until } from '../kit/index.js';

let browser: Browser | undefined;
let server: StaticServer | undefined;
let context: BrowserContext | undefined;
let fake: Fake | undefined;
let pageErrors: string[] = [];

beforeAll(async () => {
  requireDist();
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing; install it: ${INSTALL_COMMAND}`);
  server = await startStaticServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
});

afterEach(async () => {
  await context?.close().catch(() => undefined);
  context = undefined;
  await fake?.close();
  fake = undefined;
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await server?.close();
});

async function openPage(kind: 'iife' | 'esm'): Promise<Page> {
  context = await browser!.newContext();
  const page = await context.newPage();
  pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  await page.goto(`${server!.origin}/test/runtimes/browser/${kind}.html`);
  await page.waitForFunction(() => (window as any).lib && (window as any).startUserStreamRecorder, null, { timeout: 10_000 });
  expect(await page.evaluate(() => (window as any).libKind)).toBe(kind);
  return page;
}

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(',') : (v ?? ''));

describe('Chromium page', { timeout: 120_000 }, () => {
  for (const transport of TRANSPORTS) for (const kind of ['iife', 'esm'] as const) {
    test(`${kind} over ${transport}: user stream with reconnect, exact callbacks, ${transport === 'sse' ? 'CORS preflight' : 'token as subprotocol'}`, async () => {
      fake = await startFake();
      const page = await openPage(kind);
      // The script tag defines the global; the module leaks none.
      expect(await page.evaluate(() => typeof (window as any).MastodonStreaming?.Mastodon)).toBe(
        kind === 'iife' ? 'function' : 'undefined',
      );
      await page.evaluate(
        ({ apiUrl, token, transport }) => {
          (window as any).startUserStreamRecorder((window as any).lib, { apiUrl, token, transport });
        },
        { apiUrl: fake.apiUrl, token: fake.token, transport },
      );
      const lines = new Lines(`chromium ${kind}`, () =>
        page.evaluate(() => (window as any).__userStreamRecorder.lines.splice(0) as string[]),
        () => `page errors: ${pageErrors.join('\n')}`,
      );
      const result = await driveUserScenario(fake, lines, 'browser', transport);
      expect(result.version).toMatch(/Chrome\/\d+/);
      if (transport === 'websocket') {
        expectWebSocketTraffic(fake, 2, 'subprotocol');
        for (const u of wsUpgrades(fake)) expect(header(u.headers['origin'])).toBe(server!.origin);
        expect(pageErrors).toStrictEqual([]);
        return;
      }

      // Cross-origin with an Authorization header: the browser asked first (preflight) …
      const preflights = fake.requests.filter((r) => r.method === 'OPTIONS' && r.path === '/api/v1/streaming/user');
      expect(preflights.length, 'OPTIONS preflight recorded by the fake').toBeGreaterThanOrEqual(1);
      expect(header(preflights[0]!.headers['access-control-request-headers']).toLowerCase()).toContain('authorization');
      // … and the streams carried the token in the header, from the page's origin, not in the URL.
      const gets = fake.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/streaming/user');
      expect(gets).toHaveLength(2);
      for (const g of gets) {
        expect(header(g.headers['origin'])).toBe(server!.origin);
        expect(header(g.headers['authorization'])).toBe(`Bearer ${fake.token}`);
        expect(g.url).not.toContain(fake.token);
      }
      expect(pageErrors).toStrictEqual([]);
    });

    test(`${kind} over ${transport}: for await over mastodon.stream('user'); break closes the connection`, async () => {
      fake = await startFake();
      const page = await openPage(kind);
      const iteration = page.evaluate(
        ({ apiUrl, token, transport }) => (window as any).iterateUserStream(apiUrl, token, 2, transport),
        { apiUrl: fake.apiUrl, token: fake.token, transport },
      );
      await fake.waitForConnections(1, { timeoutMs: 10_000 });
      if (transport === 'websocket') await fake.waitForSubscriptions(1, { timeoutMs: 10_000 });
      // Heartbeats (every 200 ms) go by in between; they must not be yielded.
      await new Promise((r) => setTimeout(r, 450));
      const s1 = fake.postStatus();
      fake.publish({ stream: 'user' }, 'delete', BIG_ID);
      const got = await iteration;
      expect(got).toStrictEqual([
        { event: 'update', id: s1.id, payloadType: 'object', stream: ['user'] },
        { event: 'delete', id: BIG_ID, payloadType: 'string', stream: ['user'] },
      ]);
      await until(() => openConnections(fake!) === 0, { what: 'the fake to see the connection closed after break', timeoutMs: 5_000 });
      if (transport === 'websocket') expectWebSocketTraffic(fake, 1, 'subprotocol');
      else expect(fake.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/streaming/user')).toHaveLength(1);
      expect(pageErrors).toStrictEqual([]);
    });
  }
});
