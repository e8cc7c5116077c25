// The main entry: the full client (SSE and WebSocket, catch-up, async iteration).
export { Mastodon } from './mastodon.js';
export type { MastodonOptions, PublicStreamOptions, HashtagStreamOptions } from './client.js';
export type { UnknownStreamEvent } from './iterate.js';
export type { StreamHandle, HandleState } from './handle.js';
export type { StreamOptions } from './options.js';
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
