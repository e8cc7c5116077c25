import type { MastodonNetworkError } from '../../errors/MastodonNetworkError.js';
import { refusal } from '../response-error.js';
import type { ClientContext } from '../types.js';

/** What the supervisor hears from a socket. */
export interface SocketEvents {
  _open(): void;
  _message(data: string): void;
  /** The server's ping (only where the class shows it: `ws`). */
  _alive(): void;
  /** The socket is gone; `refused`: the upgrade's answer, where the class shows it. */
  _close(code: number, refused?: MastodonNetworkError): void;
}

/**
 * One socket, whichever class made it: the socket itself, given an `_end` of ours (the
 * minifier's short name for it must be no member of either class: neither has a one-letter
 * member, and `ws`'s `on` is its only two-letter one).
 */
export interface Socket {
  send(text: string): void;
  /**
   * Ends the socket at once: `ws` terminates (no waiting on a peer that ignores the close
   * handshake). Its events are not reported any more.
   */
  _end(): void;
}

export const PATH = '/api/v1/streaming';

/**
 * Opens a socket to `base` (the http(s) streaming base) with the class `WS`: a standard
 * WebSocket (browsers, Deno, Bun, Node's own) or the `ws` package's (an EventEmitter).
 *
 * - The token: in the query only on request (`tokenInQuery`); as an `Authorization` header where
 *   the class takes headers (`ws`); otherwise as the single subprotocol, as browsers allow.
 * - `ws` shows the server's pings, and a refused upgrade's status and headers (`Retry-After`):
 *   the supervisor uses both. It also refuses a frame longer than `maxPayload` from its header,
 *   before buffering it (the socket then closes with 1009). A standard WebSocket shows none of
 *   these: a refused upgrade is a close with 1006, and a message arrives whole.
 */
export const openSocket = (WS: any, base: string, o: ClientContext['_o'], maxPayload: number, on?: SocketEvents): Socket => {
  const emitter = typeof WS.prototype?.on == 'function';
  const { accessToken: token, userAgent: agent } = o;
  const headers: Record<string, string> = {};
  if (agent) headers['User-Agent'] = agent;
  let url = base.replace(/^http/, 'ws') + PATH;
  let protocol: string | undefined;
  if (token) {
    if (o.tokenInQuery) url += '?access_token=' + encodeURIComponent(token);
    else if (emitter) headers.Authorization = 'Bearer ' + token;
    else protocol = token;
  }
  const s = emitter ? new WS(url, { headers, maxPayload }) : new WS(url, protocol);
  let refused: MastodonNetworkError | undefined;
  /** `ws` refused a frame over maxPayload (it then ends the socket, locally seen as 1006): reported as 1009, "message too big". */
  let tooBig: unknown;
  s.onopen = () => on?._open();
  s.onmessage = (e: { data: string }) => on?._message(e.data);
  s.onerror = (e: { error?: { code?: string } }) => (tooBig ||= e?.error?.code == 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
  s.onclose = (e: { code: number }) => on?._close(tooBig ? 1009 : e.code, refused);
  if (emitter) {
    s.on('ping', () => on?._alive());
    s.on('unexpected-response', (_req: unknown, res: { statusCode: number; headers: Record<string, string> }) => {
      const h = res.headers;
      refused = refusal(PATH, res.statusCode, h['x-error-message'], h['retry-after']);
      s.terminate();
    });
  }
  s._end = () => {
    // What the socket does after this is not the supervisor's any more.
    on = undefined;
    emitter ? s.terminate() : s.close();
  };
  return s;
};
