// Injected failures: failNext / failNextRest / replyRaw, and how a fault is written
// (as an HTTP response, or as a raw refusal of a WebSocket upgrade).

import { STATUS_CODES } from 'node:http';

/**
 * @typedef {'sse' | 'ws' | 'rest' | 'any' | 'streaming'} FaultKind
 * @typedef {{ retryAfter?: number, body?: string, headers?: Record<string, string>, kind?: FaultKind, message?: string }} FailOptions
 * @typedef {{ remaining: number, status: number, opts: FailOptions, kind: FaultKind, raw: boolean }} Fault
 * @typedef {{ status: number, headers: Record<string, string>, body: string }} CannedResponse
 */

/** @param {number} status */
function proxyPage(status) {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

export class Faults {
  constructor() {
    /** @type {Fault[]} */
    this.queue = [];
    /**
     * A 401 from failNext on a WebSocket upgrade, kept for the HTTP probe that follows with the
     * same token (a browser cannot read the upgrade's status, so the client asks over HTTP): the
     * real server's 401 comes from the token, so it answers both. Kept for 5 s at most.
     * @type {{ token: string | undefined, response: CannedResponse, until: number } | undefined}
     */
    this.probe = undefined;
  }

  /** @param {number} n @param {number} status @param {FailOptions} [opts] */
  failNext(n, status, opts = {}) {
    if (n > 0) this.queue.push({ remaining: n, status, opts, kind: opts.kind ?? 'streaming', raw: false });
  }

  /** @param {{ status: number, headers?: Record<string, string>, body?: string, kind?: FaultKind }} r */
  replyRaw(r) {
    this.queue.push({ remaining: 1, status: r.status, opts: { headers: r.headers ?? {}, body: r.body ?? '', kind: r.kind }, kind: r.kind ?? 'streaming', raw: true });
  }

  clear() {
    this.queue.length = 0;
  }

  /**
   * Take the next fault that applies to a request of this kind.
   * @param {'sse' | 'ws' | 'rest'} kind @param {string} [token] the request's token (streaming requests)
   * @returns {CannedResponse | undefined}
   */
  take(kind, token) {
    const p = this.probe;
    if (p && kind === 'sse' && p.token === token && Date.now() < p.until) {
      this.probe = undefined;
      return p.response;
    }
    const i = this.queue.findIndex(
      (f) => f.kind === kind || f.kind === 'any' || (f.kind === 'streaming' && (kind === 'sse' || kind === 'ws')),
    );
    if (i < 0) return undefined;
    const f = /** @type {Fault} */ (this.queue[i]);
    f.remaining -= 1;
    if (f.remaining <= 0) this.queue.splice(i, 1);
    if (kind === 'ws' && f.status === 401 && !f.raw) this.probe = { token, response: cannedFault(401, f.opts, 'sse'), until: Date.now() + 5000 };
    return f.raw ? { status: f.status, headers: f.opts.headers ?? {}, body: f.opts.body ?? '' } : cannedFault(f.status, f.opts, kind);
  }
}

/**
 * The response a fault produces.
 * @param {number} status @param {FailOptions} opts @param {'sse' | 'ws' | 'rest'} kind
 * @returns {CannedResponse}
 */
export function cannedFault(status, opts, kind) {
  /** @type {Record<string, string>} */
  const headers = {};
  let body;
  let message = opts.message;
  if (status === 401) message ??= kind === 'rest' ? 'The access token is invalid' : 'Invalid access token';
  else if (status === 500) message ??= 'An unexpected error occurred';
  else if (status === 429 && kind === 'rest') message ??= 'Too many requests';
  if (opts.body !== undefined) {
    body = opts.body;
  } else if (message === undefined && (status === 429 || status === 502 || status === 503 || status === 504)) {
    headers['Content-Type'] = 'text/html';
    body = proxyPage(status);
  } else {
    headers['Content-Type'] = kind === 'rest' ? 'application/json; charset=utf-8' : 'application/json';
    body = JSON.stringify({ error: message ?? STATUS_CODES[status] ?? 'Error' });
  }
  if (message !== undefined) headers['X-Error-Message'] = message;
  if (opts.retryAfter !== undefined) headers['Retry-After'] = String(opts.retryAfter);
  Object.assign(headers, opts.headers ?? {});
  return { status, headers, body };
}

/**
 * Refuse a WebSocket upgrade with a raw HTTP response, then destroy the socket
 * (what the real streaming server does on a failed authentication).
 * @param {import('node:net').Socket} socket @param {CannedResponse} r
 */
export function refuseUpgrade(socket, r) {
  const lines = [`HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? 'Error'}`, 'Connection: close'];
  const headers = { ...r.headers };
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'x-error-message')) {
    try {
      const parsed = JSON.parse(r.body);
      if (parsed && typeof parsed.error === 'string') headers['X-Error-Message'] = parsed.error;
    } catch {
      /* not JSON */
    }
  }
  const body = Buffer.from(r.body ?? '');
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() !== 'content-length') lines.push(`${k}: ${v}`);
  lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n');
  if (socket.destroyed) return;
  socket.write(Buffer.concat([head, body]), () => socket.destroy());
  setTimeout(() => socket.destroy(), 1000).unref();
}
