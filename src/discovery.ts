import { bad } from './options.js';
import { get } from './request.js';
import { streamingBaseFrom } from './url.js';

/**
 * Mastodon.py's `__get_streaming_base`: `GET /api/v2/instance` → `configuration.urls.streaming`,
 * else `GET /api/v1/instance` → `urls.streaming_api`; when both fail or say nothing, the API
 * base itself. No token is sent (the instance endpoints are public, and a header-less GET
 * needs no CORS preflight). Each request is bounded by `timeoutMs`, reads at most 1 MiB, and
 * is aborted with `signal` (every stream waiting for discovery has closed).
 *
 * Returns the base when it is worth caching — an answer is (the API base itself when the server
 * has no endpoint, or names no base) — and undefined when a network failure left only the API
 * base as a guess (the next connection asks again rather than sticking to it forever). An `https` API
 * whose answer names a cleartext base is refused (`MastodonIllegalArgumentError`, an answer
 * too): the token would follow it unencrypted; `streamingBaseUrl` is the way to insist.
 */
export async function discoverStreamingBase(
  apiBaseUrl: string,
  fetchFn: typeof fetch,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<string | undefined> {
  let answered = false;
  const read = async (path: string, pick: (json: any) => unknown): Promise<string | undefined> => {
    try {
      const [status, body] = await get(fetchFn, () => apiBaseUrl, path, timeoutMs, signal);
      // 404 and friends are answers too: this server has no such endpoint. A 5xx is not.
      answered ||= status < 500;
      // (No body, an error's: JSON.parse(undefined) throws.)
      return streamingBaseFrom(pick(JSON.parse(body!)));
    } catch {
      // unreachable, timed out, aborted, over 1 MiB or not JSON: try the next one
    }
  };
  const base =
    (await read('/api/v2/instance', (j) => j?.configuration?.urls?.streaming)) ??
    (await read('/api/v1/instance', (j) => j?.urls?.streaming_api));
  // (Both are normalised: `https:` has an `s` where `http:` has its colon.)
  if (apiBaseUrl[4] == 's' && base?.[4] == ':') bad('streamingBaseUrl', 'set to stream without TLS');
  return answered ? (base ?? apiBaseUrl) : base;
}
