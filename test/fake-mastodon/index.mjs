// startFakeMastodon(): a fake Mastodon (REST API host + streaming host) for tests, benchmarks
// and the playground. Speaks the wire described in docs/protocol.md.

import http from 'node:http';
import { createSseHub } from './sse.mjs';
import { createWsHub } from './websocket.mjs';
import { createRest, RateLimiter } from './rest.mjs';
import { Faults, refuseUpgrade } from './faults.mjs';
import { Auth } from './auth.mjs';
import { Store } from './store.mjs';
import { createActions } from './actions.mjs';
import { startDemo } from './demo.mjs';
import { channelId, isStreamingPath } from './streams.mjs';
import { preflight } from './http-util.mjs';

export { Store } from './store.mjs';
export { compareIds } from './ids.mjs';
export { NOTIFICATION_TYPES } from './entities.mjs';

/**
 * @typedef {import('./streams.mjs').StreamKey} StreamKey
 * @typedef {{ path?: string | RegExp, kind?: 'sse' | 'ws' }} ConnFilter
 * @typedef {{ time: number, method: string, path: string, url: string, headers: Record<string, string | string[] | undefined>,
 *   host: 'api' | 'streaming', kind: 'sse' | 'ws' | 'rest' | 'other' }} RecordedRequest
 */

/**
 * @param {import('./index.d.mts').FakeMastodonOptions} [options]
 * @returns {Promise<import('./index.d.mts').FakeMastodon>}
 */
export async function startFakeMastodon(options = {}) {
  const opts = {
    heartbeatMs: 15000,
    heartbeatStyle: /** @type {'modern' | 'legacy'} */ ('modern'),
    sameHost: false,
    instanceVersion: /** @type {'v1' | 'v2' | 'none'} */ ('v2'),
    streamingUrlOverride: /** @type {string | undefined} */ (undefined),
    tokens: /** @type {Record<string, string[]>} */ ({ 'test-token': ['read'] }),
    appTokens: /** @type {string[]} */ ([]),
    ownedLists: ['12', '13'],
    rateLimit: { limit: 300, windowMs: 300000 },
    demo: false,
    demoRatePerSec: 1,
    demoSeed: 1,
    wsPingMs: 30000,
    wsSubscribeErrorDelayMs: 0,
    hashtagStreamCase: /** @type {'subscribed' | 'published'} */ ('subscribed'),
    conversationOnUserStream: false,
    log: false,
    ...options,
  };
  for (const t of opts.appTokens) if (!(t in opts.tokens)) opts.tokens = { ...opts.tokens, [t]: ['read'] };

  const store = new Store();
  const faults = new Faults();
  const auth = new Auth(opts.tokens, opts.appTokens);
  const ownedLists = new Set(opts.ownedLists.map(String));
  /** @type {RecordedRequest[]} */
  const requests = [];
  /** @type {Array<{ time: number, socketId: number, message: any }>} */
  const wsMessages = [];
  let nextConnId = 1;
  const nextId = () => nextConnId++;

  /** @type {Set<{ check: () => any, resolve: (v: any) => void, reject: (e: Error) => void, timer: NodeJS.Timeout }>} */
  const waiters = new Set();
  const changed = () => {
    for (const w of waiters) {
      const v = w.check();
      if (v) {
        clearTimeout(w.timer);
        waiters.delete(w);
        w.resolve(v);
      }
    }
  };
  /** @template T @param {() => T} check @param {number} timeoutMs @param {string} what @returns {Promise<NonNullable<T>>} */
  const waitFor = (check, timeoutMs, what) => {
    const now = check();
    if (now) return Promise.resolve(/** @type {NonNullable<T>} */ (now));
    return new Promise((resolve, reject) => {
      const w = {
        check, resolve, reject,
        timer: setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`fake-mastodon: timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs),
      };
      waiters.add(w);
    });
  };

  const sse = createSseHub({ heartbeatMs: opts.heartbeatMs, heartbeatStyle: opts.heartbeatStyle, auth, ownedLists, faults, changed, nextId });
  const ws = createWsHub({
    auth, ownedLists, faults, changed, nextId, wsPingMs: opts.wsPingMs, wsSubscribeErrorDelayMs: opts.wsSubscribeErrorDelayMs,
    hashtagStreamCase: opts.hashtagStreamCase, wsMessages,
  });

  let apiUrl = '';
  let streamingUrl = '';

  /**
   * @param {StreamKey} key @param {string} event @param {unknown} payload
   */
  function publish(key, event, payload) {
    if (payload === undefined) return;
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const cid = channelId(key);
    sse.publish(cid, event, text);
    ws.publish(cid, key, event, text);
  }

  const limiter = new RateLimiter(opts.rateLimit);

  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();

  /**
   * @param {'api' | 'streaming' | 'both'} role
   * @param {http.IncomingMessage} req @param {http.ServerResponse} res
   */
  function onRequest(role, req, res) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const streamingPath = isStreamingPath(path);
    const method = req.method ?? 'GET';
    /** @type {RecordedRequest['kind']} */
    const kind = method === 'OPTIONS' ? 'other' : streamingPath ? 'sse' : path.startsWith('/api/') ? 'rest' : 'other';
    record(req, role === 'both' ? (streamingPath ? 'streaming' : 'api') : role, kind);
    res.on('error', () => {});
    if (method === 'OPTIONS') return preflight(req, res);
    if (streamingPath) {
      if (role === 'api') {
        res.writeHead(301, { Location: streamingUrl + (req.url ?? path), 'Access-Control-Allow-Origin': '*', 'Content-Length': '0' });
        res.end();
        return;
      }
      return sse.handle(req, res, url);
    }
    if (role === 'streaming') {
      const body = '{"error":"Not found"}';
      res.writeHead(404, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*', 'Content-Length': String(body.length) });
      res.end(body);
      return;
    }
    rest.handle(req, res, url).catch((err) => {
      if (opts.log) console.error('[fake-mastodon]', err);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
      res.end('{"error":"An unexpected error occurred"}');
    });
  }

  /**
   * @param {'api' | 'streaming' | 'both'} role
   * @param {http.IncomingMessage} req @param {import('node:net').Socket} socket @param {Buffer} head
   */
  function onUpgrade(role, req, socket, head) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    record(req, role === 'api' ? 'api' : 'streaming', 'ws');
    socket.on('error', () => {});
    if (role === 'api') {
      refuseUpgrade(socket, { status: 404, headers: { 'Content-Type': 'application/json' }, body: '{"error":"Not found"}' });
      return;
    }
    ws.handleUpgrade(req, socket, head, url);
  }

  /** @param {http.IncomingMessage} req @param {'api' | 'streaming'} host @param {RecordedRequest['kind']} kind */
  function record(req, host, kind) {
    const url = req.url ?? '/';
    const r = {
      time: Date.now(), method: req.method ?? 'GET', path: url.split('?')[0] ?? url, url, headers: { ...req.headers }, host, kind,
    };
    requests.push(r);
    if (opts.log) console.log(`[fake-mastodon] ${host} ${r.method} ${url}`);
    changed();
  }

  /** @param {'api' | 'streaming' | 'both'} role */
  function makeServer(role) {
    const server = http.createServer((req, res) => onRequest(role, req, res));
    server.on('upgrade', (req, socket, head) => onUpgrade(role, req, /** @type {import('node:net').Socket} */ (socket), head));
    server.on('connection', (s) => {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.on('clientError', (_err, s) => s.destroy());
    server.requestTimeout = 0;
    server.headersTimeout = 60000;
    server.keepAliveTimeout = 5000;
    return server;
  }

  /** @param {http.Server} server @returns {Promise<number>} */
  const listen = (server) =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : 0);
      });
    });

  /** @type {http.Server[]} */
  const servers = [];
  if (opts.sameHost) {
    const s = makeServer('both');
    servers.push(s);
    const port = await listen(s);
    apiUrl = streamingUrl = `http://127.0.0.1:${port}`;
  } else {
    const a = makeServer('api');
    const s = makeServer('streaming');
    servers.push(a, s);
    apiUrl = `http://127.0.0.1:${await listen(a)}`;
    streamingUrl = `http://127.0.0.1:${await listen(s)}`;
  }

  // Entities carry absolute URLs on the API host, so they are built once the port is known.
  const actions = createActions({ store, base: apiUrl, publish, conversationOnUserStream: opts.conversationOnUserStream });
  const rest = createRest({
    store, actions, auth, faults, limiter, apiUrl: () => apiUrl, streamingUrl: () => streamingUrl, ownedLists,
    instanceVersion: opts.instanceVersion, streamingUrlOverride: opts.streamingUrlOverride,
  });

  const demo = opts.demo ? startDemo({ actions, store, ratePerSec: opts.demoRatePerSec, seed: opts.demoSeed }) : undefined;
  let closed = false;

  /** @type {import('./index.d.mts').FakeMastodon} */
  const fake = {
    apiUrl,
    streamingUrl,
    token: Object.keys(opts.tokens).find((t) => !opts.appTokens.includes(t)) ?? Object.keys(opts.tokens)[0] ?? '',
    store,
    requests,
    wsMessages,
    accounts: actions.accounts,
    me: actions.me,
    options: opts,

    connections: () => sse.conns.size + ws.conns.size,
    sseConnections: () => sse.conns.size,
    wsConnections: () => ws.conns.size,
    subscriptions: () => ws.subscriptionCount(),
    waitForConnections: (n, o = {}) => waitFor(() => sse.conns.size + ws.conns.size >= n, o.timeoutMs ?? 5000, `${n} streaming connection(s)`).then(() => undefined),
    waitForSubscriptions: (n, o = {}) => waitFor(() => ws.subscriptionCount() >= n, o.timeoutMs ?? 5000, `${n} WebSocket subscription(s)`).then(() => undefined),
    waitForRequest: (predicate, o = {}) => waitFor(() => requests.find(predicate), o.timeoutMs ?? 5000, 'a matching request'),
    waitFor: (check, o = {}) => waitFor(check, o.timeoutMs ?? 5000, 'a condition'),

    publish,
    postStatus: (partial) => actions.postStatus(partial),
    editStatus: (id, changes) => actions.editStatus(id, changes),
    deleteStatus: (id) => actions.deleteStatus(id),
    notify: (type, partial) => actions.notify(type, partial),
    converse: (partial) => actions.converse(partial),
    announce: (partial) => actions.announce(partial),
    react: (partial) => actions.react(partial),
    unannounce: (id) => actions.unannounce(id),

    writeRaw: (bytes, o) => sse.writeRaw(bytes, o),
    dropConnections: (filter) => sse.drop(filter) + ws.drop(filter),
    endStreams: (filter) => sse.end(filter) + ws.end(filter),
    stall: (filter) => sse.setStalled(filter, true) + ws.setStalled(filter, true),
    unstall: (filter) => sse.setStalled(filter, false) + ws.setStalled(filter, false),
    failNext: (n, status, o = {}) => faults.failNext(n, status, o),
    failNextRest: (n, status, o = {}) => faults.failNext(n, status, { ...o, kind: 'rest' }),
    replyRaw: (r) => faults.replyRaw(r),
    clearFaults: () => faults.clear(),
    revoke(token) {
      auth.revoke(token);
      sse.endForToken(token);
      ws.endForToken(token);
    },
    async blast(key, event, payload, count, o = {}) {
      const cid = channelId(key);
      await Promise.all([sse.blast(cid, event, payload, count, o), ws.blast(cid, event, payload, count, o)]);
    },
    async close() {
      if (closed) return;
      closed = true;
      demo?.stop();
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error('fake-mastodon: closed'));
      }
      waiters.clear();
      sse.destroyAll();
      ws.destroyAll();
      for (const s of sockets) s.destroy();
      await Promise.all(
        servers.map((s) => new Promise((resolve) => {
          s.closeAllConnections?.();
          s.close(() => resolve(undefined));
        })),
      );
    },
  };
  return fake;
}
