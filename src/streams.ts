import { MastodonIllegalArgumentError } from './errors/MastodonIllegalArgumentError.js';

/** A stream as Mastodon's WebSocket protocol names it. */
export type StreamType =
  | 'user'
  | 'user:notification'
  | 'public'
  | 'public:media'
  | 'public:local'
  | 'public:local:media'
  | 'public:remote'
  | 'public:remote:media'
  | 'hashtag'
  | 'hashtag:local'
  | 'list'
  | 'direct';

/**
 * One stream, described once and rendered for either transport: the SSE path and query, the
 * WebSocket subscribe message, and the `forStream` array listeners receive.
 */
export interface StreamSpec {
  readonly type: StreamType;
  /** For `hashtag` and `hashtag:local`, without `#`. */
  readonly tag?: string;
  /** For `list`. */
  readonly list?: string;
}

// The twelve stream names of PROTOCOL.md, as one pattern rather than a table.
const TYPE = /^(?:user(?::notification)?|public(?::local|:remote)?(?::media)?|hashtag(?::local)?|list|direct)$/;

/** Checks a stream description. */
export function streamSpec(type: string, params: { tag?: string; list?: string | { id: string } } = {}): StreamSpec {
  if (!TYPE.test(type)) throw new MastodonIllegalArgumentError(`Unknown stream type: ${type}`);
  const t = type as StreamType;
  if (t[0] === 'h') {
    const tag = params.tag;
    if (typeof tag !== 'string' || tag === '') throw new MastodonIllegalArgumentError('A hashtag stream needs a tag');
    if (tag[0] === '#') throw new MastodonIllegalArgumentError('Tag parameter should omit leading #');
    return { type: t, tag };
  }
  if (t === 'list') {
    const raw = params.list;
    const id = typeof raw === 'object' && raw !== null ? raw.id : raw;
    if (id == null || String(id) === '') throw new MastodonIllegalArgumentError('A list stream needs a list id');
    return { type: t, list: String(id) };
  }
  return { type: t };
}

/** `public` + `{local, remote, onlyMedia}` → `public:local:media` and friends. */
export function publicType(opts: { local?: boolean; remote?: boolean; onlyMedia?: boolean }): StreamType {
  if (opts.local && opts.remote) throw new MastodonIllegalArgumentError('Cannot stream both local and remote only');
  let t = 'public';
  if (opts.local) t += ':local';
  else if (opts.remote) t += ':remote';
  if (opts.onlyMedia) t += ':media';
  return t as StreamType;
}

/** The SSE path and query for a stream: `/api/v1/streaming/public/local?only_media=true`. */
export function ssePath(spec: StreamSpec): string {
  const parts = spec.type.split(':');
  const media = parts[parts.length - 1] === 'media';
  if (media) parts.pop();
  let path = '/api/v1/streaming/' + parts.join('/');
  const query: string[] = [];
  if (spec.tag !== undefined) query.push('tag=' + encodeURIComponent(spec.tag));
  if (spec.list !== undefined) query.push('list=' + encodeURIComponent(spec.list));
  if (media) query.push('only_media=true');
  if (query.length) path += '?' + query.join('&');
  return path;
}

/** The `forStream` array: `['user']`, `['hashtag', 'cats']`, `['list', '12']`. */
export function streamName(spec: StreamSpec): readonly string[] {
  const param = spec.tag ?? spec.list;
  return param === undefined ? [spec.type] : [spec.type, param];
}
