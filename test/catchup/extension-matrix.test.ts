// Kill and restart in a real MV3 service worker, every stream kind over both transports at
// once: one worker (test/catchup/fixtures/extension) holds eight catch-up streams — user (home +
// notifications), hashtag, list and public, over SSE and over WebSocket — each saving its
// position in chrome.storage.session. It is stopped through the DevTools protocol while the
// fake posts; the restarted worker resumes every stream from its saved position: each receives
// what was posted meanwhile exactly once, in order (home before notifications), then live ones.
// (extension-restart.test.ts runs the shipped example, user over WebSocket.)
import { join } from 'node:path';
import type { Worker } from 'playwright-core';
import { expect, it } from 'vitest';
import { requireDist } from '../runtimes/scenario.js';
import { repoRoot } from '../setup/env.mjs';
import { until, useFakeMastodon } from '../kit/index.js';
import { loadExtension } from '../kit/extension.js';

// The extension API the worker and the extension page use (only what is called here).
declare const chrome: { storage: { session: { get(key: null): Promise<Record<string, unknown>> } }; runtime: { sendMessage(m: unknown): Promise<unknown> } };

const { start, keep } = useFakeMastodon();

const STREAMS = ['sse', 'websocket'].flatMap((t) => ['user', 'hashtag', 'list', 'public'].map((k) => `${t}:${k}`));
type Position = { stream: string[]; ids: { update?: string; notification?: string } };

it('eight streams (user, hashtag, list, public × SSE, WebSocket) in a worker stopped through DevTools while the fake posts: each resumes once, in order', { timeout: 120_000 }, async () => {
  requireDist();
  const f = await start();
  const fixture = (name: string) => join(repoRoot, 'test', 'catchup', 'fixtures', 'extension', name);
  const { worker: first, id, stopWorkers } = keep(
    await loadExtension({
      'manifest.json': fixture('manifest.json'),
      'service-worker.js': fixture('service-worker.js'),
      'mastodon-streaming.js': join(repoRoot, 'dist', 'index.js'),
    }),
  );
  await first.evaluate(({ instanceUrl, token }) => (self as any).connect({ instanceUrl, token }), { instanceUrl: f.apiUrl, token: f.token });
  // Four SSE responses and one socket with four subscriptions.
  await until(() => f.sseConnections() === 4 && f.subscriptions() === 4, { what: 'eight streams', timeoutMs: 20_000 });
  const positions = async (w: Worker) => {
    const all = (await w.evaluate(() => chrome.storage.session.get(null))) as Record<string, unknown>;
    return Object.fromEntries(STREAMS.map((s) => [s, all[`position:${s}`] as Position | undefined]));
  };

  // Every status goes to home, #cats, list 12 and public; a notification goes to user.
  const updates: string[] = [];
  const notifications: string[] = [];
  const post = () => updates.push(f.postStatus({ tags: ['cats'], lists: ['12'] }).id);
  const notify = () => notifications.push(f.notify('favourite').id);
  post();
  notify();
  post();
  const savedAll = async () => {
    const p = await positions(first);
    return STREAMS.every((s) => p[s]?.ids.update === updates[1] && (!s.endsWith(':user') || p[s]?.ids.notification === notifications[0]));
  };
  await until(savedAll, { what: 'every stream to save its position', timeoutMs: 20_000 });
  const saved = await positions(first);

  // Stop every service worker (ours is the only one), as Chrome does to an idle one.
  const page = await stopWorkers();
  await until(() => f.connections() === 0, { what: 'the connections of the stopped worker to close', timeoutMs: 20_000 });
  post();
  notify();
  post();
  notify();
  post();

  // An extension page wakes the worker (a message); every stream reconnects from its stored position.
  await page.goto(`chrome-extension://${id}/manifest.json`);
  const delivered = () => page.evaluate(() => chrome.runtime.sendMessage({ type: 'lines' })) as Promise<Record<string, string[]>>;
  await delivered();
  await until(() => f.sseConnections() === 4 && f.subscriptions() === 4, { what: 'the restarted worker to connect eight streams', timeoutMs: 20_000 });
  // Live ones: one status, one notification.
  post();
  notify();
  const u = (i: number) => `update ${updates[i]}`;
  const n = (i: number) => `notification ${notifications[i]}`;
  // Per stream, in order per timeline (a live status may reach the user stream while its
  // notifications are still being read, so only each timeline's own order is fixed).
  const expected: Record<string, string[]> = {};
  for (const s of STREAMS) expected[s] = s.endsWith(':user') ? [u(2), u(3), u(4), u(5), n(1), n(2), n(3)] : [u(2), u(3), u(4), u(5)];
  let got: Record<string, string[]> = {};
  const all = async (check: (lines: string[], s: string) => boolean) => {
    got = await delivered();
    return STREAMS.every((s) => check(got[s] ?? [], s));
  };
  await until(() => all((lines, s) => lines.length >= expected[s]!.length), { what: 'every stream to catch up and go live', timeoutMs: 30_000 });
  // A last status that every stream receives after all of the above: nothing more is pending.
  post();
  for (const s of STREAMS) expected[s]!.splice(4, 0, u(6));
  await until(() => all((lines) => lines.includes(u(6))), { what: 'the last status in every stream', timeoutMs: 30_000 });
  for (const s of STREAMS) expect(saved[s]!.ids, s).toStrictEqual(s.endsWith(':user') ? { update: updates[1], notification: notifications[0] } : { update: updates[1] });
  // Updates, then notifications, each as delivered: exactly once, oldest first, and nothing else (no gap line).
  const byTimeline = (lines: string[]) => [...lines.filter((l) => l.startsWith('update ')), ...lines.filter((l) => !l.startsWith('update '))];
  expect(Object.fromEntries(STREAMS.map((s) => [s, byTimeline(got[s]!)]))).toStrictEqual(expected);
  // And home before notifications in the catch-up: the missed statuses come first.
  for (const s of STREAMS.filter((x) => x.endsWith(':user'))) expect(got[s]!.slice(0, 3), s).toEqual([u(2), u(3), u(4)]);
});
