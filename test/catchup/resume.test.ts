// Resuming: handle.position(), catchUp: { from }, the baseline of a stream that delivered
// nothing, and one cap per catch-up (all timelines of the stream together).
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CallbackStreamListener, Mastodon, MastodonIllegalArgumentError, type CatchUpGap, type MastodonOptions, type StreamHandle, type StreamPosition } from '../../src/index.js';
import { until, useFakeMastodon, type FakeMastodon } from '../kit/index.js';

const { start, keep } = useFakeMastodon();

const OPTS = { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.05, reconnectAsyncMaxWaitSec: 0.2, timeoutSec: 30 } as const;

function recorder() {
  const log: string[] = [];
  const gaps: CatchUpGap[] = [];
  const positions: StreamPosition[] = [];
  const listener = new CallbackStreamListener({
    updateHandler: (s) => log.push(`update ${s.id}`),
    notificationHandler: (n) => log.push(`notification ${n.id}`),
    catchUpGapHandler: (g) => gaps.push(g),
    positionHandler: (p) => positions.push(p),
  });
  return { log, gaps, positions, listener };
}

const client = (f: FakeMastodon, transport: 'sse' | 'websocket' = 'sse') =>
  new Mastodon({ apiBaseUrl: f.apiUrl, streamingBaseUrl: f.streamingUrl, accessToken: f.token, transport, WebSocket } as MastodonOptions);

const restUrls = (f: FakeMastodon) => f.requests.filter((r) => r.kind === 'rest').map((r) => r.url);

/** Waits until the handle's position has an id for each of `n` timelines. */
const positioned = (h: StreamHandle, n: number) => until(() => Object.keys(h.position()?.ids ?? {}).length === n, { what: 'the baseline' });

describe('handle.position()', () => {
  it('is JSON: the stream and the newest id delivered per timeline; a fresh stream records where its timelines stand', async () => {
    const f = await start();
    const old = f.postStatus();
    const rec = recorder();
    const h = keep(client(f).streamUser(rec.listener, { ...OPTS, catchUp: true }));
    await positioned(h, 2);
    // Baseline: one limit=1 request per timeline; the newest status is not delivered, an empty timeline is '0'.
    expect(restUrls(f)).toEqual(['/api/v1/timelines/home?limit=1', '/api/v1/notifications?limit=1']);
    expect(h.position()).toStrictEqual({ stream: ['user'], ids: { update: old.id, notification: '0' } });
    const s = f.postStatus();
    const n = f.notify('mention');
    await until(() => rec.log.length === 2);
    const p = h.position()!;
    expect(JSON.parse(JSON.stringify(p))).toStrictEqual({ stream: ['user'], ids: { update: s.id, notification: n.id } });
    h.close();
    expect(h.position()).toStrictEqual(p);
    expect(rec.log).toEqual([`update ${s.id}`, `notification ${n.id}`]);
  });

  it('is undefined without catchUp', async () => {
    const f = await start();
    const h = keep(client(f).streamUser(recorder().listener, OPTS));
    await f.waitForConnections(1);
    expect(h.position()).toBeUndefined();
  });
});

describe('catchUp: { from: position }', () => {
  for (const transport of ['sse', 'websocket'] as const)
    it(`${transport}: a new stream fills everything since the position, exactly once, oldest first, then goes live`, async () => {
      const f = await start();
      const first = recorder();
      const h1 = client(f, transport).streamUser(first.listener, { ...OPTS, catchUp: true });
      await positioned(h1, 2);
      const s1 = f.postStatus();
      const n1 = f.notify('favourite');
      await until(() => first.log.length === 2);
      const saved = JSON.parse(JSON.stringify(h1.position()));
      h1.close();

      const missed = [f.postStatus(), f.notify('mention'), f.postStatus(), f.notify('follow'), f.postStatus()];
      const second = recorder();
      const h2 = keep(client(f, transport).streamUser(second.listener, { ...OPTS, catchUp: { from: saved } }));
      await until(() => second.log.length === 5);
      const live = f.postStatus();
      await until(() => second.log.length === 6);
      const [m0, m1, m2, m3, m4] = missed.map((x) => x.id);
      expect(first.log).toEqual([`update ${s1.id}`, `notification ${n1.id}`]);
      expect(second.log).toEqual([`update ${m0}`, `update ${m2}`, `update ${m4}`, `notification ${m1}`, `notification ${m3}`, `update ${live.id}`]);
      expect(h2.position()).toStrictEqual({ stream: ['user'], ids: { update: live.id, notification: m3 } });
      expect(second.gaps).toEqual([]);
    });

  it('a position of another stream, or a value that is no position, is a MastodonIllegalArgumentError', async () => {
    const f = await start();
    const m = client(f);
    const listener = recorder().listener;
    const user: StreamPosition = { stream: ['user'], ids: { update: '1', notification: '2' } };
    const bad = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return [(e as Error).constructor, (e as Error).message];
      }
      return 'no error';
    };
    const notOf = (s: string) => [MastodonIllegalArgumentError, `catchUp.from: not a position of ${s}`];
    expect(bad(() => m.streamHashtag('cats', listener, { ...OPTS, catchUp: { from: user } }))).toEqual(notOf('hashtag:cats'));
    expect(bad(() => m.streamHashtag('dogs', listener, { ...OPTS, catchUp: { from: { stream: ['hashtag', 'cats'], ids: { update: '1' } } } }))).toEqual(notOf('hashtag:dogs'));
    expect(bad(() => m.streamUserNotification(listener, { ...OPTS, catchUp: { from: user } }))).toEqual(notOf('user:notification'));
    for (const from of ['{"stream":["user"]}', 42, [], { stream: ['user'], ids: { update: 1 } }, { stream: ['user'], ids: { conversation: '1' } }, { stream: ['user'], ids: { update: { id: '1' } } }])
      expect(bad(() => m.streamUser(listener, { ...OPTS, catchUp: { from: from as StreamPosition } }))).toEqual(notOf('user'));
    expect(f.requests).toEqual([]);
  });
});

describe('baseline', () => {
  it('a stream that delivered nothing, dropped while three statuses are posted: all three arrive', async () => {
    const f = await start();
    const rec = recorder();
    const h = keep(client(f).streamHashtag('quiet', rec.listener, { ...OPTS, catchUp: true }));
    await positioned(h, 1);
    expect(h.position()).toStrictEqual({ stream: ['hashtag', 'quiet'], ids: { update: '0' } });
    f.stall();
    const missed = [f.postStatus({ tags: ['quiet'] }), f.postStatus({ tags: ['quiet'] }), f.postStatus({ tags: ['quiet'] })];
    const before = f.requests.filter((r) => r.kind === 'sse').length;
    f.dropConnections();
    await until(() => rec.log.length === 3);
    await until(() => f.requests.filter((r) => r.kind === 'sse').length > before && restUrls(f).length === 3);
    const live = f.postStatus({ tags: ['quiet'] });
    await until(() => rec.log.length === 4);
    expect(rec.log).toEqual([...missed, live].map((s) => `update ${s.id}`));
    expect(restUrls(f)).toEqual([
      '/api/v1/timelines/tag/quiet?limit=1',
      '/api/v1/timelines/tag/quiet?min_id=0&limit=40',
      `/api/v1/timelines/tag/quiet?min_id=${missed[2]!.id}&limit=40`,
    ]);
    expect(rec.gaps).toEqual([]);
  });
});

describe('catchUpMaxItems caps one catch-up of one stream', () => {
  it('50 across home + notifications with 80 missed each: 50 delivered in total, one gap with the rest', async () => {
    const f = await start();
    const rec = recorder();
    const h = keep(client(f).streamUser(rec.listener, { ...OPTS, catchUp: true, catchUpMaxItems: 50 }));
    await positioned(h, 2);
    const s0 = f.postStatus();
    const n0 = f.notify('mention');
    await until(() => rec.log.length === 2);
    f.stall();
    const statuses = Array.from({ length: 80 }, () => f.postStatus());
    const notes = Array.from({ length: 80 }, () => f.notify('favourite'));
    const before = f.requests.filter((r) => r.kind === 'sse').length;
    f.dropConnections();
    await until(() => rec.gaps.length === 1);
    await until(() => f.requests.filter((r) => r.kind === 'sse').length > before);
    const live = f.postStatus();
    await until(() => rec.log.length === 53);
    expect(rec.log).toEqual([`update ${s0.id}`, `notification ${n0.id}`, ...statuses.slice(0, 50).map((s) => `update ${s.id}`), `update ${live.id}`]);
    const missing = [
      { timeline: '/api/v1/timelines/home', sinceId: statuses[49]!.id },
      { timeline: '/api/v1/notifications', sinceId: n0.id },
    ];
    expect(rec.gaps).toEqual([{ ...missing[0], reason: 'cap', missing }]);
    // Past the cap each timeline is only looked at: one item (limit=1) tells that something is missing.
    expect(restUrls(f).slice(2)).toEqual([
      `/api/v1/timelines/home?min_id=${s0.id}&limit=40`,
      `/api/v1/timelines/home?min_id=${statuses[39]!.id}&limit=40`,
      `/api/v1/notifications?min_id=${n0.id}&limit=1`,
    ]);
    expect(notes).toHaveLength(80);
  });
});
