import { parseRetryAfter } from '../backoff.js';
import { MastodonNetworkError } from '../errors/MastodonNetworkError.js';
import { clock } from '../platform.js';
import { readText } from '../request.js';

/** The server's `error` message from a JSON body `{"error": "…"}`, if there is one. */
export function serverMessageOf(body: string): string | undefined {
  try {
    const error = JSON.parse(body)?.error;
    if (typeof error == 'string') return error;
  } catch {
    // not JSON: a proxy's HTML page, say
  }
}

/** `… answered 401: Invalid access token`: how every refusal reads (SSE, WebSocket, catch-up's REST calls). */
export const answered = (what: string, status: number, serverMessage?: string): string =>
  `${what} answered ${status}${serverMessage ? ': ' + serverMessage : ''}`;

/**
 * A refused stream: fatal for 400 (bad channel or parameter), 401 (bad token or scope) and 404
 * (no such endpoint); `retryAfter` is the `Retry-After` header, if any.
 */
export const refusal = (what: string, status: number, serverMessage?: string, retryAfter?: string | null): MastodonNetworkError =>
  new MastodonNetworkError(answered(what, status, serverMessage), {
    status,
    serverMessage,
    retryAfterSec: parseRetryAfter(retryAfter as string | null, clock.now()),
    fatal: status == 400 || status == 401 || status == 404,
  });

/**
 * A non-200 answer to a stream request, as a `MastodonNetworkError` (see `refusal`). The body
 * is only for the message: what of it comes within `ms` (the read timeout: a body that stalls
 * does not hold the attempt for requestTimeoutSec), up to 1 MiB (an error page that never ends
 * gives none).
 */
export async function errorFromResponse(res: Response, path: string, ms: number): Promise<MastodonNetworkError> {
  const body = await readText(res, path, ms).catch(() => '');
  const status = res.status;
  const error = refusal(path, status, serverMessageOf(body) ?? res.headers.get('x-error-message') ?? undefined, res.headers.get('retry-after'));
  if (status == 404) error.message += ". No SSE here; try transport: 'websocket'";
  return error;
}
