/**
 * The token, searched for in everything the library shows: error messages and fields, the
 * cause chain, stacks, and what util.inspect (every depth, hidden properties too) and
 * JSON.stringify print of an error and of a handle.
 */
import { describe, expect, it } from 'vitest';
import { Mastodon, MastodonMalformedEventError, MastodonNetworkError } from '../../src/index.js';
import { record, until, useCleanup } from '../kit/index.js';
import { answer, hostileServer, sse } from '../kit/hostile-server.js';
import { shown } from '../kit/shown.js';

const { keep } = useCleanup();
const TOKEN = 'SECRET-7f3a9c-token';

describe('the token is in nothing the library shows', () => {
  it('a handle: console.log / util.inspect / JSON.stringify', async () => {
    const s = keep(await hostileServer((_req, res) => sse(res)));
    const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN });
    const r = record();
    const h = keep(m.streamUser(r.listener, { runAsync: true, reconnectAsync: true }));
    await until(() => r.calls.length >= 1, { what: 'the greeting' });
    // It did go out, in the header.
    expect(s.requests[0]!.headers.authorization).toBe('Bearer ' + TOKEN);
    // c136974: the handle kept it in a plain property.
    expect(shown(h)).not.toContain('SECRET');
  });

  it('MastodonMalformedEventError: the data, the JSON parser’s excerpt in the cause, the stacks', async () => {
    // A server that echoes the token inside a payload that is not JSON.
    const s = keep(await hostileServer((req, res) => sse(res, `event: update\ndata: {"echo": "${String(req.headers.authorization)}" oops}\n\n`)));
    const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN });
    const r = record();
    const err = (await m.streamUser(r.listener).catch((e: unknown) => e)) as MastodonMalformedEventError;
    expect(err).toBeInstanceOf(MastodonMalformedEventError);
    expect(err.reason).toBe('Bad JSON');
    // What is left says what was wrong, without the token.
    expect(err.data).toBe('{"echo": "Bearer [redacted]" oops}');
    expect(err.cause).toBeInstanceOf(SyntaxError);
    // c136974: data and the SyntaxError's excerpt held the token.
    expect(shown(err)).not.toContain('SECRET');
    expect(shown(r.aborts()[0])).not.toContain('SECRET');
  });

  it('a refusal that quotes the token, in its JSON error and in X-Error-Message', async () => {
    const s = keep(
      await hostileServer((req, res) =>
        answer(res, 401, JSON.stringify({ error: `Invalid access token ${req.headers.authorization}` }), { 'x-error-message': String(req.headers.authorization) }),
      ),
    );
    const m = new Mastodon({ apiBaseUrl: s.url, streamingBaseUrl: s.url, accessToken: TOKEN });
    const err = (await m.streamUser({}).catch((e: unknown) => e)) as MastodonNetworkError;
    expect(err.status).toBe(401);
    expect(err.message).toBe('/api/v1/streaming/user answered 401: Invalid access token Bearer [redacted]');
    expect(shown(err)).not.toContain('SECRET');
  });

  it('a runtime error that quotes the header, down the cause chain (message and stack)', async () => {
    // As undici does for a header value it refuses: "Bearer <token>" is an invalid header value.
    const fetchFn = (async (_url: string, init: RequestInit) => {
      const auth = (init.headers as Record<string, string>).Authorization;
      throw new TypeError('fetch failed', { cause: new TypeError(`Headers.append: "${auth}" is an invalid header value.`) });
    }) as unknown as typeof fetch;
    const m = new Mastodon({ apiBaseUrl: 'https://mastodon.example', streamingBaseUrl: 'https://mastodon.example', accessToken: TOKEN, fetch: fetchFn });
    const err = (await m.streamUser({}).catch((e: unknown) => e)) as MastodonNetworkError;
    // The host and the cause are named (issue 15), with the token redacted in the quoted cause too.
    expect(err.message).toBe('Connection to https://mastodon.example/api/v1/streaming/user failed (TypeError: Headers.append: "Bearer [redacted]" is an invalid header value.)');
    expect(((err.cause as Error).cause as Error).message).toBe('Headers.append: "Bearer [redacted]" is an invalid header value.');
    // c136974: only the top-level message was scrubbed.
    expect(shown(err)).not.toContain('SECRET');
  });
});
