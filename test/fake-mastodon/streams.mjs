// Stream names, SSE paths, channel ids and the checks the real streaming server
// applies before it subscribes a connection (docs/protocol.md, "Server-sent events" and "WebSocket").

/** @typedef {{ stream: string, tag?: string, list?: string | number }} StreamKey */

/** SSE path -> base stream name (only_media appends ':media' to the public ones). */
export const SSE_PATHS = new Map([
  ['/api/v1/streaming/user', 'user'],
  ['/api/v1/streaming/user/notification', 'user:notification'],
  ['/api/v1/streaming/public', 'public'],
  ['/api/v1/streaming/public/local', 'public:local'],
  ['/api/v1/streaming/public/remote', 'public:remote'],
  ['/api/v1/streaming/hashtag', 'hashtag'],
  ['/api/v1/streaming/hashtag/local', 'hashtag:local'],
  ['/api/v1/streaming/list', 'list'],
  ['/api/v1/streaming/direct', 'direct'],
]);

export const HEALTH_PATH = '/api/v1/streaming/health';
export const STREAMING_PREFIX = '/api/v1/streaming';

export const WS_STREAMS = new Set([
  'user', 'user:notification',
  'public', 'public:media', 'public:local', 'public:local:media', 'public:remote', 'public:remote:media',
  'hashtag', 'hashtag:local', 'list', 'direct',
]);

const FALSE_VALUES = new Set(['0', 'f', 'F', 'false', 'FALSE', 'off', 'OFF', '']);

/** Mastodon's notion of a truthy query value. @param {string | null | undefined} v */
export function isTruthy(v) {
  return v != null && !FALSE_VALUES.has(v);
}

/** Is this pathname a streaming path (anything under /api/v1/streaming)? @param {string} path */
export function isStreamingPath(path) {
  return path === STREAMING_PREFIX || path.startsWith(STREAMING_PREFIX + '/');
}

/**
 * Stream name for an SSE request, or undefined for an unknown channel.
 * @param {string} path @param {URLSearchParams} query
 */
export function sseStreamName(path, query) {
  const base = SSE_PATHS.get(path);
  if (!base) return undefined;
  if (base.startsWith('public') && isTruthy(query.get('only_media'))) return base + ':media';
  return base;
}

/** @param {string} tag */
export function normalizeTag(tag) {
  return String(tag).normalize('NFKC').toLowerCase();
}

/**
 * The id two keys share when they mean the same channel (hashtags case-insensitive).
 * @param {StreamKey} key
 */
export function channelId(key) {
  const name = key.stream;
  if (name === 'hashtag' || name === 'hashtag:local') return `${name}\u0000${normalizeTag(key.tag ?? '')}`;
  if (name === 'list') return `list\u0000${String(key.list ?? '')}`;
  return name;
}

/**
 * Scope check as the real server does it.
 * @param {string} name @param {string[]} scopes
 */
export function hasStreamScope(name, scopes) {
  const needed = name === 'user:notification' ? ['read', 'read:notifications'] : ['read', 'read:statuses'];
  return needed.some((s) => scopes.includes(s));
}

/** @param {string[]} scopes */
export function hasNotificationScope(scopes) {
  return scopes.includes('read') || scopes.includes('read:notifications');
}

/**
 * Resolve a stream subscription (SSE or WS) the way the real server does: scope check first,
 * then the stream name and its parameters.
 * @param {string} name
 * @param {{ tag?: unknown, list?: unknown }} params
 * @param {{ scopes: string[], ownedLists: Set<string>, checkScopes?: boolean, unknownMessage?: string }} ctx
 * @returns {{ ok: true, cid: string, streamArray: string[], name: string, key: StreamKey } | { ok: false, status: number, error: string }}
 */
export function resolveStream(name, params, ctx) {
  if (!WS_STREAMS.has(name)) return { ok: false, status: 400, error: ctx.unknownMessage ?? 'Unknown stream type' };
  if (ctx.checkScopes !== false && !hasStreamScope(name, ctx.scopes)) {
    return { ok: false, status: 401, error: 'Access token does not have the required scopes' };
  }
  if (name === 'hashtag' || name === 'hashtag:local') {
    const tag = params.tag;
    if (tag == null || tag === '') return { ok: false, status: 400, error: 'Missing tag name parameter' };
    const key = { stream: name, tag: String(tag) };
    return { ok: true, cid: channelId(key), streamArray: [name, String(tag)], name, key };
  }
  if (name === 'list') {
    const list = params.list;
    if (list == null || list === '') return { ok: false, status: 400, error: 'Missing list name parameter' };
    if (!ctx.ownedLists.has(String(list))) return { ok: false, status: 401, error: 'Not authorized to stream this list' };
    const key = { stream: 'list', list: String(list) };
    return { ok: true, cid: channelId(key), streamArray: ['list', String(list)], name, key };
  }
  return { ok: true, cid: name, streamArray: [name], name, key: { stream: name } };
}

/**
 * Does a connection record match a { path?, kind? } filter?
 * @param {{ path: string, kind: 'sse' | 'ws' }} rec
 * @param {{ path?: string | RegExp, kind?: 'sse' | 'ws' } | undefined} filter
 */
export function matchesFilter(rec, filter) {
  if (!filter) return true;
  if (filter.kind && filter.kind !== rec.kind) return false;
  if (filter.path === undefined) return true;
  if (typeof filter.path === 'string') return rec.path === filter.path;
  return filter.path.test(rec.path);
}
