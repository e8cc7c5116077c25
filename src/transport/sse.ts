// Value imports in the order that lays the script-tag bundle out smallest (docs/size.md).
import { MastodonError } from '../errors/MastodonError.js';
import { MastodonNetworkError } from '../errors/MastodonNetworkError.js';
import { createSseParser } from '../sse/parser.js';
import { ssePath } from '../streams.js';
import { errorFromResponse } from './response-error.js';
import { toPayload } from '../payload.js';
import type { ClientContext, Transport } from './types.js';

/**
 * Mastodon's Server-Sent Events endpoints, read with `fetch` and `response.body`: one HTTP
 * request per stream, the token in the `Authorization` header only.
 */
export const sseTransport = (c: ClientContext): Transport => ({
  async _connect(spec, hooks, signal, o) {
    const path = ssePath(spec);
    const { accessToken: token, userAgent: agent } = c._o;
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (token) headers.Authorization = 'Bearer ' + token;
    if (agent) headers['User-Agent'] = agent;
    // Discovery (shared by every stream of the client) is left at once when the signal aborts:
    // close() does not wait for it. It rejects only with a MastodonError (a refused downgrade).
    const url = (await c._base(signal)) + path;
    let res: Response;
    try {
      // credentials: 'omit' because Mastodon answers `Access-Control-Allow-Origin: *` without
      // allow-credentials; cache: 'no-store' so no layer tries to keep an endless body.
      res = await c._fetch()(url, { headers, signal, credentials: 'omit', cache: 'no-store' });
    } catch (cause) {
      // The URL (so the host) and the reason, which undici keeps one `cause` down (fetch failed
      // ← ENOTFOUND, ECONNREFUSED, a certificate error); other runtimes throw it directly.
      throw new MastodonNetworkError(`Connection to ${url} failed (${(cause as Error).cause ?? cause})`, { cause });
    }
    // A refusal's body is only for the message: it gets the read timeout, not requestTimeoutSec.
    if (res.status != 200) throw await errorFromResponse(res, path, o.timeoutSec * 1000);
    const type = res.headers.get('content-type');
    const reader = res.body?.getReader();
    try {
      // Compared as RFC 9110 says: case-insensitive, parameters ignored (one anchored pass; the
      // runtime has trimmed the value).
      if (!reader || (type && !/^text\/event-stream\s*(;|$)/i.test(type))) throw new MastodonNetworkError(`${path} answered ${type}, not an event stream`, { status: 200 });
      hooks._open();
      const feed = createSseParser((name, data) => hooks._event(name, toPayload(name, data)), hooks._heartbeat, o.maxEventBytes);
      for (let chunk; !(chunk = await reader.read()).done; ) {
        hooks._activity();
        feed(chunk.value);
      }
    } catch (err) {
      // Not an event stream, malformed input or a lost connection: release the body at once.
      void reader?.cancel().catch(() => {});
      throw err instanceof MastodonError ? err : new MastodonNetworkError('Connection to ' + path + ' lost', { cause: err });
    }
  },
});
