// The WebSocket half of the streaming server: one socket, many subscriptions
// (docs/protocol.md, "WebSocket: one socket, many streams"), with the same wire controls as the SSE half.

import { WebSocketServer, WebSocket } from 'ws';
import { isStreamingPath, resolveStream, hasNotificationScope, matchesFilter } from './streams.mjs';
import { streamingToken } from './auth.mjs';
import { refuseUpgrade } from './faults.mjs';

/**
 * @typedef {{ stream: string, streamArray: string[], params: Record<string, string>, notifications: boolean }} WsSubscription
 * @typedef {{ id: number, kind: 'ws', ws: WebSocket, req: import('node:http').IncomingMessage, path: string, url: string,
 *   token: string, scopes: string[], subscriptions: Map<string, WsSubscription>, stalled: boolean, closed: boolean, isAlive: boolean }} WsConnection
 */

/**
 * @param {{ auth: import('./auth.mjs').Auth, ownedLists: Set<string>, faults: import('./faults.mjs').Faults,
 *   changed: () => void, nextId: () => number, wsPingMs: number, wsSubscribeErrorDelayMs: number,
 *   hashtagStreamCase: 'subscribed' | 'published',
 *   wsMessages: Array<{ time: number, socketId: number, message: any }> }} ctx
 */
export function createWsHub(ctx) {
  /** @type {Set<WsConnection>} */
  const conns = new Set();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    // Echo the token back when it came as the subprotocol (browsers require the echo).
    handleProtocols: (protocols) => {
      const first = protocols.values().next();
      return first.done ? false : first.value;
    },
  });

  const pingTimer = ctx.wsPingMs > 0
    ? setInterval(() => {
      for (const rec of conns) {
        if (rec.stalled || rec.closed) continue;
        if (!rec.isAlive) {
          rec.ws.terminate();
          continue;
        }
        rec.isAlive = false;
        rec.ws.ping();
      }
    }, ctx.wsPingMs)
    : undefined;
  pingTimer?.unref();

  /**
   * @param {import('node:http').IncomingMessage} req @param {import('node:net').Socket} socket @param {Buffer} head @param {URL} url
   */
  function handleUpgrade(req, socket, head, url) {
    if (!isStreamingPath(url.pathname)) {
      refuseUpgrade(socket, { status: 404, headers: { 'Content-Type': 'application/json' }, body: '{"error":"Not found"}' });
      return;
    }
    const fault = ctx.faults.take('ws', streamingToken(req, url));
    if (fault) return refuseUpgrade(socket, fault);
    const auth = ctx.auth.streaming(streamingToken(req, url));
    if (!auth.ok) {
      refuseUpgrade(socket, { status: 401, headers: { 'X-Error-Message': auth.error }, body: '' });
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      /** @type {WsConnection} */
      const rec = {
        id: ctx.nextId(), kind: 'ws', ws, req, path: url.pathname, url: req.url ?? url.pathname, token: auth.token,
        scopes: auth.scopes, subscriptions: new Map(), stalled: false, closed: false, isAlive: true,
      };
      /** @type {any} */ (socket).setNoDelay?.(true);
      conns.add(rec);
      ws.on('pong', () => {
        rec.isAlive = true;
      });
      ws.on('error', () => {});
      ws.on('close', () => {
        rec.closed = true;
        rec.subscriptions.clear();
        conns.delete(rec);
        ctx.changed();
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) {
          ws.close(1003, 'The mastodon streaming server does not support binary messages');
          return;
        }
        let json;
        try {
          json = JSON.parse(data.toString());
        } catch {
          return;
        }
        if (!json || typeof json !== 'object') return;
        ctx.wsMessages.push({ time: Date.now(), socketId: rec.id, message: json });
        const { type, stream, ...params } = json;
        const name = Array.isArray(stream) ? stream[0] : stream;
        if (type === 'subscribe') subscribe(rec, String(name), params);
        else if (type === 'unsubscribe') unsubscribe(rec, String(name), params);
        ctx.changed();
      });
      const initial = url.searchParams.get('stream');
      if (initial) {
        subscribe(rec, initial, { tag: url.searchParams.get('tag') ?? undefined, list: url.searchParams.get('list') ?? undefined });
      }
      ctx.changed();
    });
  }

  /** @param {WsConnection} rec @param {string} text */
  function send(rec, text) {
    if (rec.stalled || rec.closed || rec.ws.readyState !== WebSocket.OPEN) return;
    rec.ws.send(text);
  }

  /** @param {WsConnection} rec @param {string} name @param {Record<string, any>} params */
  function subscribe(rec, name, params) {
    const r = resolveStream(name, params, { scopes: rec.scopes, ownedLists: ctx.ownedLists });
    if (!r.ok) {
      const text = JSON.stringify({ error: r.error, status: r.status });
      if (ctx.wsSubscribeErrorDelayMs > 0) setTimeout(() => send(rec, text), ctx.wsSubscribeErrorDelayMs);
      else send(rec, text);
      return;
    }
    if (rec.subscriptions.has(r.cid)) return;
    rec.subscriptions.set(r.cid, {
      stream: name,
      streamArray: r.streamArray,
      params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
      notifications: name !== 'user' || hasNotificationScope(rec.scopes),
    });
  }

  /** @param {WsConnection} rec @param {string} name @param {Record<string, any>} params */
  function unsubscribe(rec, name, params) {
    const r = resolveStream(name, params, { scopes: rec.scopes, ownedLists: ctx.ownedLists, checkScopes: false });
    if (!r.ok) {
      // Mastodon answers an unsubscribe it cannot resolve (the library's liveness and ordering
      // marker). A list is looked up in the database on unsubscribe too: as late as a list's
      // subscribe refusal (wsSubscribeErrorDelayMs).
      const text = JSON.stringify({ error: 'Error unsubscribing from channel' });
      if (name === 'list' && ctx.wsSubscribeErrorDelayMs > 0) setTimeout(() => send(rec, text), ctx.wsSubscribeErrorDelayMs);
      else send(rec, text);
      return;
    }
    rec.subscriptions.delete(r.cid);
  }

  /**
   * @param {string} cid @param {import('./streams.mjs').StreamKey} key @param {string} event @param {string} payload
   */
  function publish(cid, key, event, payload) {
    for (const rec of conns) {
      const sub = rec.subscriptions.get(cid);
      if (!sub || rec.stalled || rec.closed) continue;
      if (event === 'notification' && !sub.notifications) continue;
      let stream = sub.streamArray;
      if (ctx.hashtagStreamCase === 'published' && key.tag !== undefined && stream.length === 2) stream = [stream[0] ?? '', String(key.tag)];
      send(rec, JSON.stringify({ stream, event, payload }));
    }
  }

  /**
   * @param {string} cid @param {string} event @param {string} payload @param {number} count @param {{ chunkEvents?: number }} [opts]
   */
  async function blast(cid, event, payload, count, opts = {}) {
    const per = Math.max(1, opts.chunkEvents ?? 32);
    const targets = [...conns].filter((r) => r.subscriptions.has(cid) && !r.stalled && !r.closed);
    await Promise.all(
      targets.map(async (rec) => {
        const sub = /** @type {WsSubscription} */ (rec.subscriptions.get(cid));
        const text = JSON.stringify({ stream: sub.streamArray, event, payload });
        for (let i = 0; i < count && !rec.closed; i += per) {
          const n = Math.min(per, count - i);
          for (let j = 0; j < n - 1; j++) rec.ws.send(text);
          await new Promise((resolve) => rec.ws.send(text, () => resolve(undefined)));
        }
      }),
    );
    return targets.length;
  }

  /** @param {import('./sse.mjs').ConnFilter} [filter] */
  const select = (filter) => [...conns].filter((r) => !r.closed && matchesFilter(r, filter));

  return {
    conns,
    wss,
    handleUpgrade,
    publish,
    blast,
    /** @param {import('./sse.mjs').ConnFilter} [filter] */
    drop(filter) {
      const t = select(filter);
      for (const rec of t) rec.ws.terminate();
      return t.length;
    },
    /** Close with an empty close frame: the peer reports 1005. @param {import('./sse.mjs').ConnFilter} [filter] */
    end(filter) {
      const t = select(filter);
      for (const rec of t) rec.ws.close();
      return t.length;
    },
    /** @param {import('./sse.mjs').ConnFilter | undefined} filter @param {boolean} stalled */
    setStalled(filter, stalled) {
      const t = select(filter);
      for (const rec of t) rec.stalled = stalled;
      return t.length;
    },
    /** @param {string} token */
    endForToken(token) {
      for (const rec of conns) if (rec.token === token && !rec.closed) rec.ws.close();
    },
    subscriptionCount() {
      let n = 0;
      for (const rec of conns) n += rec.subscriptions.size;
      return n;
    },
    destroyAll() {
      clearInterval(pingTimer);
      for (const rec of conns) rec.ws.terminate();
      conns.clear();
      wss.close();
    },
  };
}
