// The MV3 example (examples/extension) in Chromium: the worker saves its position in
// chrome.storage.session; it is stopped through the DevTools protocol while the fake posts,
// and the restarted worker resumes from the saved position: every status posted since then
// arrives once, in order, then live ones.
import { join } from 'node:path';
import type { Worker } from 'playwright-core';
import { expect, it } from 'vitest';
import { requireDist } from '../runtimes/scenario.js';
import { repoRoot } from '../setup/env.mjs';
import { sleep, until, useFakeMastodon } from '../kit/index.js';
import { loadExtension } from '../kit/extension.js';

// The extension API the worker and the extension page use (only what is called here).
declare const chrome: { storage: { session: { get(key: string): Promise<Record<string, unknown>> } }; runtime: { sendMessage(m: unknown): Promise<unknown> } };

const { start, keep } = useFakeMastodon();

it('MV3 worker stopped through the DevTools protocol while the fake posts: the restarted worker resumes from its saved position', { timeout: 90_000 }, async () => {
  requireDist();
  const f = await start();
  const example = (name: string) => join(repoRoot, 'examples', 'extension', name);
  const { context, worker: first, id, stopWorkers } = keep(
    await loadExtension({
      'manifest.json': example('manifest.json'),
      'service-worker.js': example('service-worker.js'),
      'mastodon-streaming.js': join(repoRoot, 'dist', 'index.js'),
    }),
  );
  await first.evaluate(({ instanceUrl, token }) => (self as any).connect({ instanceUrl, token }), { instanceUrl: f.apiUrl, token: f.token });
  await f.waitForSubscriptions(1, { timeoutMs: 15_000 });
  const stored = (w: Worker) => w.evaluate(() => chrome.storage.session.get('position')) as Promise<{ position?: { ids: { update?: string } } }>;
  const posted: string[] = [];
  posted.push(f.postStatus().id, f.postStatus().id);
  await until(async () => (await stored(first)).position?.ids.update === posted[1], { what: 'the saved position', timeoutMs: 15_000 });
  const saved = (await stored(first)).position!;

  // Stop every service worker (ours is the only one), as Chrome does to an idle one.
  const page = await stopWorkers();
  await until(() => f.wsConnections() === 0, { what: 'the socket of the stopped worker to close', timeoutMs: 15_000 });
  posted.push(f.postStatus().id, f.postStatus().id, f.postStatus().id);

  // An extension page wakes the worker (a message); it reconnects from the stored position.
  await page.goto(`chrome-extension://${id}/manifest.json`);
  await page.evaluate(() => chrome.runtime.sendMessage({ type: 'recent' }));
  await until(() => f.wsConnections() === 1, { what: 'the restarted worker to connect', timeoutMs: 15_000 });
  const second = context.serviceWorkers().at(-1)!;
  await until(async () => ((await second.evaluate(() => [...(self as any).recent])) as string[]).length >= 3, { what: 'the catch-up in the restarted worker', timeoutMs: 15_000 });
  posted.push(f.postStatus().id);
  await until(async () => ((await second.evaluate(() => [...(self as any).recent])) as string[]).length >= 4, { what: 'a live status', timeoutMs: 15_000 });
  await sleep(200);
  const lines = (await second.evaluate(() => [...(self as any).recent])) as string[];
  expect(saved.ids.update).toBe(posted[1]);
  expect(lines.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(posted.slice(2).map((id) => `update ${id}`));
});
