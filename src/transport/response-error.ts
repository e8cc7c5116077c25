import { parseRetryAfter } from '../backoff.js';
import { MastodonNetworkError } from '../errors/MastodonNetworkError.js';
import { clock, lenientDecoder, setTimer } from '../platform.js';

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

/** A refused stream: fatal for 400 (bad channel or parameter), 401 (bad token or scope) and 404 (no such endpoint). */
export const refusal = (what: string, status: number, serverMessage?: string, retryAfterSec?: number): MastodonNetworkError =>
  new MastodonNetworkError(answered(what, status, serverMessage), {
    status,
    serverMessage,
    retryAfterSec,
    fatal: status == 400 || status == 401 || status == 404,
  });

/**
 * A non-200 answer to a stream request, as a `MastodonNetworkError` (see `refusal`). Only the
 * first few kilobytes of the body are read, for at most `ms` (the read timeout: a body that
 * stalls does not hold the attempt for requestTimeoutSec): they are only for the message, and
 * a proxy's error page may be large, or never end, or stall.
 */
export async function errorFromResponse(res: Response, path: string, ms: number): Promise<MastodonNetworkError> {
  let body = '';
  const reader = res.body?.getReader();
  // Cancelling ends a pending read (done): the loop stops with what came.
  const cancel = () => void reader?.cancel().catch(() => {});
  const timer = setTimer(cancel, ms);
  try {
    const decoder = lenientDecoder();
    for (let chunk; reader && body.length < 4096 && !(chunk = await reader.read()).done; ) body += decoder.decode(chunk.value, { stream: true });
  } catch {
    // the body is only for the message
  }
  clock.clear(timer);
  cancel();
  const status = res.status;
  const error = refusal(path, status, serverMessageOf(body) ?? res.headers.get('x-error-message') ?? undefined, parseRetryAfter(res.headers.get('retry-after'), clock.now()));
  if (status == 404) error.message += ". No SSE here; try transport: 'websocket'";
  return error;
}
