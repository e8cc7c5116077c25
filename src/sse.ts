// `mastodon-streaming/sse`: the SSE-only client, the smallest build. Same names as the main
// entry; `transport: 'websocket'`, `catchUp` and `stream()` are only in the main entry.
export { Mastodon } from './sse-client.js';
export type { MastodonOptions, PublicStreamOptions, HashtagStreamOptions } from './client.js';
export type { StreamHandle, HandleState } from './handle.js';
export type { StreamOptions } from './options.js';
export type { StreamPosition } from './position.js';
export {
  StreamListener,
  CallbackStreamListener,
  type Listener,
  type CallbackHandlers,
  type CatchUpGap,
} from './listener.js';
export {
  MastodonError,
  MastodonNetworkError,
  MastodonReadTimeout,
  MastodonMalformedEventError,
  MastodonIllegalArgumentError,
  MastodonAPIError,
  type MalformedReason,
  type NetworkErrorOptions,
} from './errors/index.js';
export type { StreamEventMap, StreamEventName, StreamEvent, StreamName } from './events.js';
export type { StreamType } from './streams.js';
export type * from './entities.js';
