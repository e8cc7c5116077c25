/** The async iterator: its ending error is thrown once, whichever way the loop learns of it. */
import { describe, expect, it } from 'vitest';
import { Mastodon, MastodonNetworkError } from '../../src/index.js';
import { until, useCleanup } from '../kit/index.js';
import { answer, hostileServer, sse } from '../kit/hostile-server.js';

const { keep } = useCleanup();
const client = (url: string) => new Mastodon({ apiBaseUrl: url, streamingBaseUrl: url, accessToken: 'iter-secret' });

describe('the error that ends a stream() loop', () => {
  it('thrown once when next() was already waiting for it; then done', async () => {
    let refuse!: () => void;
    const s = keep(
      await hostileServer(async (_req, res) => {
        await new Promise<void>((resolve) => (refuse = resolve));
        answer(res, 401, '{"error":"Invalid access token"}');
      }),
    );
    const it = client(s.url).stream('user');
    const first = it.next();
    await until(() => s.count() == 1, { what: 'the request' });
    refuse();
    const err = await first.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MastodonNetworkError);
    expect((err as Error).message).toBe('/api/v1/streaming/user answered 401: Invalid access token');
    // c136974: the same error again.
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('thrown once when the stream had ended before next() was called; then done', async () => {
    const s = keep(await hostileServer((_req, res) => answer(res, 401, '{"error":"Invalid access token"}')));
    const it = client(s.url).stream('user');
    await until(() => s.count() == 1, { what: 'the request' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(it.next()).rejects.toThrow('/api/v1/streaming/user answered 401: Invalid access token');
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('events queued before the end are yielded first, then the end', async () => {
    const s = keep(await hostileServer((_req, res) => (sse(res, 'event: delete\ndata: 5\n\n'), void setTimeout(() => res.end(), 50))));
    const got: unknown[] = [];
    const loop = (async () => {
      for await (const e of client(s.url).stream('user')) got.push(e);
    })();
    // Without reconnectAsync a clean end ends the loop with its error.
    await expect(loop).rejects.toThrow('The server ended the stream');
    expect(got).toEqual([{ event: 'delete', payload: '5', stream: ['user'] }]);
  });
});
