// The main entry: everything of the SSE-only entry, with the full client in place of the
// SSE-only one (SSE and WebSocket, catch-up, async iteration). A local export wins over the
// same name from `export *`.
export * from './sse.js';
export { Mastodon } from './mastodon.js';
export type { UnknownStreamEvent, StreamGap, StreamIterator } from './iterate.js';
