// The fake Mastodon as the playground uses it: a demo mix that looks like a lively instance,
// the hashtags the playground and the dashboard example stream by default, pictures that look
// like what their description says, and a 401 injected for a WebSocket connect that stays
// fatal when the client asks again over HTTP (as a browser must, since it cannot read the
// upgrade's status).
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
// @ts-expect-error -- internal modules of the fake, without declarations (index.d.mts types its public face)
import { createActions } from './fake-mastodon/actions.mjs';
// @ts-expect-error -- as above
import { startDemo } from './fake-mastodon/demo.mjs';
import { startFakeMastodon, Store, type FakeMastodon } from './fake-mastodon/index.mjs';

interface Published { key: { stream: string }; event: string }

function runDemo(ticks: number, seed: number) {
  const store = new Store();
  const published: Published[] = [];
  const actions = createActions({ store, base: 'http://127.0.0.1:9', publish: (key: { stream: string }, event: string) => published.push({ key, event }) });
  const demo = startDemo({ actions, store, ratePerSec: 0.001, seed });
  demo.stop();
  const before = { statuses: store.statuses.size, notifications: store.notifications.size };
  for (let i = 0; i < ticks; i++) demo.tick();
  const statuses = [...store.statuses.values()].slice(before.statuses);
  const notifications = [...store.notifications.values()].slice(before.notifications);
  return { statuses, notifications, published };
}

describe('demo mix', () => {
  it('is mostly posts, boosts, favourites, follows and mentions; rare kinds stay rare', () => {
    for (const seed of [1, 4242]) {
      const { statuses, notifications } = runDemo(3000, seed);
      const posts = statuses.filter((s) => !s.reblog && s.visibility !== 'direct').length;
      const boosts = statuses.filter((s) => s.reblog).length;
      const byType = new Map<string, number>();
      for (const n of notifications) byType.set(n.type, (byType.get(n.type) ?? 0) + 1);
      const common = posts + boosts + ['favourite', 'reblog', 'follow', 'mention'].reduce((a, t) => a + (byType.get(t) ?? 0), 0);
      // Each tick is one action: posts, boosts and the four common notifications are >= 80% of them.
      expect(common / 3000).toBeGreaterThan(0.8);
      expect(posts / 3000).toBeGreaterThan(0.45);
      expect(boosts / 3000).toBeGreaterThan(0.08);
      for (const t of ['favourite', 'reblog', 'follow', 'mention']) expect(byType.get(t) ?? 0, t).toBeGreaterThan(notifications.length * 0.1);
      for (const t of ['admin.sign_up', 'admin.report', 'severed_relationships', 'moderation_warning', 'quoted_update']) {
        expect(byType.get(t) ?? 0, t).toBeLessThanOrEqual(notifications.length * 0.02);
      }
    }
  });

  it('posts to #cats and #dogs, the hashtags streamed by default', () => {
    const { statuses } = runDemo(600, 1);
    const tagged = (t: string) => statuses.filter((s) => (s.tags ?? []).some((x: { name: string }) => x.name === t)).length;
    expect(tagged('cats')).toBeGreaterThanOrEqual(20);
    expect(tagged('dogs')).toBeGreaterThanOrEqual(20);
  });

  it('attaches pictures that show their description (a generated scene, not a flat square)', () => {
    const { statuses } = runDemo(300, 1);
    const media = statuses.flatMap((s) => s.media_attachments ?? []);
    expect(media.length).toBeGreaterThan(10);
    const scenes = new Set(media.map((m) => new URL(m.url).searchParams.get('scene')));
    expect([...scenes].sort()).toEqual(['bread', 'cat', 'harbour', 'heron', 'leaves', 'sunset']);
  });
});

let fake: FakeMastodon | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('fake Mastodon for the playground', () => {
  it('serves a scene for /media/<id>.svg?scene=… and a plain picture without one', async () => {
    fake = await startFakeMastodon();
    const cat = await fetch(`${fake.apiUrl}/media/1.svg?scene=cat&hue=12`);
    expect(cat.status).toBe(200);
    expect(cat.headers.get('content-type')).toBe('image/svg+xml');
    const svg = await cat.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="640" height="480"/);
    expect(svg).toContain('<ellipse'); // the cat's body
    const plain = await (await fetch(`${fake.apiUrl}/media/1.svg?hue=12`)).text();
    expect(plain).not.toBe(svg);
    expect(plain).toContain('<circle');
  });

  it('failNext(1, 401) on a WebSocket connect also answers the same token\'s HTTP probe, and only that', async () => {
    fake = await startFakeMastodon();
    const f = fake;
    const refusal = () => new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${f.streamingUrl.replace(/^http/, 'ws')}/api/v1/streaming`, { headers: { Authorization: `Bearer ${f.token}` } });
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('open', () => {
        ws.terminate();
        reject(new Error('upgrade accepted'));
      });
      ws.on('error', () => {});
    });
    const probe = (token: string) =>
      fetch(`${f.streamingUrl}/api/v1/streaming/user`, { headers: { Authorization: `Bearer ${token}` } }).then(async (r) => {
        const status = r.status;
        const body = status === 200 ? '' : await r.text();
        if (status === 200) await r.body?.cancel();
        return { status, body };
      });
    f.failNext(1, 401, { message: 'The access token is invalid' });
    expect(await refusal()).toBe(401);
    // Another token is not refused by it.
    expect((await probe('another-token')).status).toBe(401); // unknown token: the fake's own 401
    expect(await probe(f.token)).toEqual({ status: 401, body: '{"error":"The access token is invalid"}' });
    // Used up: the next request with the token streams.
    expect((await probe(f.token)).status).toBe(200);
  });
});
