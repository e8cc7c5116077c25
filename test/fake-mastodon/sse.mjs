// The SSE half of the streaming server: GET /api/v1/streaming/*, one response per stream,
// plus raw wire control (writeRaw, drop, end, stall, blast) for tests.

import { HEALTH_PATH, sseStreamName, resolveStream, hasNotificationScope, matchesFilter } from './streams.mjs';
import { streamingToken } from './auth.mjs';
import { CORS, sendJson, sendCanned, sleep, turn } from './http-util.mjs';

// The streaming server sends 'application/json' without a charset.
const PLAIN_JSON = { 'Content-Type': 'application/json' };

/**
 * @typedef {{ id: number, kind: 'sse', req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse,
 *   socket: import('node:net').Socket, path: string, url: string, stream: string, cid: string, streamArray: string[],
 *   token: string, scopes: string[], notifications: boolean, stalled: boolean, closed: boolean,
 *   heartbeat: NodeJS.Timeout | undefined }} SseConnection
 * @typedef {{ path?: string | RegExp, kind?: 'sse' | 'ws' }} ConnFilter
 */

/**
 * @param {{ heartbeatMs: number, heartbeatStyle: 'modern' | 'legacy', auth: import('./auth.mjs').Auth,
 *   ownedLists: Set<string>, faults: import('./faults.mjs').Faults, changed: () => void, nextId: () => number }} ctx
 */
export function createSseHub(ctx) {
  /** @type {Set<SseConnection>} */
  const conns = new Set();
  const heartbeatBytes = ctx.heartbeatStyle === 'legacy' ? ':thump\n' : ':thump\n\n';

  /**
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {URL} url
   */
  function handle(req, res, url) {
    const path = url.pathname;
    if (req.method !== 'GET' && !(req.method === 'HEAD' && path === HEALTH_PATH)) return sendJson(res, 404, { error: 'Not found' }, PLAIN_JSON);
    if (path === HEALTH_PATH) {
      res.writeHead(200, { ...CORS, 'Content-Type': 'text/plain', 'Content-Length': '2' });
      res.end('OK');
      return;
    }
    const fault = ctx.faults.take('sse', streamingToken(req, url));
    if (fault) return sendCanned(res, fault);
    const name = sseStreamName(path, url.searchParams);
    if (!name) return sendJson(res, 400, { error: 'Unknown channel requested' }, PLAIN_JSON);
    const auth = ctx.auth.streaming(streamingToken(req, url));
    if (!auth.ok) return sendJson(res, auth.status, { error: auth.error }, PLAIN_JSON);
    const resolved = resolveStream(
      name,
      { tag: url.searchParams.get('tag') ?? undefined, list: url.searchParams.get('list') ?? undefined },
      { scopes: auth.scopes, ownedLists: ctx.ownedLists },
    );
    if (!resolved.ok) return sendJson(res, resolved.status, { error: resolved.error }, PLAIN_JSON);

    const socket = req.socket;
    socket.setNoDelay(true);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'private, no-store',
      'Transfer-Encoding': 'chunked',
      ...CORS,
    });
    res.flushHeaders();
    res.write(':)\n');
    /** @type {SseConnection} */
    const rec = {
      id: ctx.nextId(), kind: 'sse', req, res, socket, path, url: req.url ?? path, stream: name, cid: resolved.cid,
      streamArray: resolved.streamArray, token: auth.token, scopes: auth.scopes,
      notifications: name !== 'user' || hasNotificationScope(auth.scopes), stalled: false, closed: false, heartbeat: undefined,
    };
    if (ctx.heartbeatMs > 0) {
      rec.heartbeat = setInterval(() => {
        if (!rec.stalled && !rec.closed) res.write(heartbeatBytes);
      }, ctx.heartbeatMs);
    }
    const cleanup = () => {
      if (rec.closed) return;
      rec.closed = true;
      clearInterval(rec.heartbeat);
      conns.delete(rec);
      ctx.changed();
    };
    res.on('close', cleanup);
    socket.on('close', cleanup);
    conns.add(rec);
    ctx.changed();
  }

  /**
   * @param {string} cid @param {string} event @param {string} payload
   */
  function publish(cid, event, payload) {
    let text;
    for (const rec of conns) {
      if (rec.cid !== cid || rec.stalled || rec.closed) continue;
      if (event === 'notification' && !rec.notifications) continue;
      text ??= `event: ${event}\ndata: ${payload}\n\n`;
      rec.res.write(text);
    }
  }

  /** @param {ConnFilter} [filter] */
  const select = (filter) => [...conns].filter((r) => !r.closed && matchesFilter(r, filter));

  /**
   * @param {string | Uint8Array} bytes
   * @param {{ splitAt?: number[], delayMs?: number, filter?: ConnFilter }} [opts]
   */
  async function writeRaw(bytes, opts = {}) {
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const cuts = [...new Set(opts.splitAt ?? [])].filter((n) => n > 0 && n < buf.length).sort((a, b) => a - b);
    /** @type {Buffer[]} */
    const pieces = [];
    let start = 0;
    for (const c of cuts) {
      pieces.push(buf.subarray(start, c));
      start = c;
    }
    pieces.push(buf.subarray(start));
    const targets = select(opts.filter);
    await Promise.all(
      targets.map(async (rec) => {
        for (let i = 0; i < pieces.length; i++) {
          if (rec.closed) return;
          const piece = /** @type {Buffer} */ (pieces[i]);
          if (piece.length === 0) continue;
          await new Promise((resolve) => rec.res.write(piece, () => resolve(undefined)));
          if (i < pieces.length - 1) {
            if (opts.delayMs && opts.delayMs > 0) await sleep(opts.delayMs);
            else await turn();
          }
        }
      }),
    );
    return targets.length;
  }

  /** @param {ConnFilter} [filter] */
  function drop(filter) {
    const targets = select(filter);
    for (const rec of targets) rec.socket.destroy();
    return targets.length;
  }

  /** @param {ConnFilter} [filter] */
  function end(filter) {
    const targets = select(filter);
    for (const rec of targets) {
      clearInterval(rec.heartbeat);
      rec.res.end();
    }
    return targets.length;
  }

  /** @param {ConnFilter | undefined} filter @param {boolean} stalled */
  function setStalled(filter, stalled) {
    const targets = select(filter);
    for (const rec of targets) rec.stalled = stalled;
    return targets.length;
  }

  /** @param {string} token */
  function endForToken(token) {
    for (const rec of conns) if (rec.token === token && !rec.closed) rec.res.end();
  }

  /**
   * Write `count` copies of one event to every matching connection, `chunkEvents` per write,
   * waiting for 'drain' when the socket buffer is full.
   * @param {string} cid @param {string} event @param {string} payload @param {number} count @param {{ chunkEvents?: number }} [opts]
   */
  async function blast(cid, event, payload, count, opts = {}) {
    const per = Math.max(1, opts.chunkEvents ?? 32);
    const one = `event: ${event}\ndata: ${payload}\n\n`;
    const full = Buffer.from(one.repeat(per));
    const targets = [...conns].filter((r) => r.cid === cid && !r.closed && !r.stalled);
    await Promise.all(
      targets.map(async (rec) => {
        let left = count;
        while (left > 0 && !rec.closed) {
          const n = Math.min(per, left);
          const chunk = n === per ? full : Buffer.from(one.repeat(n));
          left -= n;
          if (!rec.res.write(chunk) && !rec.closed) await drained(rec.res);
        }
      }),
    );
    return targets.length;
  }

  /** Wait for 'drain' or 'close', removing both listeners afterwards. @param {import('node:http').ServerResponse} res */
  function drained(res) {
    return new Promise((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve(undefined);
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }

  function destroyAll() {
    for (const rec of conns) {
      clearInterval(rec.heartbeat);
      rec.socket.destroy();
    }
    conns.clear();
  }

  return { conns, handle, publish, writeRaw, drop, end, setStalled, endForToken, blast, destroyAll };
}
