import { abortController, clearTimer, setTimer } from './platform.js';
import { streamingBaseFrom } from './url.js';

/**
 * Mastodon.py's `__get_streaming_base`: `GET /api/v2/instance` → `configuration.urls.streaming`,
 * else `GET /api/v1/instance` → `urls.streaming_api`; when both fail or say nothing, the API
 * base itself. No token is sent (the instance endpoints are public, and a header-less GET
 * needs no CORS preflight).
 *
 * Returns the base and whether it is worth caching: an answer is, a network failure is not
 * (the next connection asks again rather than sticking to a guess forever).
 */
export async function discoverStreamingBase(
  apiBaseUrl: string,
  fetchFn: typeof fetch,
  timeoutMs: number,
): Promise<{ base: string; cache: boolean }> {
  let answered = false;
  const read = async (path: string, pick: (json: any) => unknown): Promise<string | undefined> => {
    const ac = abortController();
    const timer = setTimer(() => ac.abort(), timeoutMs);
    try {
      const res = await fetchFn(apiBaseUrl + path, { headers: { Accept: 'application/json' }, signal: ac.signal, credentials: 'omit' });
      if (!res.ok) {
        void res.body?.cancel().catch(() => {});
        // 404 and friends are answers too: this server has no such endpoint.
        if (res.status < 500) answered = true;
        return undefined;
      }
      answered = true;
      return streamingBaseFrom(pick(await res.json()));
    } catch {
      return undefined;
    } finally {
      clearTimer(timer);
    }
  };
  const base =
    (await read('/api/v2/instance', (j) => j?.configuration?.urls?.streaming)) ??
    (await read('/api/v1/instance', (j) => j?.urls?.streaming_api));
  return { base: base ?? apiBaseUrl, cache: base !== undefined || answered };
}
