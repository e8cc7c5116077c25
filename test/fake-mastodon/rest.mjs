// The REST side used for discovery and catch-up: instance, timelines, notifications,
// conversations, with Mastodon's paging, Link header, auth and rate limit.

import { grants, restToken } from './auth.mjs';
import { svgPicture } from './entities.mjs';
import { sceneSvg } from './scenes.mjs';
import { sendJson, sendCanned, CORS } from './http-util.mjs';

const EXPOSE = 'Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id, Retry-After';
// 1x1 transparent PNG, for the header images that account JSON points at.
const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

export class RateLimiter {
  /** @param {{ limit: number, windowMs: number }} cfg */
  constructor(cfg) {
    this.limit = cfg.limit;
    this.windowMs = cfg.windowMs;
    /** @type {Map<string, { start: number, count: number }>} */
    this.windows = new Map();
  }

  /** @param {string} key */
  hit(key) {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || now >= w.start + this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count += 1;
    const resetAt = w.start + this.windowMs;
    return {
      limited: w.count > this.limit,
      headers: {
        'X-RateLimit-Limit': String(this.limit),
        'X-RateLimit-Remaining': String(Math.max(0, this.limit - w.count)),
        'X-RateLimit-Reset': new Date(resetAt).toISOString(),
      },
      retryAfter: Math.max(1, Math.ceil((resetAt - now) / 1000)),
    };
  }
}

/**
 * @param {{ store: import('./store.mjs').Store, actions: ReturnType<typeof import('./actions.mjs').createActions>,
 *   auth: import('./auth.mjs').Auth, faults: import('./faults.mjs').Faults, limiter: RateLimiter,
 *   apiUrl: () => string, streamingUrl: () => string, ownedLists: Set<string>,
 *   instanceVersion: 'v1' | 'v2' | 'none', streamingUrlOverride: string | undefined }} ctx
 */
export function createRest(ctx) {
  /**
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {URL} url
   */
  async function handle(req, res, url) {
    const path = url.pathname;
    if (!path.startsWith('/api/')) return staticFiles(req, res, url);

    const fault = ctx.faults.take('rest');
    if (fault) return sendCanned(res, { ...fault, headers: { 'Access-Control-Expose-Headers': EXPOSE, ...fault.headers } });

    const token = restToken(req, url);
    const auth = ctx.auth.rest(token);
    if (!auth.ok) return sendJson(res, 401, { error: auth.error }, { 'Access-Control-Expose-Headers': EXPOSE });
    const rl = ctx.limiter.hit(token ?? `ip:${req.socket.remoteAddress}`);
    /** @type {Record<string, string>} */
    const h = { ...rl.headers, 'Access-Control-Expose-Headers': EXPOSE };
    if (rl.limited) return sendJson(res, 429, { error: 'Too many requests' }, { ...h, 'Retry-After': String(rl.retryAfter) });

    /** @param {number} status @param {unknown} body @param {Record<string, string>} [extra] */
    const json = (status, body, extra = {}) => sendJson(res, status, body, { ...h, ...extra });
    /** @param {string} scope */
    const needUser = (scope) => {
      if (!auth.user) {
        if (!auth.token) json(401, { error: 'The access token is invalid' });
        else json(422, { error: 'This method requires an authenticated user' });
        return false;
      }
      if (!grants(auth.scopes, scope)) {
        json(403, { error: 'This action is outside the authorized scopes' });
        return false;
      }
      return true;
    };
    const q = url.searchParams;
    const method = req.method ?? 'GET';

    /**
     * Send one page with Mastodon's Link header.
     * @param {any[]} items @param {(x: any) => string} keyOf
     */
    const sendPage = (items, keyOf = (x) => x.id) => {
      /** @type {Record<string, string>} */
      const extra = {};
      if (items.length > 0) {
        const base = new URLSearchParams(q);
        for (const k of ['max_id', 'min_id', 'since_id', 'access_token']) base.delete(k);
        const link = (/** @type {string} */ k, /** @type {string} */ v) => {
          const p = new URLSearchParams(base);
          p.set(k, v);
          return `${ctx.apiUrl()}${path}?${p.toString()}`;
        };
        const newest = keyOf(items[0]);
        const oldest = keyOf(items[items.length - 1]);
        extra.Link = `<${link('max_id', oldest)}>; rel="next", <${link('min_id', newest)}>; rel="prev"`;
      }
      json(200, items, extra);
    };
    /** @param {number} def */
    const paging = (def) => {
      const raw = Math.abs(parseInt(q.get('limit') ?? '', 10));
      const limit = Number.isFinite(raw) && raw > 0 ? Math.min(raw, def * 2) : def;
      return { max_id: q.get('max_id'), since_id: q.get('since_id'), min_id: q.get('min_id'), limit };
    };
    const onlyMedia = q.get('only_media') === 'true' || q.get('only_media') === '1';
    const mediaFilter = onlyMedia ? (/** @type {any} */ s) => (s.media_attachments ?? []).length > 0 : undefined;

    if (method !== 'GET' && method !== 'HEAD') return mutations(req, method, path, json, needUser);

    if (path === '/api/v1/instance' || path === '/api/v2/instance') {
      const v = path === '/api/v2/instance' ? 'v2' : 'v1';
      const exists = ctx.instanceVersion === 'v2' || (ctx.instanceVersion === 'v1' && v === 'v1');
      if (!exists) return json(404, { error: 'Not found' });
      return json(200, instanceJson(v));
    }
    if (path === '/api/v1/accounts/verify_credentials') {
      if (!needUser('read:accounts')) return;
      return json(200, { ...ctx.actions.me, source: { privacy: 'public', sensitive: false, language: 'en', note: '', fields: [] } });
    }
    if (path === '/api/v1/lists') {
      if (!needUser('read:lists')) return;
      return json(200, [...ctx.ownedLists].map((id, i) => ({ id, title: i === 0 ? 'Friends' : `List ${id}`, replies_policy: 'list', exclusive: false })));
    }
    if (path === '/api/v1/timelines/home') {
      if (!needUser('read:statuses')) return;
      return sendPage(ctx.store.pageTimeline('home', paging(20)));
    }
    if (path === '/api/v1/timelines/public') {
      const local = q.get('local') === 'true' || q.get('local') === '1';
      const remote = q.get('remote') === 'true' || q.get('remote') === '1';
      const name = local ? 'public:local' : remote ? 'public:remote' : 'public';
      return sendPage(ctx.store.pageTimeline(name, paging(20), mediaFilter));
    }
    let m = /^\/api\/v1\/timelines\/tag\/([^/]+)$/.exec(path);
    if (m) {
      const tag = decodeURIComponent(m[1] ?? '');
      const local = q.get('local') === 'true' || q.get('local') === '1';
      return sendPage(ctx.store.pageTimeline(`${local ? 'tag:local:' : 'tag:'}${tag.normalize('NFKC').toLowerCase()}`, paging(20), mediaFilter));
    }
    m = /^\/api\/v1\/timelines\/list\/([^/]+)$/.exec(path);
    if (m) {
      if (!needUser('read:lists')) return;
      const id = decodeURIComponent(m[1] ?? '');
      if (!ctx.ownedLists.has(id)) return json(404, { error: 'Record not found' });
      return sendPage(ctx.store.pageTimeline(`list:${id}`, paging(20)));
    }
    if (path === '/api/v1/notifications') {
      if (!needUser('read:notifications')) return;
      const types = q.getAll('types[]');
      const exclude = q.getAll('exclude_types[]');
      const filter = types.length || exclude.length
        ? (/** @type {any} */ n) => (!types.length || types.includes(n.type)) && !exclude.includes(n.type)
        : undefined;
      return sendPage(ctx.store.pageNotifications(paging(40), filter));
    }
    if (path === '/api/v1/conversations') {
      if (!needUser('read:statuses')) return;
      return sendPage(ctx.store.pageConversations(paging(20)), (c) => c.last_status.id);
    }
    m = /^\/api\/v1\/statuses\/(\d+)$/.exec(path);
    if (m) {
      const s = ctx.store.getStatus(m[1] ?? '');
      return s ? json(200, s) : json(404, { error: 'Record not found' });
    }
    return json(404, { error: 'Not found' });
  }

  /**
   * @param {import('node:http').IncomingMessage} req @param {string} method @param {string} path
   * @param {(status: number, body: unknown, extra?: Record<string, string>) => void} json @param {(scope: string) => boolean} needUser
   */
  async function mutations(req, method, path, json, needUser) {
    const body = await readBody(req);
    if (method === 'POST' && path === '/api/v1/statuses') {
      if (!needUser('write:statuses')) return;
      const text = String(body.status ?? '');
      if (!text.trim() && !body.media_ids) return json(422, { error: "Validation failed: Text can't be blank" });
      const tags = [...text.matchAll(/(?:^|\s)#([\p{L}\p{N}_]+)/gu)].map((x) => x[1]);
      const plain = text.replace(/(?:^|\s)#[\p{L}\p{N}_]+/gu, '').trim();
      const status = ctx.actions.postStatus({
        text: plain || text, tags, visibility: body.visibility ?? 'public', spoiler_text: body.spoiler_text ?? '',
        sensitive: body.sensitive === true || body.sensitive === 'true', language: body.language ?? 'en',
      });
      return json(200, status);
    }
    let m = /^\/api\/v1\/statuses\/(\d+)$/.exec(path);
    if (m && (method === 'PUT' || method === 'DELETE')) {
      if (!needUser('write:statuses')) return;
      const s = ctx.store.getStatus(m[1] ?? '');
      if (!s) return json(404, { error: 'Record not found' });
      if (method === 'DELETE') {
        ctx.actions.deleteStatus(s.id);
        return json(200, s);
      }
      return json(200, ctx.actions.editStatus(s.id, body.status !== undefined ? { text: String(body.status) } : {}));
    }
    return json(404, { error: 'Not found' });
  }

  /** @param {'v1' | 'v2'} v */
  function instanceJson(v) {
    const api = new URL(ctx.apiUrl());
    const streaming = ctx.streamingUrlOverride ?? ctx.streamingUrl().replace(/^http/, 'ws');
    const common = {
      title: 'Fake Mastodon',
      version: '4.6.4',
      source_url: 'https://github.com/mastodon/mastodon',
      description: 'A fake Mastodon server for testing mastodon-streaming.',
      languages: ['en'],
      rules: [],
    };
    if (v === 'v2') {
      return {
        domain: api.host, ...common,
        usage: { users: { active_month: 9 } },
        thumbnail: { url: `${ctx.apiUrl()}/avatars/instance.svg` },
        configuration: {
          urls: { streaming, status: null },
          accounts: { max_featured_tags: 10, max_pinned_statuses: 5 },
          statuses: { max_characters: 500, max_media_attachments: 4, characters_reserved_per_url: 23 },
          media_attachments: { supported_mime_types: ['image/png', 'image/jpeg'], image_size_limit: 16777216 },
          polls: { max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2629746 },
          translation: { enabled: false },
        },
        registrations: { enabled: false, approval_required: false, message: null },
        contact: { email: 'admin@example.invalid', account: ctx.actions.accounts[1] },
      };
    }
    return {
      uri: api.host, ...common, short_description: common.description, email: 'admin@example.invalid',
      urls: { streaming_api: streaming },
      stats: { user_count: 9, status_count: ctx.store.statuses.size, domain_count: 2 },
      thumbnail: `${ctx.apiUrl()}/avatars/instance.svg`,
      registrations: false, approval_required: false, invites_enabled: false,
      configuration: { statuses: { max_characters: 500, max_media_attachments: 4, characters_reserved_per_url: 23 } },
      contact_account: ctx.actions.accounts[1],
    };
  }

  /**
   * Generated pictures: /avatars/<id>.svg, /media/<id>.svg, and the "missing" header PNG.
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {URL} url
   */
  function staticFiles(req, res, url) {
    const m = /^\/(avatars|media)\/([\w-]+)\.svg$/.exec(url.pathname);
    if (m) {
      const id = m[2] ?? '';
      const account = ctx.actions.accounts.find((a) => a.id === id);
      const hue = url.searchParams.has('hue') ? Number(url.searchParams.get('hue')) : undefined;
      const svg = m[1] === 'avatars'
        ? svgPicture(id, (account?.display_name || account?.username || '?').slice(0, 1).toUpperCase(), 96, 96, hue)
        : sceneSvg(url.searchParams.get('scene') ?? '', hue) ?? svgPicture(id, '', 640, 480, hue);
      res.writeHead(200, { ...CORS, 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400', 'Content-Length': String(Buffer.byteLength(svg)) });
      res.end(svg);
      return;
    }
    if (/^\/headers\//.test(url.pathname) || /^\/avatars\/original\//.test(url.pathname)) {
      res.writeHead(200, { ...CORS, 'Content-Type': 'image/png', 'Content-Length': String(PNG_1x1.length) });
      res.end(PNG_1x1);
      return;
    }
    sendJson(res, 404, { error: 'Not found' });
  }

  return { handle };
}

/**
 * Parse a JSON or form-encoded request body.
 * @param {import('node:http').IncomingMessage} req @returns {Promise<Record<string, any>>}
 */
async function readBody(req) {
  /** @type {Buffer[]} */
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  const type = req.headers['content-type'] ?? '';
  try {
    if (type.includes('json')) return JSON.parse(text);
  } catch {
    return {};
  }
  return Object.fromEntries(new URLSearchParams(text));
}
