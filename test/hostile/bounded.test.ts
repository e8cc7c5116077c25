/**
 * The body of a refused stream is read for the read timeout (timeoutSec), not the connect
 * timeout (requestTimeoutSec): in virtual time, exactly.
 */
import { describe, expect, it } from 'vitest';
import { Mastodon, MastodonNetworkError } from '../../src/index.js';
import { FakeClock, record, until, useCleanup } from '../kit/index.js';
import { hostileServer, stalled } from '../kit/hostile-server.js';

const { keep } = useCleanup();
const TOKEN = 'bounded-secret';

/** A promise's state, without waiting. */
function watch<T>(p: Promise<T>) {
  const w = { settled: false, value: undefined as T | undefined, error: undefined as unknown };
  p.then(
    (v) => Object.assign(w, { settled: true, value: v }),
    (e: unknown) => Object.assign(w, { settled: true, error: e }),
  );
  return w;
}

describe('a refused stream whose body stalls', () => {
  for (const [status, fatal] of [
    [503, false],
    [401, true],
  ] as const) {
    it(`${status}: the refusal after timeoutSec, not requestTimeoutSec (virtual time)`, async () => {
      const s = keep(await hostileServer((_req, res) => stalled(res, status, '{"error":"Inval')));
      const clock = keep(new FakeClock().install());
      const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN });
      const w = watch(m.streamUser({}, { timeoutSec: 5 }));
      await until(() => s.written() > 0, { what: 'the head of the body' });
      await clock.advance(4_999);
      expect(w.settled).toBe(false);
      await clock.advance(1);
      // c136974: held for requestTimeoutSec (300 s), then "No answer within 300 s" (retryable, even for a 401).
      await until(() => w.settled, { what: 'the refusal' });
      const e = w.error as MastodonNetworkError;
      expect([e.constructor, e.message, e.status, e.fatal]).toEqual([MastodonNetworkError, `/api/v1/streaming/user answered ${status}`, status, fatal]);
      await until(() => s.openSockets() == 0, { what: 'the body let go' });
      expect(clock.pending()).toBe(0);
    });
  }

  it('a 401 whose body stalls ends a reconnecting handle (fatal), after timeoutSec', async () => {
    const s = keep(await hostileServer((_req, res) => stalled(res, 401, '{"error":"Inval')));
    const clock = keep(new FakeClock().install());
    const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN });
    const r = record();
    const h = keep(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true, timeoutSec: 5 }));
    await until(() => s.written() > 0, { what: 'the head of the body' });
    await clock.advance(5_000);
    await until(() => !h.isAlive(), { what: 'the handle ended' });
    expect(r.aborts().map((e) => [e.message, (e as MastodonNetworkError).status])).toEqual([['/api/v1/streaming/user answered 401', 401]]);
    expect(s.count()).toBe(1);
  });
});
