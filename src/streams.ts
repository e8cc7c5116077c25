import { bad } from './options.js';

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
 * One stream, described once and rendered for either transport (the SSE path and query, the
 * WebSocket subscribe message): its `forStream` array, as listeners receive it. `[type]`, or
 * `[type, tag]` for hashtag streams and `[type, list id]` for list streams.
 */
export type StreamSpec = readonly [StreamType] | readonly [StreamType, string];

/** The parameters of a hashtag or list stream. */
export type StreamParams = { tag?: string; list?: string | { id: string } };

/** Checks a stream's parameters. */
export function streamSpec(t: StreamType, params: StreamParams = {}): StreamSpec {
  if (t[0] == 'h') {
    const tag = params.tag;
    if (!tag || typeof tag != 'string') bad('A hashtag stream needs a tag');
    if (tag![0] == '#') bad('Tag parameter should omit leading #');
    return [t, tag!];
  }
  if (t == 'list') {
    const raw = params.list;
    const list = String((typeof raw == 'object' ? raw?.id : raw) ?? '');
    if (!list) bad('A list stream needs a list id');
    return [t, list];
  }
  return [t];
}

/** `public` + `{local, remote, onlyMedia}` → `public:local:media` and friends. */
export function publicType(o: { local?: boolean; remote?: boolean; onlyMedia?: boolean }): StreamType {
  if (o.local && o.remote) bad('Cannot stream both local and remote only');
  return ('public' + (o.local ? ':local' : o.remote ? ':remote' : '') + (o.onlyMedia ? ':media' : '')) as StreamType;
}

/**
 * The SSE path and query for a stream: `/api/v1/streaming/public/local?only_media=true`. (A
 * parameter is never empty: `streamSpec` refuses that.)
 */
export function ssePath([type, param]: StreamSpec): string {
  return (
    '/api/v1/streaming/' +
    type.replace(/:/g, '/').replace(/\/media$/, '?only_media=true') +
    (param ? (type == 'list' ? '?list=' : '?tag=') + encodeURIComponent(param) : '')
  );
}
