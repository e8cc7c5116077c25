// catchUp: true — what a reconnect missed is fetched over REST, delivered oldest first through
// the listener, deduplicated against live events, with gaps reported via onCatchUpGap.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CallbackStreamListener, Mastodon, MastodonAPIError, type CatchUpGap, type MastodonOptions, type StreamHandle } from '../src/index.js';
import { until, useFakeMastodon, type FakeMastodon, type RecordedRequest } from './kit/index.js';

const { start, keep } = useFakeMastodon();

/** A listener that writes every call as one line, plus the gaps and onAnyEvent calls. */
function recorder() {
  const log: string[] = [];
  const gaps: CatchUpGap[] = [];
  const any: string[] = [];
  let heartbeats = 0;
  const listener = new CallbackStreamListener({
    updateHandler: (s) => log.push(`update ${s.id}`),
    notificationHandler: (n) => log.push(`notification ${n.id}`),
    conversationHandler: (c) => log.push(`conversation ${c.id}/${c.last_status?.id}`),
    announcementHandler: (a) => log.push(`announcement ${a.id}`),
    deleteHandler: (id) => log.push(`delete ${id}`),
    catchUpGapHandler: (g) => {
      gaps.push(g);
      log.push(`gap ${g.reason} ${g.timeline}`);
    },
    anyEventHandler: (name, p, stream) => any.push(`${name} ${(p as { id?: string }).id} ${stream.join(':')}`),
    heartbeatHandler: () => heartbeats++,
  });
  return { log, gaps, any, listener, heartbeats: () => heartbeats };
}

const OPTS = { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.05, reconnectAsyncMaxWaitSec: 0.2, timeoutSec: 30, catchUp: true } as const;

async function setup(fetchFn?: typeof fetch) {
  const fake = await start();
  const mastodon = new Mastodon({ apiBaseUrl: fake.apiUrl, streamingBaseUrl: fake.streamingUrl, accessToken: fake.token, ...(fetchFn && { fetch: fetchFn }) });
  return { fake, mastodon };
}

/** A user stream with catch-up on a fresh fake, connected. */
async function userStream(fetchFn?: typeof fetch) {
  const { fake, mastodon } = await setup(fetchFn);
  const rec = recorder();
  await baselined(keep(mastodon.streamUser(rec.listener, OPTS)), 2);
  return { fake, rec };
}

/** Posts a status and waits until the listener has it live: the newest id delivered. */
async function firstLive(f: FakeMastodon, rec: ReturnType<typeof recorder>) {
  const s = f.postStatus();
  await until(() => rec.log.length === 1, { what: 'a live event' });
  return s;
}

const sseRequests = (f: FakeMastodon) => f.requests.filter((r) => r.kind === 'sse').length;
/** The catch-up requests (not the baseline `limit=1` requests of the first connection, which have no `min_id`). */
const restUrls = (f: FakeMastodon, prefix = '/api/v1/') =>
  f.requests.filter((r: RecordedRequest) => r.kind === 'rest' && r.path.startsWith(prefix) && r.url.includes('min_id=')).map((r) => r.url);

/** Waits until the first connection recorded where each of the stream's `n` timelines stands. */
const baselined = (h: StreamHandle, n = 1) => until(() => Object.keys(h.position()?.ids ?? {}).length === n, { what: 'the baseline' });

/** Marks a point in the byte stream: when the listener sees this heartbeat, every event before it was handed over. */
async function fence(f: FakeMastodon, rec: ReturnType<typeof recorder>): Promise<void> {
  const n = rec.heartbeats();
  await f.writeRaw(':fence\n');
  await until(() => rec.heartbeats() > n, { what: 'the fence heartbeat' });
}

/**
 * Posts a status and waits until the listener has it: events arrive in order, so once this one
 * is delivered, any late duplicate of an earlier one would have been delivered before it.
 */
async function marker(f: FakeMastodon, rec: ReturnType<typeof recorder>) {
  const n = rec.log.length;
  const s = f.postStatus();
  await until(() => rec.log.length > n && rec.log.at(-1) === `update ${s.id}`, { what: 'the marker status' });
  return s;
}

/** Lose what is published next: the current connections hear nothing more until `reconnect()`. */
function reconnect(f: FakeMastodon): Promise<void> {
  const before = sseRequests(f);
  f.dropConnections();
  return until(() => sseRequests(f) > before && f.sseConnections() > 0, { what: 'the reconnect' });
}

describe('catchUp on the user stream', () => {
  it('fetches the missed home statuses and notifications oldest first, then holds nothing back', async () => {
    const { fake, rec } = await userStream();
    const s1 = fake.postStatus();
    const n1 = fake.notify('favourite');
    await until(() => rec.log.length === 2, { what: 'two live events' });

    fake.stall();
    const s2 = fake.postStatus();
    const n2 = fake.notify('mention');
    const s3 = fake.postStatus();
    const n3 = fake.notify('follow');
    await reconnect(fake);
    await until(() => rec.log.length === 6, { what: 'the catch-up' });
    const s4 = fake.postStatus();
    await until(() => rec.log.length === 7, { what: 'a live event after the catch-up' });

    expect(rec.log).toEqual([
      `update ${s1.id}`, `notification ${n1.id}`,
      `update ${s2.id}`, `update ${s3.id}`, `notification ${n2.id}`, `notification ${n3.id}`,
      `update ${s4.id}`,
    ]);
    expect(rec.any).toEqual([
      `update ${s1.id} user`, `notification ${n1.id} user`,
      `update ${s2.id} user`, `update ${s3.id} user`, `notification ${n2.id} user`, `notification ${n3.id} user`,
      `update ${s4.id} user`,
    ]);
    expect(restUrls(fake)).toEqual([
      `/api/v1/timelines/home?min_id=${s1.id}&limit=40`,
      `/api/v1/timelines/home?min_id=${s3.id}&limit=40`,
      `/api/v1/notifications?min_id=${n1.id}&limit=80`,
      `/api/v1/notifications?min_id=${n3.id}&limit=80`,
    ]);
    const rest = fake.requests.filter((r) => r.kind === 'rest');
    for (const r of rest) {
      expect(r.host).toBe('api');
      expect(r.headers.authorization).toBe(`Bearer ${fake.token}`);
      expect(r.url).not.toContain(fake.token);
    }
    expect(rec.gaps).toEqual([]);
  });

  it('holds live events until the gap is filled and delivers the ones the catch-up had only once', async () => {
    let releaseHome!: () => void;
    const homeHeld = new Promise<void>((r) => (releaseHome = r));
    let homeRequests = 0;
    const { fake, rec } = await userStream(async (input, init) => {
      const url = String(input);
      if (url.includes('/api/v1/timelines/home?min_id=') && homeRequests++ === 0) await homeHeld;
      return fetch(input, init);
    });
    const s1 = await firstLive(fake, rec);

    fake.stall();
    const s2 = fake.postStatus();
    await reconnect(fake);
    // Live on the new connection while the catch-up waits for REST: held back.
    const s3 = fake.postStatus();
    const a1 = fake.announce();
    await fence(fake, rec);
    expect(rec.log).toEqual([`update ${s1.id}`]);

    releaseHome();
    await until(() => rec.log.length === 4, { what: 'the catch-up and the held events' });
    // A later live status: once it is delivered, a late duplicate of s3 would have been too.
    const s4 = await marker(fake, rec);
    // s3 was in the REST page (fetched after it was posted) and held live: delivered once.
    expect(rec.log).toEqual([`update ${s1.id}`, `update ${s2.id}`, `update ${s3.id}`, `announcement ${a1.id}`, `update ${s4.id}`]);
  });

  it('follows Link rel="prev" page after page', async () => {
    const { fake, rec } = await userStream();
    const s0 = await firstLive(fake, rec);
    fake.stall();
    const missed = Array.from({ length: 85 }, () => fake.postStatus());
    await reconnect(fake);
    await until(() => rec.log.length === 86 && restUrls(fake, '/api/v1/timelines/home').length === 4, { what: 'the catch-up' });
    expect(rec.log).toEqual([s0, ...missed].map((s) => `update ${s.id}`));
    expect(restUrls(fake, '/api/v1/timelines/home')).toEqual([
      `/api/v1/timelines/home?min_id=${s0.id}&limit=40`,
      `/api/v1/timelines/home?min_id=${missed[39].id}&limit=40`,
      `/api/v1/timelines/home?min_id=${missed[79].id}&limit=40`,
      `/api/v1/timelines/home?min_id=${missed[84].id}&limit=40`,
    ]);
  });

  it('stops at catchUpMaxItems with a cap gap, then the stream goes on', async () => {
    const { fake, mastodon } = await setup();
    const rec = recorder();
    await baselined(keep(mastodon.streamUser(rec.listener, { ...OPTS, catchUpMaxItems: 3 })), 2);
    const s0 = await firstLive(fake, rec);
    fake.stall();
    const missed = Array.from({ length: 5 }, () => fake.postStatus());
    await reconnect(fake);
    await until(() => rec.log.length === 5, { what: 'the catch-up' });
    const live = fake.postStatus();
    await until(() => rec.log.length === 6, { what: 'a live event after the gap' });
    expect(rec.log).toEqual([
      `update ${s0.id}`, `update ${missed[0].id}`, `update ${missed[1].id}`, `update ${missed[2].id}`,
      'gap cap /api/v1/timelines/home', `update ${live.id}`,
    ]);
    expect(rec.gaps).toEqual([{ timeline: '/api/v1/timelines/home', reason: 'cap', sinceId: missed[2].id, missing: [{ timeline: '/api/v1/timelines/home', sinceId: missed[2].id }] }]);
  });

  it('reports no gap when exactly catchUpMaxItems were missed', async () => {
    const { fake, mastodon } = await setup();
    const rec = recorder();
    await baselined(keep(mastodon.streamUser(rec.listener, { ...OPTS, catchUpMaxItems: 2 })), 2);
    const s0 = await firstLive(fake, rec);
    fake.stall();
    const missed = [fake.postStatus(), fake.postStatus()];
    await reconnect(fake);
    await until(() => restUrls(fake).length === 3, { what: 'the last REST request' });
    const live = fake.postStatus();
    await until(() => rec.log.length === 4, { what: 'a live event' });
    expect(rec.log).toEqual([s0, ...missed, live].map((s) => `update ${s.id}`));
    expect(rec.gaps).toEqual([]);
    // At the cap, each timeline is only looked at (limit=1): nothing more in either, so no gap.
    expect(restUrls(fake)).toEqual([
      `/api/v1/timelines/home?min_id=${s0.id}&limit=40`,
      `/api/v1/timelines/home?min_id=${missed[1]!.id}&limit=1`,
      '/api/v1/notifications?min_id=0&limit=1',
    ]);
  });

  it('nothing received before the drop: the catch-up starts where the first connection found the timelines', async () => {
    const { fake, rec } = await userStream();
    fake.stall();
    const missed = fake.postStatus();
    await reconnect(fake);
    await until(() => rec.log.length === 1, { what: 'the catch-up' });
    await until(() => restUrls(fake).length === 3, { what: "the catch-up's last page" });
    const live = fake.postStatus();
    await until(() => rec.log.length === 2, { what: 'a live event' });
    expect(rec.log).toEqual([`update ${missed.id}`, `update ${live.id}`]);
    // Both timelines were empty when the stream started: '0', everything is newer.
    expect(restUrls(fake)).toEqual([
      '/api/v1/timelines/home?min_id=0&limit=40',
      `/api/v1/timelines/home?min_id=${missed.id}&limit=40`,
      '/api/v1/notifications?min_id=0&limit=80',
    ]);
  });

  it('a reconnect during a catch-up fetches again before the held events go out', async () => {
    // The last (empty) home page of the first pass is answered late: by then a second drop
    // has happened, and what it missed is only in a second pass.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let homeRequests = 0;
    const { fake, rec } = await userStream(async (input, init) => {
      const res = await fetch(input, init);
      if (String(input).includes('/api/v1/timelines/home?min_id=') && homeRequests++ === 1) await held;
      return res;
    });
    const s1 = await firstLive(fake, rec);

    fake.stall();
    const s2 = fake.postStatus();
    await reconnect(fake);
    await until(() => homeRequests === 2, { what: 'the second home request' });
    const s3 = fake.postStatus(); // live on connection 2, held
    await fence(fake, rec);
    fake.stall();
    const s4 = fake.postStatus(); // missed by connection 2
    await reconnect(fake);
    const s5 = fake.postStatus(); // live on connection 3, held
    await fence(fake, rec);
    expect(rec.log).toEqual([`update ${s1.id}`, `update ${s2.id}`]);

    release();
    await until(() => rec.log.length === 5, { what: 'everything' });
    // The held events went out: the catch-up is over, and a status posted now is live.
    const s6 = await marker(fake, rec);
    expect(rec.log).toEqual([s1, s2, s3, s4, s5, s6].map((s) => `update ${s.id}`));
    expect(restUrls(fake, '/api/v1/timelines/home')).toEqual([
      `/api/v1/timelines/home?min_id=${s1.id}&limit=40`,
      `/api/v1/timelines/home?min_id=${s2.id}&limit=40`,
      // The second pass's page holds s3 and s5, which the connection also received live (held):
      // the catch-up has reached the live stream, so it asks for no newer page.
      `/api/v1/timelines/home?min_id=${s2.id}&limit=40`,
    ]);
  });

  it('close() during a catch-up aborts it; no listener method runs after', async () => {
    let signal: AbortSignal | undefined;
    let requested!: () => void;
    const wasRequested = new Promise<void>((r) => (requested = r));
    const { fake, mastodon } = await setup(async (input, init) => {
      if (String(input).includes('/api/v1/timelines/home?min_id=')) {
        // A catch-up request that hangs until it is aborted.
        const s = (signal = init!.signal!);
        requested();
        return new Promise<Response>((_, reject) => s.addEventListener('abort', () => reject(s.reason)));
      }
      return fetch(input, init);
    });
    const rec = recorder();
    const calls: string[] = [];
    const listener = Object.assign(rec.listener, { onAbort: (e: Error) => calls.push(`abort ${e.message}`) });
    let afterClose = 0;
    const handle = mastodon.streamUser(listener, OPTS);
    await baselined(keep(handle), 2);
    const s1 = await firstLive(fake, rec);
    fake.stall();
    fake.postStatus();
    await reconnect(fake);
    await wasRequested;
    // A witness: a second stream that sees what is posted after close().
    const witness: string[] = [];
    keep(mastodon.streamUser({ onUpdate: (s: { id: string }) => witness.push(s.id) }, { runAsync: true }));
    await fake.waitForConnections(2);
    handle.close();
    const logged = rec.log.length;
    rec.listener.handlers.updateHandler = () => afterClose++;
    rec.listener.handlers.catchUpGapHandler = () => afterClose++;
    const late = fake.postStatus();
    await handle.done;
    // Once the witness has the status posted after close(), the closed handle would have had
    // it too (live or held), and its aborted catch-up has settled (a microtask, long before).
    await until(() => witness.includes(late.id), { what: 'the witness to see the late status' });
    expect(signal?.aborted).toBe(true);
    expect(logged).toBe(1);
    expect(rec.log).toEqual([`update ${s1.id}`]);
    expect(afterClose).toBe(0);
    expect(calls).toEqual(['abort Connection to /api/v1/streaming/user lost']);
  });
});

describe('catchUp when REST refuses', () => {
  async function gapAfter(fault: (f: FakeMastodon) => void) {
    const { fake, rec } = await userStream();
    const s1 = await firstLive(fake, rec);
    fake.stall();
    const s2 = fake.postStatus();
    fault(fake);
    await reconnect(fake);
    return { fake, rec, s1, s2 };
  }

  it.each([
    [503, {}, '/api/v1/timelines/home answered 503', undefined],
    [500, {}, '/api/v1/timelines/home answered 500: An unexpected error occurred', undefined],
    [401, {}, '/api/v1/timelines/home answered 401: The access token is invalid', undefined],
    [429, { retryAfter: 60 }, '/api/v1/timelines/home answered 429: Too many requests', undefined],
  ] as const)('%i: one error gap, the held live events are released, the stream goes on', async (status, opts, message, retryAfterSec) => {
    const { fake, rec, s1 } = await gapAfter((f) => f.failNextRest(1, status, opts));
    await until(() => rec.gaps.length === 1, { what: 'the gap' });
    const live = fake.postStatus();
    await until(() => rec.log.length === 3, { what: 'a live event' });
    expect(rec.log).toEqual([`update ${s1.id}`, 'gap error /api/v1/timelines/home', `update ${live.id}`]);
    const gap = rec.gaps[0]!;
    expect(gap.timeline).toBe('/api/v1/timelines/home');
    expect(gap.reason).toBe('error');
    expect(gap.sinceId).toBe(s1.id);
    expect(gap.error).toBeInstanceOf(MastodonAPIError);
    const err = gap.error as MastodonAPIError;
    expect(err.name).toBe('MastodonAPIError');
    expect(err.message).toBe(message);
    expect(err.status).toBe(status);
    expect(err.retryAfterSec).toBe(retryAfterSec);
    // The notifications are read all the same (nothing there since the empty timeline the stream started with).
    expect(restUrls(fake)).toEqual([`/api/v1/timelines/home?min_id=${s1.id}&limit=40`, '/api/v1/notifications?min_id=0&limit=80']);
  });

  it('429 with a short Retry-After: not retried (the client-wide budget paces catch-ups), an error gap', async () => {
    const { fake, rec, s1 } = await gapAfter((f) => f.failNextRest(1, 429, { retryAfter: 1 }));
    await until(() => rec.gaps.length === 1, { what: 'the gap' });
    await until(() => restUrls(fake).length === 2, { what: 'the notifications page after the gap' });
    expect(rec.gaps[0]).toMatchObject({ timeline: '/api/v1/timelines/home', reason: 'error', sinceId: s1.id });
    expect((rec.gaps[0]!.error as MastodonAPIError).status).toBe(429);
    expect(restUrls(fake)).toEqual([`/api/v1/timelines/home?min_id=${s1.id}&limit=40`, '/api/v1/notifications?min_id=0&limit=80']);
  });

  it('an unreachable REST API is a gap with a MastodonNetworkError', async () => {
    const { fake, rec } = await userStream(async (input, init) => {
      if (String(input).includes('/api/v1/timelines/home?min_id=')) throw new TypeError('fetch failed');
      return fetch(input, init);
    });
    const s1 = await firstLive(fake, rec);
    fake.stall();
    fake.postStatus();
    await reconnect(fake);
    await until(() => rec.gaps.length === 1, { what: 'the gap' });
    const err = rec.gaps[0]!.error as Error & { cause?: unknown };
    expect(err.name).toBe('MastodonNetworkError');
    expect(err.message).toBe('Catch-up from /api/v1/timelines/home failed');
    expect(err.cause).toBeInstanceOf(TypeError);
    expect(rec.gaps[0]!.sinceId).toBe(s1.id);
  });
});

describe('catchUp sources for every stream', () => {
  async function missOne(open: (m: Mastodon, l: CallbackStreamListener, o: typeof OPTS) => StreamHandle, post: (f: FakeMastodon) => { id: string }) {
    const { fake, mastodon } = await setup();
    const rec = recorder();
    await baselined(keep(open(mastodon, rec.listener, OPTS)));
    const first = post(fake);
    await until(() => rec.log.length === 1, { what: 'a live event' });
    fake.stall();
    const missed = post(fake);
    await reconnect(fake);
    await until(() => rec.log.length === 2, { what: 'the catch-up' });
    return { rec, first, missed, urls: restUrls(fake), any: rec.any };
  }

  it('public, local, only media', async () => {
    const r = await missOne((m, l, o) => m.streamPublic(l, { ...o, local: true, onlyMedia: true }), (f) => f.postStatus({ media: true }));
    expect(r.rec.log).toEqual([`update ${r.first.id}`, `update ${r.missed.id}`]);
    expect(r.urls[0]).toBe(`/api/v1/timelines/public?local=true&only_media=true&min_id=${r.first.id}&limit=40`);
    expect(r.any[1]).toBe(`update ${r.missed.id} public:local:media`);
  });

  it('public, remote', async () => {
    const r = await missOne((m, l, o) => m.streamPublic(l, { ...o, remote: true }), (f) => f.postStatus({ local: false }));
    expect(r.rec.log).toEqual([`update ${r.first.id}`, `update ${r.missed.id}`]);
    expect(r.urls[0]).toBe(`/api/v1/timelines/public?remote=true&min_id=${r.first.id}&limit=40`);
  });

  it('hashtag, local', async () => {
    const r = await missOne((m, l, o) => m.streamHashtag('Café', l, { ...o, local: true }), (f) => f.postStatus({ tags: ['café'] }));
    expect(r.rec.log).toEqual([`update ${r.first.id}`, `update ${r.missed.id}`]);
    expect(r.urls[0]).toBe(`/api/v1/timelines/tag/Caf%C3%A9?local=true&min_id=${r.first.id}&limit=40`);
    expect(r.any[1]).toBe(`update ${r.missed.id} hashtag:local:Café`);
  });

  it('list', async () => {
    const r = await missOne((m, l, o) => m.streamList('12', l, o), (f) => f.postStatus({ lists: ['12'] }));
    expect(r.rec.log).toEqual([`update ${r.first.id}`, `update ${r.missed.id}`]);
    expect(r.urls[0]).toBe(`/api/v1/timelines/list/12?min_id=${r.first.id}&limit=40`);
    expect(r.any[1]).toBe(`update ${r.missed.id} list:12`);
  });

  it('user:notification', async () => {
    const r = await missOne((m, l, o) => m.streamUserNotification(l, o), (f) => f.notify('reblog'));
    expect(r.rec.log).toEqual([`notification ${r.first.id}`, `notification ${r.missed.id}`]);
    expect(r.urls[0]).toBe(`/api/v1/notifications?min_id=${r.first.id}&limit=80`);
  });

  it('direct: conversations page by their last status id', async () => {
    const r = await missOne((m, l, o) => m.streamDirect(l, o), (f) => f.converse());
    const first = r.first as unknown as { id: string; last_status: { id: string } };
    const missed = r.missed as unknown as { id: string; last_status: { id: string } };
    expect(r.rec.log).toEqual([`conversation ${first.id}/${first.last_status.id}`, `conversation ${missed.id}/${missed.last_status.id}`]);
    expect(r.urls[0]).toBe(`/api/v1/conversations?min_id=${first.last_status.id}&limit=40`);
  });

  it('direct: a conversation with a new last status counts as new', async () => {
    const { fake, mastodon } = await setup();
    const rec = recorder();
    await baselined(keep(mastodon.streamDirect(rec.listener, OPTS)));
    const c1 = fake.converse();
    await until(() => rec.log.length === 1, { what: 'a live event' });
    fake.stall();
    const c1b = fake.converse({ conversationId: c1.id });
    await reconnect(fake);
    await until(() => rec.log.length === 2, { what: 'the catch-up' });
    expect(rec.log).toEqual([`conversation ${c1.id}/${c1.last_status.id}`, `conversation ${c1.id}/${c1b.last_status.id}`]);
  });
});

describe('catchUp over the WebSocket transport', () => {
  it('fills the gap of every stream on the shared socket after it drops', async () => {
    const f = await start();
    const mastodon = new Mastodon({ apiBaseUrl: f.apiUrl, accessToken: f.token, transport: 'websocket', WebSocket } as MastodonOptions);
    const user = recorder();
    const cats = recorder();
    await baselined(keep(mastodon.streamUser(user.listener, OPTS)), 2);
    await baselined(keep(mastodon.streamHashtag('cats', cats.listener, OPTS)));
    const s1 = f.postStatus({ tags: ['cats'] });
    const n1 = f.notify('favourite');
    await until(() => user.log.length === 2 && cats.log.length === 1, { what: 'live events' });

    f.stall();
    const s2 = f.postStatus({ tags: ['cats'] });
    const n2 = f.notify('mention');
    const s3 = f.postStatus();
    const before = f.requests.filter((r) => r.kind === 'ws').length;
    f.dropConnections();
    await until(() => f.requests.filter((r) => r.kind === 'ws').length > before, { what: 'a new socket' });
    await until(() => user.log.length === 5 && cats.log.length === 2, { what: 'the catch-up' });
    // The catch-up asks once more for statuses newer than s2 (an empty page ends it); a status
    // posted before that request would come through the catch-up instead of live.
    await until(() => restUrls(f, '/api/v1/timelines/tag/').length === 2, { what: "the catch-up's last page" });
    const s4 = f.postStatus({ tags: ['cats'] });
    await until(() => user.log.length === 6 && cats.log.length === 3, { what: 'live events after the catch-up' });

    expect(user.log).toEqual([`update ${s1.id}`, `notification ${n1.id}`, `update ${s2.id}`, `update ${s3.id}`, `notification ${n2.id}`, `update ${s4.id}`]);
    expect(cats.log).toEqual([`update ${s1.id}`, `update ${s2.id}`, `update ${s4.id}`]);
    expect(cats.any).toEqual([`update ${s1.id} hashtag:cats`, `update ${s2.id} hashtag:cats`, `update ${s4.id} hashtag:cats`]);
    expect(restUrls(f, '/api/v1/timelines/tag/')).toEqual([
      `/api/v1/timelines/tag/cats?min_id=${s1.id}&limit=40`,
      `/api/v1/timelines/tag/cats?min_id=${s2.id}&limit=40`,
    ]);
  });
});
