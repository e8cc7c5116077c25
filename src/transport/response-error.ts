import { parseRetryAfter } from '../backoff.js';
import { MastodonNetworkError } from '../errors/MastodonNetworkError.js';
import { lenientDecoder, now } from '../platform.js';

/** The server's `error` message from a JSON body `{"error": "…"}`, if there is one. */
export function serverMessageOf(body: string): string | undefined {
  try {
    const error = JSON.parse(body)?.error;
    if (typeof error == 'string') return error;
  } catch {
    // not JSON: a proxy's HTML page, say
  }
}

/**
 * A non-200 answer to a stream request, as a `MastodonNetworkError`: fatal for 400 (bad
 * channel or parameter), 401 (bad token or scope) and 404 (no such endpoint). Only the first
 * few kilobytes of the body are read: they are only for the message, and a proxy's error page
 * may be large.
 */
export async function errorFromResponse(res: Response, path: string): Promise<MastodonNetworkError> {
  const status = res.status;
  let body = '';
  const reader = res.body?.getReader();
  try {
    const decoder = lenientDecoder();
    for (let chunk; reader && body.length < 4096 && !(chunk = await reader.read()).done; ) body += decoder.decode(chunk.value, { stream: true });
  } catch {
    // the body is only for the message
  }
  void reader?.cancel().catch(() => {});
  const serverMessage = serverMessageOf(body) ?? res.headers.get('x-error-message') ?? undefined;
  let message = `${path} answered ${status}${serverMessage ? ': ' + serverMessage : ''}`;
  if (status == 404) message += ". This server has no SSE streaming here; try transport: 'websocket'";
  return new MastodonNetworkError(message, {
    status,
    serverMessage,
    retryAfterSec: parseRetryAfter(res.headers.get('retry-after'), now()),
    fatal: status == 400 || status == 401 || status == 404,
  });
}
