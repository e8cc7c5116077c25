import { parseRetryAfter } from '../backoff.js';
import { MastodonNetworkError } from '../errors/MastodonNetworkError.js';
import { lenientDecoder, now } from '../platform.js';

/** Statuses where retrying cannot help: bad channel or parameter, bad token or scope, no such endpoint. */
const FATAL = new Set([400, 401, 404]);

/** Reads at most this much of an error body, which only matters for its `error` message. */
const MAX_ERROR_BODY = 4096;

async function readSmallBody(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ERROR_BODY) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.length;
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(Math.min(size, MAX_ERROR_BODY));
  let at = 0;
  for (const p of parts) {
    const n = Math.min(p.length, all.length - at);
    all.set(p.subarray(0, n), at);
    at += n;
  }
  return lenientDecoder().decode(all);
}

/** The server's `error` message from a JSON body `{"error": "…"}`, if there is one. */
export function serverMessageOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string') {
      return (parsed as { error: string }).error;
    }
  } catch {
    // not JSON: a proxy's HTML page, say
  }
  return undefined;
}

/** A non-200 answer to a stream request, as a `MastodonNetworkError` (fatal for 400, 401, 404). */
export async function errorFromResponse(res: Response, path: string, signal?: AbortSignal): Promise<MastodonNetworkError> {
  const status = res.status;
  let body = '';
  try {
    if (!signal?.aborted) body = await readSmallBody(res);
  } catch {
    // the body is only for the message
  }
  const serverMessage = serverMessageOf(body) ?? res.headers.get('x-error-message') ?? undefined;
  const retryAfterSec = parseRetryAfter(res.headers.get('retry-after'), now());
  let message = `${path} answered ${status}${serverMessage ? `: ${serverMessage}` : ''}`;
  if (status === 404) message += ". This server has no SSE streaming here; try transport: 'websocket'";
  return new MastodonNetworkError(message, {
    status,
    ...(serverMessage !== undefined && { serverMessage }),
    ...(retryAfterSec !== undefined && { retryAfterSec }),
    fatal: FATAL.has(status),
  });
}
