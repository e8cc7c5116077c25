// Fault injection: a few hundred statuses and notifications are published while every kind of
// disconnect is forced again and again. With catchUp: true, each of the user, public, hashtag
// and list streams must deliver every published item exactly once and in order.
import { expect, it } from 'vitest';
import { Mastodon, MastodonNetworkError, MastodonReadTimeout, StreamListener, type CatchUpGap } from '../src/index.js';
import { FakeClock, sleep, stubOnline, until, useFakeMastodon, type FakeMastodon } from './kit/index.js';

const { start, keep, defer } = useFakeMastodon();
const { goOnline } = stubOnline();

type Kind = 'drop mid-event' | 'clean end' | '5xx' | '429' | 'stall' | 'online';
const KINDS: Kind[] = ['drop mid-event', 'clean end', '5xx', '429', 'stall', 'online'];

/** Which kind of disconnect an error that reached onAbort stands for. */
function kindOf(err: Error): Kind | 'other' {
  if (err instanceof MastodonReadTimeout) return 'stall';
  if (!(err instanceof MastodonNetworkError)) return 'other';
  if (err.status === 429 && err.retryAfterSec === 0) return '429';
  if (err.status === 503) return '5xx';
  if (err.message === 'Back online') return 'online';
  if (err.message === 'The server ended the stream') return 'clean end';
  if (/^Connection to \/api\/v1\/streaming\/.* lost$/.test(err.message)) return 'drop mid-event';
  return 'other';
}

class Recorder extends StreamListener {
  updates: string[] = [];
  notifications: string[] = [];
  aborts: Error[] = [];
  gaps: CatchUpGap[] = [];
  constructor(readonly name: string) {
    super();
  }
  override onUpdate(s: { id: string }) {
    this.updates.push(s.id);
  }
  override onNotification(n: { id: string }) {
    this.notifications.push(n.id);
  }
  override onAbort(err: Error) {
    this.aborts.push(err);
  }
  onCatchUpGap(gap: CatchUpGap) {
    this.gaps.push(gap);
  }
}

it('delivers every published item exactly once and in order through 20+ disconnects of every kind', { timeout: 180_000 }, async () => {
  // The library's time runs with the test's progress (FakeClock.run): a loaded machine slows it
  // down rather than turning a slow round trip into a read timeout, or a stalled event loop
  // into a "frozen runtime". The fake's heartbeats and this test's pacing stay in real time.
  const clock = keep(new FakeClock().install());
  defer(clock.run(10));
  const f = await start({ heartbeatMs: 100, rateLimit: { limit: 1_000_000, windowMs: 300_000 } });
  const mastodon = new Mastodon({ apiBaseUrl: f.apiUrl, streamingBaseUrl: f.streamingUrl, accessToken: f.token });
  const opts = { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.02, reconnectAsyncMaxWaitSec: 0.1, timeoutSec: 0.5, catchUp: true } as const;
  const user = new Recorder('user');
  const pub = new Recorder('public');
  const tag = new Recorder('hashtag');
  const list = new Recorder('list');
  const recorders = [user, pub, tag, list];
  keep(mastodon.streamUser(user, opts));
  keep(mastodon.streamPublic(pub, opts));
  keep(mastodon.streamHashtag('cats', tag, opts));
  keep(mastodon.streamList('12', list, opts));
  await f.waitForConnections(4);

  // What each stream must deliver, in publication order (ids only grow).
  const expected = { user: [] as string[], userNotifications: [] as string[], public: [] as string[], hashtag: [] as string[], list: [] as string[] };
  let published = 0;
  let tick = 0;
  const publish = () => {
    tick++;
    const tags = tick % 2 ? ['cats'] : [];
    const lists = tick % 3 ? [] : ['12'];
    const s = f.postStatus({ tags, lists });
    published++;
    expected.user.push(s.id);
    expected.public.push(s.id);
    if (tags.length) expected.hashtag.push(s.id);
    if (lists.length) expected.list.push(s.id);
    if (tick % 3 === 1) {
      expected.userNotifications.push(f.notify('favourite').id);
      published++;
    }
  };

  // Every stream has seen an item of each kind before the first fault (catch-up starts from
  // the newest id received).
  publish();
  publish();
  publish();
  const settled = () =>
    user.updates.length === expected.user.length && user.notifications.length === expected.userNotifications.length &&
    pub.updates.length === expected.public.length && tag.updates.length === expected.hashtag.length && list.updates.length === expected.list.length;
  await until(settled, { what: 'the first items on every stream' });

  const sseRequests = () => f.requests.filter((r) => r.kind === 'sse').length;
  /** Publishes while waiting until all four streams have connected again after `before` requests. */
  const publishUntilReconnected = async (before: number, need = 4) => {
    for (let i = 0; i < 300 && (sseRequests() < before + need || f.sseConnections() < 4); i++) {
      publish();
      await sleep(8);
    }
    for (let i = 0; i < 4; i++) {
      publish();
      await sleep(8);
    }
  };

  const t0 = Date.now();
  const ROUNDS = 6;
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of KINDS) {
      const before = sseRequests();
      switch (kind) {
        case 'drop mid-event':
          await f.writeRaw('event: update\ndata: {"id":"9'); // cut inside the payload
          f.dropConnections();
          break;
        case 'clean end':
          f.endStreams();
          break;
        case '5xx':
          f.failNext(4, 503);
          f.endStreams();
          break;
        case '429':
          f.failNext(4, 429, { retryAfter: 0 });
          f.endStreams();
          break;
        case 'stall':
          f.stall();
          break;
        case 'online':
          goOnline();
          break;
      }
      // A refused reconnect is one more request before the stream is back.
      await publishUntilReconnected(before, kind === '5xx' || kind === '429' ? 8 : 4);
    }
  }
  f.clearFaults();
  const faultMs = Date.now() - t0;
  for (let i = 0; i < 5; i++) {
    publish();
    await sleep(8);
  }
  await until(settled, { what: 'every item on every stream', timeoutMs: 15_000 });
  // A last status on all four streams: once each has delivered it, anything delivered twice
  // before it has shown (the streams deliver in order), without a "quiet for a while" window.
  const last = f.postStatus({ tags: ['cats'], lists: ['12'] });
  published++;
  for (const k of ['user', 'public', 'hashtag', 'list'] as const) expected[k].push(last.id);
  await until(() => recorders.every((r) => r.updates.at(-1) === last.id), { what: 'the last status on every stream' });

  const figures: string[] = [];
  const check = (r: Recorder, what: string, delivered: string[], want: string[]) => {
    const set = new Set(delivered);
    const wanted = new Set(want);
    const duplicates = delivered.length - set.size;
    const lost = want.filter((id) => !set.has(id)).length;
    const unexpected = delivered.filter((id) => !wanted.has(id)).length;
    const inOrder = delivered.every((id, i) => i === 0 || id.padStart(24) > delivered[i - 1]!.padStart(24));
    figures.push(`${`${r.name} ${what}`.padEnd(22)} published ${String(want.length).padStart(4)}  delivered ${String(delivered.length).padStart(4)}  duplicates ${duplicates}  lost ${lost}  unexpected ${unexpected}  in order ${inOrder}`);
    return { duplicates, lost, unexpected, inOrder };
  };
  const results = [
    check(user, 'statuses', user.updates, expected.user),
    check(user, 'notifications', user.notifications, expected.userNotifications),
    check(pub, 'statuses', pub.updates, expected.public),
    check(tag, 'statuses', tag.updates, expected.hashtag),
    check(list, 'statuses', list.updates, expected.list),
  ];
  const tally = Object.fromEntries([...KINDS, 'other'].map((k) => [k, 0])) as Record<Kind | 'other', number>;
  for (const r of recorders) for (const e of r.aborts) tally[kindOf(e)]++;
  const reconnects = sseRequests() - 4;
  const restRequests = f.requests.filter((r) => r.kind === 'rest').length;
  console.log(
    [
      `fault injection: ${published} items published (${expected.user.length} statuses, ${expected.userNotifications.length} notifications) in ${faultMs} ms of faults`,
      ...figures,
      `disconnects by kind: ${Object.entries(tally).map(([k, n]) => `${k} ${n}`).join(', ')}`,
      `reconnects ${reconnects}, REST requests ${restRequests}, gaps ${recorders.reduce((n, r) => n + r.gaps.length, 0)}`,
    ].join('\n'),
  );

  for (const r of results) expect(r).toEqual({ duplicates: 0, lost: 0, unexpected: 0, inOrder: true });
  expect(user.updates).toEqual(expected.user);
  expect(user.notifications).toEqual(expected.userNotifications);
  expect(pub.updates).toEqual(expected.public);
  expect(tag.updates).toEqual(expected.hashtag);
  expect(list.updates).toEqual(expected.list);
  for (const r of recorders) expect(r.gaps).toEqual([]);
  for (const k of KINDS) expect(tally[k]).toBeGreaterThanOrEqual(20);
  expect(tally.other).toBe(0);
  expect(published).toBeGreaterThanOrEqual(300);
});
