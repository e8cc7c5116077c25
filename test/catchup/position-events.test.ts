// onPosition (at most once a second while the position moves, in virtual time), the reserved
// event name 'position', and gaps in the async iterator.
import { describe, expect, it } from 'vitest';
import { Mastodon, type StreamGap, type StreamPosition } from '../../src/index.js';
import { FakeClock, until, useFakeMastodon } from '../kit/index.js';

const { start, keep } = useFakeMastodon();

const OPTS = { runAsync: true, reconnectAsync: true, reconnectAsyncWaitSec: 0.05, reconnectAsyncMaxWaitSec: 0.2, timeoutSec: 30, catchUp: true } as const;

describe('onPosition', () => {
  it('at most once a second while the position moves, never while it stands still', async () => {
    const f = await start();
    const clock = new FakeClock().install();
    try {
      const positions: StreamPosition[] = [];
      const log: string[] = [];
      const m = new Mastodon({ apiBaseUrl: f.apiUrl, streamingBaseUrl: f.streamingUrl, accessToken: f.token });
      const h = keep(m.streamUser({ onUpdate: (s) => log.push(s.id), onPosition: (p) => positions.push(p) }, OPTS));
      await until(() => Object.keys(h.position()?.ids ?? {}).length === 2, { what: 'the baseline' });
      expect(positions).toEqual([]);
      await clock.advance(1000);
      expect(positions).toEqual([{ stream: ['user'], ids: { update: '0', notification: '0' } }]);

      const s = [f.postStatus(), f.postStatus(), f.postStatus()];
      await until(() => log.length === 3, { what: 'three live statuses' });
      await clock.advance(999);
      expect(positions).toHaveLength(1);
      await clock.advance(1);
      expect(positions).toHaveLength(2);
      expect(positions[1]).toEqual({ stream: ['user'], ids: { update: s[2]!.id, notification: '0' } });

      await clock.advance(5000);
      expect(positions).toHaveLength(2);
      const n = f.notify('mention');
      await until(() => h.position()!.ids.notification === n.id, { what: 'a notification' });
      await clock.advance(1000);
      expect(positions).toHaveLength(3);
      expect(positions[2]).toEqual({ stream: ['user'], ids: { update: s[2]!.id, notification: n.id } });
    } finally {
      clock.uninstall();
    }
  });

  it("is a library method: a server event named 'position' is an unknown event and never calls it", async () => {
    const f = await start();
    const calls: string[] = [];
    const m = new Mastodon({ apiBaseUrl: f.apiUrl, streamingBaseUrl: f.streamingUrl, accessToken: f.token });
    const h = keep(
      m.streamUser(
        {
          onPosition: (p) => calls.push('onPosition ' + JSON.stringify(p)),
          onUnknownEvent: (name, payload) => calls.push(`unknown ${name} ${JSON.stringify(payload)}`),
          onCatchUpGap: (g) => calls.push('onCatchUpGap ' + JSON.stringify(g)),
          onUpdate: (s) => calls.push('update ' + s.id),
        },
        { ...OPTS, catchUp: false },
      ),
    );
    await f.waitForConnections(1);
    f.publish({ stream: 'user' }, 'position', { stream: ['user'], ids: {} });
    f.publish({ stream: 'user' }, 'catch_up_gap', { reason: 'cap' });
    const s = f.postStatus();
    await until(() => calls.length === 3, { what: 'three events' });
    expect(calls).toEqual([
      'unknown position {"stream":["user"],"ids":{}}',
      'unknown catch_up_gap {"reason":"cap"}',
      `update ${s.id}`,
    ]);
    expect(h.position()).toBeUndefined();
  });
});

describe('stream() with catchUp', () => {
  it('yields a gap as { event: null, gap } in its place among the events, and has position()', async () => {
    const f = await start();
    const m = new Mastodon({ apiBaseUrl: f.apiUrl, streamingBaseUrl: f.streamingUrl, accessToken: f.token });
    const it = m.stream('hashtag', { tag: 'cats' }, { ...OPTS, catchUpMaxItems: 1 });
    const got: string[] = [];
    let gap: StreamGap | undefined;
    const loop = (async () => {
      for await (const e of it) {
        if (e.event === null) {
          gap = e;
          got.push(`gap ${e.gap.reason} ${e.gap.timeline}`);
        } else got.push(`${e.event} ${(e.payload as { id: string }).id}`);
        if (got.length === 5) break;
      }
    })();
    await until(() => it.position()?.ids.update === '0', { what: 'the baseline' });
    const s1 = f.postStatus({ tags: ['cats'] });
    await until(() => got.length === 1, { what: 'a live status' });
    f.stall();
    const missed = [f.postStatus({ tags: ['cats'] }), f.postStatus({ tags: ['cats'] })];
    f.dropConnections();
    await until(() => got.length === 3, { what: 'the catch-up' });
    const live = f.postStatus({ tags: ['cats'] });
    const live2 = f.postStatus({ tags: ['cats'] });
    await loop;
    expect(got).toEqual([`update ${s1.id}`, `update ${missed[0]!.id}`, 'gap cap /api/v1/timelines/tag/cats', `update ${live.id}`, `update ${live2.id}`]);
    expect(gap).toEqual({ event: null, gap: { timeline: '/api/v1/timelines/tag/cats', sinceId: missed[0]!.id, reason: 'cap', missing: [{ timeline: '/api/v1/timelines/tag/cats', sinceId: missed[0]!.id }] } });
    expect(it.position()).toEqual({ stream: ['hashtag', 'cats'], ids: { update: live2.id } });
  });
});
